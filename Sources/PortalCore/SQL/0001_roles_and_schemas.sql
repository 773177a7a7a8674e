-- portal-auth 0001: roles and schemas.
--
-- Roles (cluster-wide, created once, reused by every database of the cluster):
--   portal_owner    NOLOGIN  owns every object; SECURITY DEFINER functions run as it.
--   portal_gateway  LOGIN    the HTTP gateway: EXECUTE on its portal_api functions, nothing else.
--   portal_mailer   LOGIN    the mailer: EXECUTE on the outbox functions and seal_token, nothing else.
--   portal_admin    NOLOGIN  a group for DBAs and staff tooling: the DBA-facing portal_api functions.
-- LOGIN roles get no password here: a deployment sets one (ALTER ROLE ... PASSWORD) or uses
-- peer/cert authentication. Run migrations as a role that may create roles and schemas.
--
-- Custom SQLSTATEs (class PA). Swift maps these codes, never message text.
--   PA001 invalid_token            token unknown, unsealed, used, revoked, expired or of the other type
--   PA002 email_taken              another portal user already has this email (case-insensitive)
--   PA003 portal_user_exists       the client already has a portal user
--   PA004 client_not_found         no such client (or not in the caller's port)
--   PA005 port_not_found           no such port
--   PA006 portal_user_not_found    the client has no portal user
--   PA007 already_active           the portal user has already set a password
--   PA008 invalid_input            a malformed argument (email, name, hash, action, ...)
--   PA009 token_conflict           seal_token with a different hash than the one already sealed
--   PA010 invalid_setting          unknown setting or a value outside its bounds
--   PA011 admin_key_not_found      no such admin key
--   PA012 portal_user_disabled     the action needs an enabled portal user
--   PA013 password_conflict        the password changed concurrently (compare-and-swap lost)
--   PA014 invalid_admin_key        the presented admin key is unknown or revoked

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
end
$$;

-- Data lives in `portal` (private); the callable surface lives in `portal_api`.
create schema portal authorization portal_owner;
create schema portal_api authorization portal_owner;

revoke all on schema portal from public;
revoke all on schema portal_api from public;
grant usage on schema portal_api to portal_gateway, portal_mailer, portal_admin;

-- Functions are executable by PUBLIC by default; nothing of ours should be.
alter default privileges for role portal_owner revoke execute on functions from public;
alter default privileges for role portal_owner in schema portal revoke all on tables from public;
