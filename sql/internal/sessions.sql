-- Sessions: recording an issued session and ending a user's sessions.
--
-- A session is valid while its row (schema/0006_sessions.sql) exists, is unexpired and carries
-- the user's current session_epoch (portal_api.session_check). Ending sessions deletes rows and,
-- for password changes and resets, raises the epoch.
--
-- Raises nothing of the project's own.

set local role portal_owner;

-- Records a new session for a user, in the caller's transaction. Raises PA008 for a jti that is
-- not 1–64 characters or already in use, or an expiry that is missing or not in the future.
-- (ON CONFLICT rather than an exception block: no subtransaction on every sign-in.)
create or replace function portal.record_session(p_user portal.portal_users, p_jti text, p_expires_at timestamptz) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_jti is null or length(p_jti) not between 1 and 64 then
        raise exception 'a session id must be 1 to 64 characters' using errcode = 'PA008';
    end if;
    if p_expires_at is null or p_expires_at <= now() then
        raise exception 'a session must expire in the future' using errcode = 'PA008';
    end if;
    insert into portal.sessions (jti, portal_user_id, session_epoch, expires_at)
    values (p_jti, p_user.id, p_user.session_epoch, p_expires_at)
    on conflict (jti) do nothing;
    if not found then
        raise exception 'this session id is already in use' using errcode = 'PA008';
    end if;
end
$$;
revoke all on function portal.record_session(portal.portal_users, text, timestamp with time zone) from public;

-- Deletes every recorded session of a user; returns how many. Callers bump session_epoch too.
create or replace function portal.end_sessions(p_user_id text) returns integer
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_count integer;
begin
    delete from portal.sessions s where s.portal_user_id = p_user_id;
    get diagnostics v_count = row_count;
    return v_count;
end
$$;
revoke all on function portal.end_sessions(text) from public;
