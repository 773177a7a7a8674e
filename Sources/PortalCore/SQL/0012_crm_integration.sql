-- portal-auth 0012: fitting into the CRM.
--
-- * The CRM's ids are the ids: create_port / create_client take an optional id (the CRM's own,
--   text), a key can upsert a client of its port (PUT /api/v1/clients/:id), and the import
--   functions load the CRM's ports and clients and the old portal's portal_users (Node hashes
--   kept as they are, upgraded at the next sign-in), re-runnable without duplicates.
-- * Each marina speaks as itself: a port has an optional reply-to address and support phone;
--   mails carry the port's name and contact (queued with the mail); the portal's user JSON
--   names the client and the port; token_status names the port of a valid token.
-- * The rest of the portal trusts the session: portal_reader (NOLOGIN; grant it to a backend's
--   login role) may call session_check, the same per-request check as the gateway's /me.
-- * The CRM's invite button: key_client_status answers state "none" for a client without a
--   portal user, and every status lists the actions allowed in its state.
--
-- New SQLSTATE:
--   PA015 id_taken   the id is already in use (by another port's client, another port, another user)

-- Cluster-wide, like the other roles (0001).
do $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = 'portal_reader') then
        create role portal_reader nologin;
    end if;
end
$$;

set local role portal_owner;

grant usage on schema portal_api to portal_reader;

-- ---------------------------------------------------------------------------------------------
-- Constraints first.

-- An id from the CRM rides in URLs and CSV files: printable ASCII without separators or spaces,
-- starting with a letter or digit (so never "." or "..", which URL paths would resolve).
-- Every id so far is a UUID; NOT VALID + VALIDATE checks them without blocking writes.
alter table portal.ports add constraint ports_id_shape check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$') not valid;
alter table portal.ports validate constraint ports_id_shape;
alter table portal.clients add constraint clients_id_shape check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$') not valid;
alter table portal.clients validate constraint clients_id_shape;
alter table portal.portal_users add constraint portal_users_id_shape check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$') not valid;
alter table portal.portal_users validate constraint portal_users_id_shape;

-- The marina's contact, shown in its mails and pages when set.
alter table portal.ports
    add column reply_to text
        constraint ports_reply_to_shape check (reply_to is null or (reply_to = lower(btrim(reply_to)) and portal.is_email(reply_to))),
    add column support_phone text
        constraint ports_support_phone_shape check (support_phone is null or support_phone ~ '^\+?[0-9][0-9 ()./-]{2,39}$');

alter table portal.auth_events drop constraint auth_events_event_check;
alter table portal.auth_events add constraint auth_events_event_check check (event in (
    'port_created', 'client_created', 'invite', 'invite_refused', 'resend', 'activation',
    'sign_in_ok', 'sign_in_failed', 'lockout', 'reset_requested', 'reset_throttled',
    'reset_completed', 'password_changed', 'hash_upgraded', 'sign_out', 'sign_out_everywhere',
    'disable', 'enable', 'unlock', 'revoke_sessions',
    'admin_key_created', 'admin_key_revoked', 'setting_changed', 'pruned', 'restored',
    'port_updated', 'client_updated', 'portal_user_imported')) not valid;
alter table portal.auth_events validate constraint auth_events_event_check;

-- ---------------------------------------------------------------------------------------------
-- Internal helpers.

-- The id given (trimmed), a fresh UUID when none is, or PA008 when it has another shape.
create function portal.new_id(p_id text, p_what text) returns text
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_id is null then
        return gen_random_uuid()::text;
    end if;
    if btrim(p_id) !~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$' then
        raise exception '% id must be 1 to 200 letters, digits or . _ : - (starting with a letter or digit)', p_what using errcode = 'PA008';
    end if;
    return btrim(p_id);
end
$$;

