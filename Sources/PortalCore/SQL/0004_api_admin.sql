-- portal-auth 0004: the staff side. DBA functions (portal_admin, usable from psql) and their
-- admin-key twins for the gateway's admin API, which confine every call to the key's port.

set local role portal_owner;

-- Invites a client: portal user + activation token + queued mail, one transaction.
-- Raises PA004 (client, or not in p_port_id), PA002 email_taken, PA003 portal_user_exists, PA008.
create function portal.do_invite(
    p_client_id text, p_port_id text, p_email text, p_name text, p_actor text)
returns portal.portal_users
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_client portal.clients := portal.find_client(p_client_id, p_port_id);
    v_email text := portal.normalize_email(p_email);
    v_name text := nullif(btrim(p_name), '');
    v_user portal.portal_users;
    v_constraint text;
begin
    if length(v_name) > 200 then
        raise exception 'name is longer than 200 characters' using errcode = 'PA008';
    end if;
    if exists (select from portal.portal_users u where u.client_id = v_client.id) then
        raise exception 'this client already has a portal user' using errcode = 'PA003';
    end if;
    begin
        insert into portal.portal_users (port_id, client_id, email, name, created_by)
        values (v_client.port_id, v_client.id, v_email, coalesce(v_name, v_client.name), left(p_actor, 200))
        returning * into v_user;
    exception when unique_violation then
        get stacked diagnostics v_constraint = constraint_name;
        if v_constraint = 'portal_users_email_key' then
            raise exception 'this email address is already used by another portal user' using errcode = 'PA002';
        end if;
        raise exception 'this client already has a portal user' using errcode = 'PA003';
    end;
    perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
    perform portal.log_event('invite', v_user, p_actor);
    return v_user;
end
$$;

-- resend | disable | enable | unlock | revoke-sessions on a client's portal user; returns its status.
-- Raises PA004, PA006, PA007 (resend after activation), PA012 (resend while disabled), PA008.
create function portal.do_client_action(p_client_id text, p_port_id text, p_action text, p_actor text)
returns jsonb
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users := portal.find_portal_user(p_client_id, p_port_id);
begin
    case p_action
    when 'resend' then
        if v_user.password_hash is not null then
            raise exception 'this portal user has already activated the account' using errcode = 'PA007';
        end if;
        if not v_user.is_active then
            raise exception 'this portal user is disabled' using errcode = 'PA012';
        end if;
        perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
        perform portal.log_event('resend', v_user, p_actor);
    when 'disable' then
        update portal.portal_users u
           set is_active = false, session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.revoke_tokens(v_user.id);
        perform portal.log_event('disable', v_user, p_actor);
    when 'enable' then
        update portal.portal_users u set is_active = true, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('enable', v_user, p_actor);
    when 'unlock' then
        update portal.portal_users u set failed_attempts = 0, locked_until = null, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('unlock', v_user, p_actor);
    when 'revoke-sessions' then
        update portal.portal_users u set session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('revoke_sessions', v_user, p_actor);
    else
        raise exception 'unknown action (expected resend, disable, enable, unlock or revoke-sessions)'
            using errcode = 'PA008';
    end case;
    return portal.user_status(v_user);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- DBA functions (portal_admin).

-- Creates a port (tenant); returns its id. Raises PA008 on an empty name.
create function portal_api.create_port(p_name text) returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text;
begin
    if length(btrim(coalesce(p_name, ''))) not between 1 and 200 then
        raise exception 'port name must be 1 to 200 characters' using errcode = 'PA008';
    end if;
    insert into portal.ports (name) values (btrim(p_name)) returning id into v_id;
    insert into portal.auth_events (event, port_id, actor) values ('port_created', v_id, left(session_user, 200));
    return v_id;
end
$$;
revoke all on function portal_api.create_port(text) from public;
grant execute on function portal_api.create_port(text) to portal_admin;
comment on function portal_api.create_port(text) is 'Creates a port (tenant) and returns its id. PA008 on a bad name.';

