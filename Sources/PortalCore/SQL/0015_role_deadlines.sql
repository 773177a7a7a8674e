-- portal-auth 0015: every call of the services has a deadline; the gateway can count the hashes
-- it would refuse.
--
-- * Deadlines. No session set statement_timeout or lock_timeout, so one open transaction on a
--   user row (a DBA's psql, a long import) made every sign-in for that email wait for it, and
--   PORTAL_DB_POOL such sign-ins held every connection of the gateway: /me and /readyz hung for
--   everyone. The login roles now carry timeouts in this database (ALTER ROLE … IN DATABASE, so
--   the other databases of a shared cluster keep theirs); a call that hits one fails with
--   55P03 (lock_not_available) or 57014 (query_canceled), which the gateway answers 503 with
--   Retry-After and the mailer retries later.
--     portal_gateway  lock_timeout 500ms: a sign-in waits at most half a second for a row
--                     someone else holds, so PORTAL_DB_POOL such sign-ins free their connections
--                     within half a second and other users' calls get one. A busy but healthy
--                     database never holds a portal user's row that long (the gateway's own
--                     writes hold it for well under a millisecond).
--                     statement_timeout 5s: every gateway function is an index lookup or a
--                     handful of single-row writes (milliseconds); five seconds is far beyond a
--                     slow disk's worst and well under a client's patience or a proxy's timeout.
--     portal_mailer   lock_timeout 2s, statement_timeout 30s: nobody waits on the mailer, and a
--                     mail that fails is retried with back-off, so it may wait longer; 30 s
--                     still ends a call that would otherwise hang its lease and the drain.
--   Overridable: ALTER ROLE portal_gateway IN DATABASE <db> SET lock_timeout = '1s' (new
--   connections take it), or per process with libpq options in DATABASE_URL
--   (options=-c%20lock_timeout%3D1s). See them: \drds in psql, or pg_catalog.pg_db_role_setting.
--   Migrate sets them once; a later migrate leaves an operator's values alone.
-- * portal_api.hash_census(): the stored password hashes by scrypt parameters, so a gateway
--   started with a PORTAL_SCRYPT too low to verify them (it refuses hashes above twice its
--   memory as wrong passwords) says so at start instead of answering 401 to everyone.
--
-- Raises nothing of the project's own.

-- Role settings are the migrating role's business (it created the roles), not portal_owner's.
do $$
begin
    execute format('alter role portal_gateway in database %I set lock_timeout = %L', current_database(), '500ms');
    execute format('alter role portal_gateway in database %I set statement_timeout = %L', current_database(), '5s');
    execute format('alter role portal_mailer in database %I set lock_timeout = %L', current_database(), '2s');
    execute format('alter role portal_mailer in database %I set statement_timeout = %L', current_database(), '30s');
end
$$;

set local role portal_owner;

-- The accounts with a stored PHC hash, counted by its parameters (ln, r, p), most used first.
-- Legacy Node hashes (fixed N=2^14, r=8, p=1) and anything unparseable are not listed: the
-- gateway never refuses the former for its cost, and the latter is no hash it could verify at
-- any setting. One scan of portal_users, no locks: cheap enough for every gateway start. Granted
-- to the gateway only (a DBA runs it as the owner or a superuser).
create function portal_api.hash_census()
returns table (ln integer, r integer, p integer, users bigint)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select m[1]::integer, m[2]::integer, m[3]::integer, count(*)
      from portal.portal_users u,
           lateral regexp_match(u.password_hash, '^\$scrypt\$ln=([0-9]{1,2}),r=([0-9]{1,3}),p=([0-9]{1,3})\$') as parsed(m)
     where u.password_hash is not null and m is not null
     group by 1, 2, 3
     order by 4 desc, 1, 2, 3;
$$;
revoke all on function portal_api.hash_census() from public;
grant execute on function portal_api.hash_census() to portal_gateway;
comment on function portal_api.hash_census() is
    'Stored PHC password hashes counted by scrypt parameters (ln, r, p): a gateway checks at start that it can verify them.';
