-- portal-auth 0009: a status read locks nothing.
-- find_portal_user took FOR UPDATE for every caller, so a staff member refreshing a client's
-- status queued behind (and blocked) a sign-in or a reset of that user. Actions still lock.

set local role portal_owner;

drop function portal.find_portal_user(text, text);

-- The client's portal user, or PA004/PA006. p_port_id, when given, confines the lookup to one
-- port (admin keys). p_lock takes the row lock, for the callers that change the user (user row
-- first, then its tokens: the lock order of every function).
create function portal.find_portal_user(p_client_id text, p_port_id text default null, p_lock boolean default true)
returns portal.portal_users
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    perform portal.find_client(p_client_id, p_port_id);
    if p_lock then
        select * into v_user from portal.portal_users u where u.client_id = p_client_id for update;
    else
        select * into v_user from portal.portal_users u where u.client_id = p_client_id;
    end if;
    if not found then
        raise exception 'this client has no portal user' using errcode = 'PA006';
    end if;
    return v_user;
end
$$;

-- State (invited/active/disabled/locked), email, last login, the newest link, last mail. PA004, PA006.
create or replace function portal_api.portal_user_status(p_client_id text) returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return portal.user_status(portal.find_portal_user(p_client_id, null, false));
end
$$;

-- Status of a client's portal user within the key's port. PA014, PA004, PA006.
create or replace function portal_api.key_client_status(p_key_hash bytea, p_client_id text) returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
begin
    return portal.user_status(portal.find_portal_user(p_client_id, v_key.port_id, false));
end
$$;

revoke all on all functions in schema portal from public;