-- Creates a client account in a port; returns its id. Raises PA005, PA008.
create function portal_api.create_client(p_port_id text, p_name text, p_billing_email text default null)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text;
begin
    if not exists (select from portal.ports p where p.id = p_port_id) then
        raise exception 'port not found' using errcode = 'PA005';
    end if;
    if length(btrim(coalesce(p_name, ''))) not between 1 and 200 then
        raise exception 'client name must be 1 to 200 characters' using errcode = 'PA008';
    end if;
    insert into portal.clients (port_id, name, billing_email)
    values (p_port_id, btrim(p_name), case when p_billing_email is not null then portal.normalize_email(p_billing_email) end)
    returning id into v_id;
    insert into portal.auth_events (event, port_id, client_id, actor)
    values ('client_created', p_port_id, v_id, left(session_user, 200));
    return v_id;
end
$$;
revoke all on function portal_api.create_client(text, text, text) from public;
grant execute on function portal_api.create_client(text, text, text) to portal_admin;
comment on function portal_api.create_client(text, text, text) is
    'Creates a client in a port and returns its id. PA005 unknown port, PA008 bad name or email.';

-- Creates an admin API key for a port and returns the raw key, once: only its SHA-256 is stored.
-- The key is "pak_" + base64url of 32 bytes from two gen_random_uuid() calls (pg_strong_random;
-- 244 random bits). Raises PA005, PA008.
create function portal_api.create_admin_key(p_port_id text, p_label text) returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_raw text;
    v_id text;
begin
    if not exists (select from portal.ports p where p.id = p_port_id) then
        raise exception 'port not found' using errcode = 'PA005';
    end if;
    if length(btrim(coalesce(p_label, ''))) not between 1 and 200 then
        raise exception 'key label must be 1 to 200 characters' using errcode = 'PA008';
    end if;
    v_raw := 'pak_' || rtrim(translate(encode(
        uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), 'base64'), '+/', '-_'), '=');
    insert into portal.admin_keys (port_id, label, key_hash)
    values (p_port_id, btrim(p_label), sha256(convert_to(v_raw, 'UTF8')))
    returning id into v_id;
    insert into portal.auth_events (event, port_id, actor, detail)
    values ('admin_key_created', p_port_id, left(session_user, 200), jsonb_build_object('keyId', v_id, 'label', btrim(p_label)));
    return v_raw;
end
$$;
revoke all on function portal_api.create_admin_key(text, text) from public;
grant execute on function portal_api.create_admin_key(text, text) to portal_admin;
comment on function portal_api.create_admin_key(text, text) is
    'Creates an admin API key for a port; returns the raw key once (only its SHA-256 is kept). PA005, PA008.';

-- Revokes an admin key by id (see list_admin_keys). Raises PA011.
create function portal_api.revoke_admin_key(p_key_id text) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_port text;
begin
    update portal.admin_keys k set revoked_at = coalesce(k.revoked_at, now())
     where k.id = p_key_id returning k.port_id into v_port;
    if not found then
        raise exception 'admin key not found' using errcode = 'PA011';
    end if;
    insert into portal.auth_events (event, port_id, actor, detail)
    values ('admin_key_revoked', v_port, left(session_user, 200), jsonb_build_object('keyId', p_key_id));
end
$$;
revoke all on function portal_api.revoke_admin_key(text) from public;
grant execute on function portal_api.revoke_admin_key(text) to portal_admin;
comment on function portal_api.revoke_admin_key(text) is 'Revokes an admin API key by id. PA011 when unknown.';

-- Lists a port's admin keys (never the keys themselves).
create function portal_api.list_admin_keys(p_port_id text default null)
returns table (id text, port_id text, label text, created_at timestamptz, revoked_at timestamptz, last_used_at timestamptz)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select k.id, k.port_id, k.label, k.created_at, k.revoked_at, k.last_used_at
      from portal.admin_keys k
     where p_port_id is null or k.port_id = p_port_id
     order by k.created_at, k.id;
$$;
revoke all on function portal_api.list_admin_keys(text) from public;
grant execute on function portal_api.list_admin_keys(text) to portal_admin;
comment on function portal_api.list_admin_keys(text) is 'Lists admin keys (ids, labels, use), for one port or all.';

-- Invites a client to the portal; returns the portal user id. PA002, PA003, PA004, PA008.
create function portal_api.invite(
    p_client_id text, p_email text, p_name text default null, p_actor text default current_user)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return (portal.do_invite(p_client_id, null, p_email, p_name, p_actor)).id;