-- A client name (1 to 200 characters, trimmed), or PA008.
create function portal.checked_name(p_name text, p_what text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if length(btrim(coalesce(p_name, ''))) not between 1 and 200 then
        raise exception '% name must be 1 to 200 characters', p_what using errcode = 'PA008';
    end if;
    return btrim(p_name);
end
$$;

-- Creates or updates a port under its id: 'created', 'updated' or 'unchanged'. PA008.
create function portal.upsert_port(p_id text, p_name text, p_actor text) returns text
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text := portal.new_id(p_id, 'port');
    v_name text := portal.checked_name(p_name, 'port');
    v_old portal.ports;
begin
    -- Insert first: two concurrent calls for one new id cannot both create it (the loser waits
    -- for the winner's row, then finds it below).
    insert into portal.ports (id, name) values (v_id, v_name) on conflict (id) do nothing;
    if found then
        insert into portal.auth_events (event, port_id, actor, on_behalf_of)
        values ('port_created', v_id, left(session_user, 200), left(p_actor, 200));
        return 'created';
    end if;
    select * into v_old from portal.ports p where p.id = v_id for update;
    if v_old.name = v_name then
        return 'unchanged';
    end if;
    update portal.ports p set name = v_name where p.id = v_id;
    insert into portal.auth_events (event, port_id, actor, on_behalf_of, detail)
    values ('port_updated', v_id, left(session_user, 200), left(p_actor, 200), jsonb_build_object('field', 'name'));
    return 'updated';
end
$$;

-- Creates or updates a client of p_port_id under its id: 'created', 'updated' or 'unchanged'.
-- PA005 unknown port, PA015 the id belongs to another port's client (which is not said), PA008.
create function portal.upsert_client(p_port_id text, p_id text, p_name text, p_billing_email text, p_actor text)
returns text
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text := portal.new_id(p_id, 'client');
    v_name text := portal.checked_name(p_name, 'client');
    v_email text := case when nullif(btrim(p_billing_email), '') is not null then portal.normalize_email(p_billing_email) end;
    v_old portal.clients;
begin
    if not exists (select from portal.ports p where p.id = p_port_id) then
        raise exception 'port not found' using errcode = 'PA005';
    end if;
    insert into portal.clients (id, port_id, name, billing_email) values (v_id, p_port_id, v_name, v_email)
    on conflict (id) do nothing;
    if found then
        insert into portal.auth_events (event, port_id, client_id, actor, on_behalf_of)
        values ('client_created', p_port_id, v_id, left(session_user, 200), left(p_actor, 200));
        return 'created';
    end if;
    select * into v_old from portal.clients c where c.id = v_id for update;
    if v_old.port_id <> p_port_id then
        raise exception 'this client id is already in use' using errcode = 'PA015',
            hint = 'client ids are unique across every port of the deployment';
    end if;
    if v_old.name = v_name and v_old.billing_email is not distinct from v_email then
        return 'unchanged';
    end if;
    update portal.clients c set name = v_name, billing_email = v_email where c.id = v_id;
    insert into portal.auth_events (event, port_id, client_id, actor, on_behalf_of)
    values ('client_updated', p_port_id, v_id, left(session_user, 200), left(p_actor, 200));
    return 'updated';
end
$$;

-- The public face of a portal user (sign-in, /me, session_check): now with the names of its
-- client and port, so the portal shows "North Harbour" instead of an id, and the port's contact
-- (supportPhone, supportEmail = its reply-to address) when set.
create or replace function portal.user_json(p_user portal.portal_users) returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
               'id', p_user.id, 'email', p_user.email, 'name', p_user.name,
               'clientId', p_user.client_id, 'portId', p_user.port_id,
               'clientName', (select c.name from portal.clients c where c.id = p_user.client_id),
               'portName', p.name)
           || jsonb_strip_nulls(jsonb_build_object('supportPhone', p.support_phone, 'supportEmail', p.reply_to))
      from (select p.name, p.support_phone, p.reply_to from portal.ports p where p.id = p_user.port_id) p;
$$;

-- Queues one mail for a user (the insert trigger NOTIFYs the mailers). The mail carries what its
-- templates need, so the mailer's claim is its only read: the user's and client's names, the
-- port's name and contact, the link's expiry.
create or replace function portal.queue_mail(
    p_kind text, p_user portal.portal_users, p_token portal.portal_auth_tokens default null)
returns bigint
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id bigint;
    v_client_name text;
    v_port portal.ports;
begin
    select c.name into v_client_name from portal.clients c where c.id = p_user.client_id;
    select * into v_port from portal.ports p where p.id = p_user.port_id;
    insert into portal.mail_outbox (kind, portal_user_id, recipient, token_id, data)
    values (p_kind, p_user.id, p_user.email, p_token.id,
            jsonb_strip_nulls(jsonb_build_object(
                'name', p_user.name,
                'clientName', v_client_name,
                'portName', v_port.name,
                'replyTo', v_port.reply_to,
                'supportPhone', v_port.support_phone,
                'expiresAt', p_token.expires_at)))
    returning id into v_id;
    return v_id;
end
$$;

-- What staff may do to a portal user now, for the CRM's button: enable when disabled; otherwise
-- resend while invited, unlock while locked, disable, and revoke-sessions once it can sign in.
create function portal.user_actions(p_user portal.portal_users) returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select case when not p_user.is_active then '["enable"]'::jsonb
    else (select coalesce(jsonb_agg(a order by n), '[]'::jsonb) from (values
            (1, case when p_user.password_hash is null then 'resend' end),
            (2, case when p_user.locked_until > now() then 'unlock' end),
            (3, 'disable'),
            (4, case when p_user.password_hash is not null then 'revoke-sessions' end)) v(n, a)
          where a is not null) end;
$$;

-- The admin view of a client's portal user (0008), now with the actions allowed in its state.
create or replace function portal.user_status(p_user portal.portal_users) returns jsonb
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
        'actions', portal.user_actions(p_user),
        'createdAt', p_user.created_at,
        'activatedAt', p_user.activated_at,
        'lastLoginAt', p_user.last_login_at,
        'failedAttempts', p_user.failed_attempts,
        'lockedUntil', case when p_user.locked_until > now() then p_user.locked_until end,
        'link', portal.link_status(p_user.id),
        'lastMail', (
            select jsonb_build_object(
                'id', m.id, 'kind', m.kind, 'status', m.status, 'attempts', m.attempts,
                'createdAt', m.created_at, 'sentAt', m.sent_at, 'lastError', m.last_error)
              from portal.mail_outbox m
             where m.portal_user_id = p_user.id
             order by m.id desc limit 1));
