-- portal-auth 0003: private helpers in schema `portal`.
-- Not callable by any login role (no USAGE on the schema); the portal_api functions, which run
-- as portal_owner, compose them. Each raises the PA SQLSTATEs listed in 0001.

set local role portal_owner;

-- Trimmed, lower-cased email, or PA008 when it is not shaped like one.
create function portal.normalize_email(p_email text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := lower(btrim(p_email));
begin
    if v_email is null or length(v_email) > 254
       or v_email !~ '^[^@[:space:]]{1,64}@[^@[:space:]]+\.[^@[:space:]]+$' then
        raise exception 'invalid email address' using errcode = 'PA008';
    end if;
    return v_email;
end
$$;

-- Appends one audit row.
create function portal.log_event(
    p_event text, p_user portal.portal_users, p_actor text default null,
    p_ip inet default null, p_user_agent text default null, p_detail jsonb default null)
returns void
language sql
set search_path = pg_catalog, pg_temp
as $$
    insert into portal.auth_events (event, port_id, client_id, portal_user_id, email, actor, ip, user_agent, detail)
    values (p_event, p_user.port_id, p_user.client_id, p_user.id, p_user.email, left(p_actor, 200),
            p_ip, left(p_user_agent, 512), p_detail);
$$;

-- The client, or PA004. p_port_id, when given, confines the lookup to one port (admin keys).
create function portal.find_client(p_client_id text, p_port_id text default null) returns portal.clients
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_client portal.clients;
begin
    select * into v_client from portal.clients c
     where c.id = p_client_id and (p_port_id is null or c.port_id = p_port_id);
    if not found then
        raise exception 'client not found' using errcode = 'PA004';
    end if;
    return v_client;
end
$$;

-- The client's portal user, locked for update, or PA004/PA006.
create function portal.find_portal_user(p_client_id text, p_port_id text default null)
returns portal.portal_users
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    perform portal.find_client(p_client_id, p_port_id);
    select * into v_user from portal.portal_users u where u.client_id = p_client_id for update;
    if not found then
        raise exception 'this client has no portal user' using errcode = 'PA006';
    end if;
    return v_user;
end
$$;

-- Issues a fresh, unsealed token of p_type, revoking the live one in the same transaction.
create function portal.issue_token(p_user_id text, p_type text) returns portal.portal_auth_tokens
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_ttl interval;
    v_token portal.portal_auth_tokens;
begin
    select case p_type when 'activation' then s.activation_ttl else s.reset_ttl end
      into v_ttl from portal.settings s;
    update portal.portal_auth_tokens t set revoked_at = now()
     where t.portal_user_id = p_user_id and t.type = p_type and t.used_at is null and t.revoked_at is null;
    insert into portal.portal_auth_tokens (portal_user_id, type, expires_at)
    values (p_user_id, p_type, now() + v_ttl)
    returning * into v_token;
    return v_token;
end
$$;

-- Revokes every live token of a user (disable, password set).
create function portal.revoke_tokens(p_user_id text) returns void
language sql
set search_path = pg_catalog, pg_temp
as $$
    update portal.portal_auth_tokens t set revoked_at = now()
     where t.portal_user_id = p_user_id and t.used_at is null and t.revoked_at is null;
$$;

-- Queues one mail for a user; the insert trigger NOTIFYs the mailers.
create function portal.queue_mail(
    p_kind text, p_user portal.portal_users, p_token portal.portal_auth_tokens default null)
returns bigint
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id bigint;
    v_client_name text;
begin
    select c.name into v_client_name from portal.clients c where c.id = p_user.client_id;
    insert into portal.mail_outbox (kind, portal_user_id, recipient, token_id, data)
    values (p_kind, p_user.id, p_user.email, p_token.id,
            jsonb_strip_nulls(jsonb_build_object(
                'name', p_user.name,
                'clientName', v_client_name,
                'expiresAt', p_token.expires_at)))
    returning id into v_id;
    return v_id;
end
$$;

-- One fixed-window hit on a rate-limit bucket: 0 when allowed, else seconds until the window ends.
create function portal.rate_limit_hit(p_bucket text, p_key text) returns integer
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_rule portal.rate_limit_rules;
    v_hits integer;
    v_start timestamptz;
begin
    select * into v_rule from portal.rate_limit_rules r where r.bucket = p_bucket;
    if not found then
        raise exception 'unknown rate-limit bucket' using errcode = 'PA008';
    end if;
    insert into portal.rate_limits as l (bucket, key, window_start, hits)
    values (p_bucket, left(p_key, 300), now(), 1)
    on conflict (bucket, key) do update
       set hits = case when l.window_start + v_rule.window_length <= now() then 1 else l.hits + 1 end,
           window_start = case when l.window_start + v_rule.window_length <= now() then now() else l.window_start end
    returning l.hits, l.window_start into v_hits, v_start;
    if v_hits <= v_rule.max_hits then
        return 0;
    end if;
    return greatest(1, ceil(extract(epoch from (v_start + v_rule.window_length - now())))::integer);
end
$$;

-- The admin view of a client's portal user (also the gateway's admin responses).
-- VOLATILE on purpose: called in the statement that just queued a mail, it must see that mail.
create function portal.user_status(p_user portal.portal_users) returns jsonb
language sql volatile
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
        'portalUserId', p_user.id,
        'clientId', p_user.client_id,
        'portId', p_user.port_id,
        'email', p_user.email,
        'name', p_user.name,
        'state', case
            when not p_user.is_active then 'disabled'
            when p_user.locked_until > now() then 'locked'
            when p_user.password_hash is null then 'invited'
            else 'active' end,
        'createdAt', p_user.created_at,
        'activatedAt', p_user.activated_at,
        'lastLoginAt', p_user.last_login_at,
        'failedAttempts', p_user.failed_attempts,
        'lockedUntil', case when p_user.locked_until > now() then p_user.locked_until end,
        'lastMail', (
            select jsonb_build_object(
                'id', m.id, 'kind', m.kind, 'status', m.status, 'attempts', m.attempts,
                'createdAt', m.created_at, 'sentAt', m.sent_at, 'lastError', m.last_error)
              from portal.mail_outbox m
             where m.portal_user_id = p_user.id
             order by m.id desc limit 1));
$$;

-- The public face of a portal user (sign-in and /me responses).
create function portal.user_json(p_user portal.portal_users) returns jsonb
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
        'id', p_user.id, 'email', p_user.email, 'name', p_user.name,
        'clientId', p_user.client_id, 'portId', p_user.port_id);
$$;

-- Port of a live admin key, or PA014. Touches last_used_at at most once a minute.
create function portal.port_for_admin_key(p_key_hash bytea, out port_id text, out key_id text)
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    select k.port_id, k.id into port_id, key_id from portal.admin_keys k
     where k.key_hash = p_key_hash and k.revoked_at is null;
    if not found then
        raise exception 'invalid admin key' using errcode = 'PA014';
    end if;
    update portal.admin_keys k set last_used_at = now()
     where k.id = key_id and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute');
end
$$;

revoke all on all functions in schema portal from public;