end
$$;
revoke all on function portal_api.invite(text, text, text, text) from public;
grant execute on function portal_api.invite(text, text, text, text) to portal_admin;
comment on function portal_api.invite(text, text, text, text) is
    'Creates the portal user of a client and queues its activation mail. PA002 email_taken, PA003 portal_user_exists, PA004 client_not_found, PA008.';

-- Issues a fresh activation token (revoking the old one) and queues the mail. PA004, PA006, PA007, PA012.
create function portal_api.resend_activation(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.do_client_action(p_client_id, null, 'resend', p_actor);
end
$$;
revoke all on function portal_api.resend_activation(text, text) from public;
grant execute on function portal_api.resend_activation(text, text) to portal_admin;
comment on function portal_api.resend_activation(text, text) is
    'Revokes the live activation token, issues a new one and queues the mail. PA004, PA006, PA007 already_active, PA012 disabled.';

-- Disables a portal user: no sign-in, every session ended, live tokens revoked. PA004, PA006.
create function portal_api.disable_portal_user(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.do_client_action(p_client_id, null, 'disable', p_actor);
end
$$;
revoke all on function portal_api.disable_portal_user(text, text) from public;
grant execute on function portal_api.disable_portal_user(text, text) to portal_admin;
comment on function portal_api.disable_portal_user(text, text) is
    'Disables a portal user, ends its sessions and revokes its live tokens. PA004, PA006.';

-- Re-enables a disabled portal user. PA004, PA006.
create function portal_api.enable_portal_user(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.do_client_action(p_client_id, null, 'enable', p_actor);
end
$$;
revoke all on function portal_api.enable_portal_user(text, text) from public;
grant execute on function portal_api.enable_portal_user(text, text) to portal_admin;
comment on function portal_api.enable_portal_user(text, text) is 'Re-enables a disabled portal user. PA004, PA006.';

-- Clears a lockout and the failure count. PA004, PA006.
create function portal_api.unlock_portal_user(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.do_client_action(p_client_id, null, 'unlock', p_actor);
end
$$;
revoke all on function portal_api.unlock_portal_user(text, text) from public;
grant execute on function portal_api.unlock_portal_user(text, text) to portal_admin;
comment on function portal_api.unlock_portal_user(text, text) is 'Clears a lockout and the failed-attempt count. PA004, PA006.';

-- Ends every session of the portal user (bumps session_epoch). PA004, PA006.
create function portal_api.revoke_sessions(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.do_client_action(p_client_id, null, 'revoke-sessions', p_actor);
end
$$;
revoke all on function portal_api.revoke_sessions(text, text) from public;
grant execute on function portal_api.revoke_sessions(text, text) to portal_admin;
comment on function portal_api.revoke_sessions(text, text) is 'Ends every session of the portal user. PA004, PA006.';

-- State (invited/active/disabled/locked), email, last login, last mail and its delivery state.
create function portal_api.portal_user_status(p_client_id text) returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return portal.user_status(portal.find_portal_user(p_client_id));
end
$$;
revoke all on function portal_api.portal_user_status(text) from public;
grant execute on function portal_api.portal_user_status(text) to portal_admin;
comment on function portal_api.portal_user_status(text) is
    'The portal user of a client as jsonb: state, email, last login, last mail and its delivery state. PA004, PA006.';

-- The audit trail, newest first; filtered by client when given.
create function portal_api.audit_events(p_client_id text default null, p_limit integer default 100)
returns table (occurred_at timestamptz, event text, client_id text, email text, actor text, ip inet,
               user_agent text, detail jsonb)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select e.occurred_at, e.event, e.client_id, e.email, e.actor, e.ip, e.user_agent, e.detail
      from portal.auth_events e
     where p_client_id is null or e.client_id = p_client_id
     order by e.id desc
     limit least(greatest(coalesce(p_limit, 100), 1), 10000);
$$;
revoke all on function portal_api.audit_events(text, integer) from public;
grant execute on function portal_api.audit_events(text, integer) to portal_admin;
comment on function portal_api.audit_events(text, integer) is 'The audit trail, newest first, optionally for one client.';

-- Changes one policy setting. Raises PA010 for an unknown name or an out-of-bounds value.
create function portal_api.set_setting(p_name text, p_value text) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_type text;
begin
    select a.atttypid::regtype::text into v_type
      from pg_catalog.pg_attribute a
     where a.attrelid = 'portal.settings'::regclass and a.attname = p_name and a.attnum > 0
       and not a.attisdropped and p_name not in ('id', 'updated_at');
    if not found then
        raise exception 'unknown setting' using errcode = 'PA010';
    end if;
    begin
        execute format('update portal.settings set %I = $1::%s, updated_at = now()', p_name, v_type) using p_value;
    exception when check_violation or invalid_text_representation or invalid_datetime_format
                   or datetime_field_overflow or numeric_value_out_of_range or not_null_violation then
        raise exception 'value out of range for setting %', p_name using errcode = 'PA010';
    end;
    insert into portal.auth_events (event, actor, detail)
    values ('setting_changed', left(session_user, 200), jsonb_build_object('name', p_name, 'value', p_value));
end
$$;
revoke all on function portal_api.set_setting(text, text) from public;
grant execute on function portal_api.set_setting(text, text) to portal_admin;
comment on function portal_api.set_setting(text, text) is
    'Sets one column of portal.settings (e.g. reset_ttl = ''30 minutes''). PA010 unknown name or value out of bounds.';

-- Changes one rate-limit rule. Raises PA010 for an unknown bucket or out-of-bounds value.
create function portal_api.set_rate_limit(p_bucket text, p_max_hits integer, p_window interval) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update portal.rate_limit_rules r set max_hits = p_max_hits, window_length = p_window where r.bucket = p_bucket;
    if not found then
        raise exception 'unknown rate-limit bucket' using errcode = 'PA010';
    end if;
exception when check_violation or not_null_violation then
    raise exception 'rate limit out of range' using errcode = 'PA010';
end
$$;
revoke all on function portal_api.set_rate_limit(text, integer, interval) from public;
grant execute on function portal_api.set_rate_limit(text, integer, interval) to portal_admin;
comment on function portal_api.set_rate_limit(text, integer, interval) is
    'Sets a rate-limit rule (sign_in_ip, forgot_ip, forgot_email, token_ip, admin_key). PA010 out of range.';

-- ---------------------------------------------------------------------------------------------
-- The gateway's admin API: the caller proves an admin key (its SHA-256) on every call, and
-- every lookup is confined to the key's port, so a key cannot reach another port's clients.

-- Invites a client of the key's port; returns the portal user's status. PA014, PA004, PA002, PA003, PA008.
create function portal_api.key_invite(p_key_hash bytea, p_client_id text, p_email text, p_name text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
begin
    return portal.user_status(
        portal.do_invite(p_client_id, v_key.port_id, p_email, p_name, 'admin_key:' || v_key.key_id));
end
$$;
revoke all on function portal_api.key_invite(bytea, text, text, text) from public;
grant execute on function portal_api.key_invite(bytea, text, text, text) to portal_gateway;
comment on function portal_api.key_invite(bytea, text, text, text) is
    'Admin API: invite a client of the admin key''s port. PA014 bad key, PA004 (also another port''s client), PA002, PA003, PA008.';

-- resend | disable | enable | unlock | revoke-sessions for a client of the key's port.
create function portal_api.key_client_action(p_key_hash bytea, p_client_id text, p_action text) returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
begin
    return portal.do_client_action(p_client_id, v_key.port_id, p_action, 'admin_key:' || v_key.key_id);
end
$$;
revoke all on function portal_api.key_client_action(bytea, text, text) from public;
grant execute on function portal_api.key_client_action(bytea, text, text) to portal_gateway;
comment on function portal_api.key_client_action(bytea, text, text) is
    'Admin API: an action on a client''s portal user within the key''s port. PA014, PA004, PA006, PA007, PA008, PA012.';

-- Status of a client's portal user within the key's port.
create function portal_api.key_client_status(p_key_hash bytea, p_client_id text) returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
begin
    return portal.user_status(portal.find_portal_user(p_client_id, v_key.port_id));
end
$$;
revoke all on function portal_api.key_client_status(bytea, text) from public;
grant execute on function portal_api.key_client_status(bytea, text) to portal_gateway;
comment on function portal_api.key_client_status(bytea, text) is
    'Admin API: status of a client''s portal user within the key''s port. PA014, PA004, PA006.';