$$;

-- ---------------------------------------------------------------------------------------------
-- DBA functions (portal_admin).

drop function portal_api.create_port(text);
drop function portal_api.create_client(text, text, text);

-- Creates a port (tenant) under the CRM's id (or a fresh UUID); returns its id.
-- Raises PA008 (bad name or id), PA015 (the id exists).
create function portal_api.create_port(p_name text, p_id text default null) returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text := portal.new_id(p_id, 'port');
begin
    if portal.upsert_port(v_id, p_name, null) <> 'created' then
        raise exception 'a port with this id already exists' using errcode = 'PA015';
    end if;
    return v_id;
end
$$;
revoke all on function portal_api.create_port(text, text) from public;
grant execute on function portal_api.create_port(text, text) to portal_admin;
comment on function portal_api.create_port(text, text) is
    'Creates a port (tenant) under the given id (the CRM''s) or a new UUID; returns its id. PA008 bad name or id, PA015 id exists.';

-- Creates a client in a port under the CRM's id (or a fresh UUID); returns its id.
-- Raises PA005, PA008, PA015 (the id exists).
create function portal_api.create_client(p_port_id text, p_name text, p_billing_email text default null, p_id text default null)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text := portal.new_id(p_id, 'client');
begin
    if portal.upsert_client(p_port_id, v_id, p_name, p_billing_email, null) <> 'created' then
        raise exception 'a client with this id already exists' using errcode = 'PA015';
    end if;
    return v_id;
end
$$;
revoke all on function portal_api.create_client(text, text, text, text) from public;
grant execute on function portal_api.create_client(text, text, text, text) to portal_admin;
comment on function portal_api.create_client(text, text, text, text) is
    'Creates a client in a port under the given id (the CRM''s) or a new UUID; returns its id. PA005 unknown port, PA008 bad name, email or id, PA015 id exists.';

-- Sets (or, with NULL, clears) a port's reply-to address and support phone. PA005, PA008.
create function portal_api.set_port_contact(p_port_id text, p_reply_to text, p_phone text) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_reply_to text := case when nullif(btrim(p_reply_to), '') is not null then portal.normalize_email(p_reply_to) end;
    v_phone text := nullif(btrim(p_phone), '');
begin
    if v_phone is not null and v_phone !~ '^\+?[0-9][0-9 ()./-]{2,39}$' then
        raise exception 'phone must be 3 to 40 digits, spaces or + ( ) . / -' using errcode = 'PA008';
    end if;
    update portal.ports p set reply_to = v_reply_to, support_phone = v_phone where p.id = p_port_id;
    if not found then
        raise exception 'port not found' using errcode = 'PA005';
    end if;
    insert into portal.auth_events (event, port_id, actor, detail)
    values ('port_updated', p_port_id, left(session_user, 200), jsonb_build_object('field', 'contact'));
end
$$;
revoke all on function portal_api.set_port_contact(text, text, text) from public;
grant execute on function portal_api.set_port_contact(text, text, text) to portal_admin;
comment on function portal_api.set_port_contact(text, text, text) is
    'Sets or clears (NULL) a port''s reply-to address and support phone, shown in its mails and pages. PA005, PA008.';

