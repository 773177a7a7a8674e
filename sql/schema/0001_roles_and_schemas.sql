-- Roles, schemas, the roles' deadlines, and the project's SQLSTATEs.
--
-- Roles (cluster-wide, created once, reused by every database of the cluster):
--   portal_owner    NOLOGIN  owns every object; SECURITY DEFINER functions run as it.
--   portal_gateway  LOGIN    the HTTP gateway: EXECUTE on its portal_api functions, nothing else.
--   portal_mailer   LOGIN    the mailer: EXECUTE on the outbox functions, nothing else.
--   portal_admin    NOLOGIN  a group for DBAs and staff tooling: the DBA-facing portal_api functions.
--   portal_reader   NOLOGIN  a group for other services of the CRM: session_check only (a
--                            forward-auth or backend that reads the cookie's claims itself).
-- LOGIN roles get no password here: `portal-auth migrate` sets one from PORTAL_GATEWAY_DB_PASSWORD /
-- PORTAL_MAILER_DB_PASSWORD, or a deployment uses ALTER ROLE ... PASSWORD or peer/cert
-- authentication. Run migrate as a role that may create roles and schemas.
--
-- Custom SQLSTATEs (class PA). Swift maps these codes (Sources/PortalCore/SQLState.swift), never
-- message text.
--   PA001 invalid_token            token unknown, unsealed, used, revoked, expired or of the other type
--   PA002 email_taken              another portal user already has this email (case-insensitive)
--   PA003 portal_user_exists       the client already has a portal user
--   PA004 client_not_found         no such client (or not in the caller's port)
--   PA005 port_not_found           no such port
--   PA006 portal_user_not_found    the client has no portal user
--   PA007 already_active           the portal user has already set a password
--   PA008 invalid_input            a malformed argument (email, name, hash, action, ...)
--   PA009 token_conflict           a token sealed with a different hash than the one already sealed
--   PA010 invalid_setting          unknown setting or a value outside its bounds
--   PA011 admin_key_not_found      no such admin key
--   PA012 portal_user_disabled     the action needs an enabled portal user
--   PA013 password_conflict        the password changed concurrently (compare-and-swap lost)
--   PA014 invalid_admin_key        the presented admin key is unknown or revoked
--   PA015 id_taken                 the id is already in use (by another port's client, another
--                                  port, another user; also by an id differing only in case)

-- The email rule lower-cases non-ASCII letters: the database must do that (a UTF-8 LC_CTYPE).
do $$
begin
    if lower('Ü') <> 'ü' then
        raise exception 'this database does not lower-case non-ASCII letters (LC_CTYPE %): the email rule needs a UTF-8 locale',
            (select datctype from pg_catalog.pg_database where datname = current_database())
            using hint = 'create the database with a UTF-8 locale (e.g. LC_CTYPE ''C.UTF-8'' or ''en_US.UTF-8''), then migrate again';
    end if;
end
$$;

do $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = 'portal_owner') then
        create role portal_owner nologin;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'portal_gateway') then
        create role portal_gateway login;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'portal_mailer') then
        create role portal_mailer login;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'portal_admin') then
        create role portal_admin nologin;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'portal_reader') then
        create role portal_reader nologin;
    end if;
end
$$;

-- Deadlines: every call of the services has one, so one held row cannot stop the service. A
-- DBA's open transaction on a user row (or a long import) would otherwise make every sign-in for
-- that email wait, and PORTAL_DB_POOL such sign-ins would hold every connection of the gateway.
-- Set per database (ALTER ROLE … IN DATABASE: the other databases of a shared cluster keep
-- theirs); a call that hits one fails with 55P03 (lock_not_available) or 57014 (query_canceled),
-- which the gateway answers 503 with Retry-After and the mailer retries later.
--   portal_gateway  lock_timeout 500ms: a sign-in waits at most half a second for a row someone
--                   else holds (the gateway's own writes hold one for well under a millisecond).
--                   statement_timeout 5s: every gateway function is an index lookup or a handful
--                   of single-row writes; five seconds is far beyond a slow disk's worst.
--   portal_mailer   lock_timeout 2s, statement_timeout 30s: nobody waits on the mailer, and a
--                   failed mail is retried with back-off; 30 s still ends a call that would hang
--                   its lease.
-- Overridable: ALTER ROLE portal_gateway IN DATABASE <db> SET lock_timeout = '1s' (new connections
-- take it), or per process with libpq options in DATABASE_URL (options=-c%20lock_timeout%3D1s).
-- See them with \drds in psql. Set here once; a later migrate leaves an operator's values alone.
-- Role settings are the migrating role's business (it created the roles), not portal_owner's.
do $$
begin
    execute format('alter role portal_gateway in database %I set lock_timeout = %L', current_database(), '500ms');
    execute format('alter role portal_gateway in database %I set statement_timeout = %L', current_database(), '5s');
    execute format('alter role portal_mailer in database %I set lock_timeout = %L', current_database(), '2s');
    execute format('alter role portal_mailer in database %I set statement_timeout = %L', current_database(), '30s');
end
$$;

-- Data lives in `portal` (private); the callable surface lives in `portal_api`.
create schema portal authorization portal_owner;
create schema portal_api authorization portal_owner;

revoke all on schema portal from public;
revoke all on schema portal_api from public;
grant usage on schema portal_api to portal_gateway, portal_mailer, portal_admin, portal_reader;

-- Functions are executable by PUBLIC by default; nothing of ours should be.
alter default privileges for role portal_owner revoke execute on functions from public;
alter default privileges for role portal_owner in schema portal revoke all on tables from public;