-- Import, step 1: a port from the CRM under its id. 'created', 'updated' or 'unchanged'. PA008.
create function portal_api.import_port(p_id text, p_name text, p_actor text default current_user) returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_id is null then
        raise exception 'port id is required' using errcode = 'PA008';
    end if;
    return portal.upsert_port(p_id, p_name, p_actor);
end
$$;
revoke all on function portal_api.import_port(text, text, text) from public;
grant execute on function portal_api.import_port(text, text, text) to portal_admin;
comment on function portal_api.import_port(text, text, text) is
    'Import: creates or renames a port under the CRM''s id; returns created, updated or unchanged. PA008.';

-- Import, step 2: a client from the CRM under its id. 'created', 'updated' or 'unchanged'.
-- PA005, PA008, PA015 (the id belongs to another port's client).
create function portal_api.import_client(p_id text, p_port_id text, p_name text, p_billing_email text default null,
                                         p_actor text default current_user)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_id is null then
        raise exception 'client id is required' using errcode = 'PA008';
    end if;
    return portal.upsert_client(p_port_id, p_id, p_name, p_billing_email, p_actor);
end
$$;
revoke all on function portal_api.import_client(text, text, text, text, text) from public;
grant execute on function portal_api.import_client(text, text, text, text, text) to portal_admin;
comment on function portal_api.import_client(text, text, text, text, text) is
    'Import: creates or updates a client under the CRM''s id; returns created, updated or unchanged. PA005, PA008, PA015.';

-- Import, step 3: a portal user of the old portal, as it was: its id, its Node salt:key hash
-- (verified and upgraded at the next sign-in), its name, activity and dates. With a hash it is
-- active (activated when it last signed in, or was created); without one it is invited (no link
-- is mailed: staff send one with resend). is_active false imports it disabled. Returns 'created',
-- or 'unchanged' when this user was imported before (a re-run). PA002 the email belongs to another
-- user, PA003 the client has another portal user, PA004 the client is not in that port, PA008 a
-- malformed field, PA015 the id belongs to another client's user.
create function portal_api.import_portal_user(
    p_id text, p_port_id text, p_client_id text, p_email text, p_password_hash text, p_name text,
    p_is_active boolean, p_last_login_at timestamptz, p_created_by text, p_created_at timestamptz,
    p_actor text default current_user)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text := portal.new_id(p_id, 'portal user');
    v_email text := portal.normalize_email(p_email);
    v_hash text := nullif(btrim(p_password_hash), '');
    v_old portal.portal_users;
    v_user portal.portal_users;
begin
    if p_id is null then
        raise exception 'portal user id is required' using errcode = 'PA008';
    end if;
    perform portal.find_client(p_client_id, p_port_id);
    select * into v_old from portal.portal_users u where u.id = v_id;
    if found then
        if v_old.client_id = p_client_id then
            return 'unchanged';
        end if;
        raise exception 'this portal user id is already in use' using errcode = 'PA015';
    end if;
    if exists (select from portal.portal_users u where u.client_id = p_client_id) then
        raise exception 'this client already has a portal user' using errcode = 'PA003';
    end if;
    if exists (select from portal.portal_users u where lower(u.email) = v_email) then
        raise exception 'this email address is already in use' using errcode = 'PA002';
    end if;
    -- A Node hash is base64url salt ":" base64url of a 64-byte key (86 characters). Anything else
    -- (a hex key, a truncated export) would import an account whose password never verifies.
    if v_hash is not null and (length(v_hash) > 512 or (
            v_hash !~ '^\$scrypt\$ln=[0-9]+,r=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$'
            and v_hash !~ '^[A-Za-z0-9_-]+:[A-Za-z0-9_-]{86}$')) then
        raise exception 'password_hash must be a Node salt:key hash (base64url, a 64-byte key) or a PHC scrypt hash'
            using errcode = 'PA008';
    end if;
    if length(btrim(p_name)) > 200 then
        raise exception 'name must be at most 200 characters' using errcode = 'PA008';
    end if;
    insert into portal.portal_users (id, port_id, client_id, email, password_hash, name, is_active, last_login_at,
                                     created_by, created_at, activated_at)
    values (v_id, p_port_id, p_client_id, v_email, v_hash, nullif(btrim(p_name), ''), coalesce(p_is_active, true),
            p_last_login_at, left(p_created_by, 200), coalesce(p_created_at, now()),
            case when v_hash is not null then coalesce(p_last_login_at, p_created_at, now()) end)
    returning * into v_user;
    perform portal.log_event('portal_user_imported', v_user, p_actor, null, null,
        jsonb_build_object('state', case when not v_user.is_active then 'disabled'
                                         when v_hash is null then 'invited' else 'active' end));
    return 'created';
end
$$;
revoke all on function portal_api.import_portal_user(text, text, text, text, text, text, boolean, timestamptz, text, timestamptz, text)
    from public;
grant execute on function portal_api.import_portal_user(text, text, text, text, text, text, boolean, timestamptz, text, timestamptz, text)
    to portal_admin;
comment on function portal_api.import_portal_user(text, text, text, text, text, text, boolean, timestamptz, text, timestamptz, text) is
    'Import: a portal user of the old portal with its id and Node hash (active with a hash, invited without); created or unchanged. PA002, PA003, PA004, PA008, PA015.';

-- ---------------------------------------------------------------------------------------------
-- Gateway functions (admin keys, portal pages).

-- PUT /api/v1/clients/:id: creates or updates a client of the key's port under the CRM's id.
-- Returns {"client": {...}, "outcome": created|updated|unchanged}. PA014, PA008, PA015.
create function portal_api.key_put_client(p_key_hash bytea, p_client_id text, p_name text, p_billing_email text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
    v_id text;
    v_outcome text;
    v_client portal.clients;
begin
    if p_client_id is null then
        raise exception 'client id is required' using errcode = 'PA008';
    end if;
    v_id := portal.new_id(p_client_id, 'client');
    v_outcome := portal.upsert_client(v_key.port_id, v_id, p_name, p_billing_email, 'admin_key:' || v_key.key_id);
    v_client := portal.find_client(v_id, v_key.port_id);
    return jsonb_build_object(
        'client', jsonb_build_object('id', v_client.id, 'portId', v_client.port_id, 'name', v_client.name,
                                     'billingEmail', v_client.billing_email, 'createdAt', v_client.created_at),
        'outcome', v_outcome);
end
$$;
revoke all on function portal_api.key_put_client(bytea, text, text, text) from public;
grant execute on function portal_api.key_put_client(bytea, text, text, text) to portal_gateway;
comment on function portal_api.key_put_client(bytea, text, text, text) is
    'PUT a client of the admin key''s port under the CRM''s id (idempotent); returns it and created, updated or unchanged. PA014, PA008, PA015.';

-- Status of a client's portal user within the key's port; state "none" (and the one action,
-- invite) when the client has none yet, so the CRM's button renders from one answer. PA014, PA004.
create or replace function portal_api.key_client_status(p_key_hash bytea, p_client_id text) returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
    v_client portal.clients := portal.find_client(p_client_id, v_key.port_id);
    v_user portal.portal_users;
begin
    select * into v_user from portal.portal_users u where u.client_id = v_client.id;
    if not found then
        return jsonb_build_object('clientId', v_client.id, 'portId', v_client.port_id, 'state', 'none',
                                  'actions', '["invite"]'::jsonb);
    end if;
    return portal.user_status(v_user);
end
$$;

-- Read-only status of a token for the landing pages: {"status", "type", "portName"}; the type and
-- the marina's name only for a valid token (an invalid, used or expired one tells nothing more).
create or replace function portal_api.token_status(p_token_hash bytea) returns jsonb
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        (select jsonb_build_object('status', s.status, 'type', case when t.revoked_at is null then t.type end)
                || case when s.status = 'valid' then jsonb_build_object('portName',
                       (select p.name from portal.portal_users u join portal.ports p on p.id = u.port_id
                         where u.id = t.portal_user_id)) else '{}'::jsonb end
           from portal.portal_auth_tokens t
          cross join lateral (select case
                        when t.revoked_at is not null then 'invalid'
                        when t.used_at is not null then 'used'
                        when t.expires_at <= now() then 'expired'
                        else 'valid' end as status) s
          where t.token_hash = p_token_hash),
        '{"status": "invalid", "type": null}'::jsonb);
$$;

-- The rest of the portal: a backend that verifies the cookie's signature itself asks the same
-- question as /me with the claims sub, sv and jti.
grant execute on function portal_api.session_check(text, integer, text) to portal_reader;
comment on function portal_api.session_check(text, integer, text) is
    'Per-request session check with the cookie''s claims (sub, sv, jti): the user as jsonb, or NULL when the session is no longer valid. Granted to portal_gateway and portal_reader.';
