-- Staff and DBAs: ports, clients, admin keys, inviting and helping a client, status and the
-- audit trail, from psql. Granted to portal_admin.
--
-- Every function takes p_actor (default current_user), kept in the audit as on_behalf_of; the
-- audit's actor is always the database role.
--
-- Raises: PA002 email_taken, PA003 portal_user_exists, PA004 client_not_found, PA005
-- port_not_found, PA006 portal_user_not_found, PA007 already_active, PA008 invalid_input, PA011
-- admin_key_not_found, PA012 portal_user_disabled, PA015 id_taken.

set local role portal_owner;

-- Creates a port (tenant) under the CRM's id (or a fresh UUID); returns its id.
-- Raises PA008 (bad name or id), PA015 (the id exists).
create or replace function portal_api.create_port(p_name text, p_id text default null) returns text
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
create or replace function portal_api.create_client(p_port_id text, p_name text, p_billing_email text default null, p_id text default null)
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

-- Refuses a non-ASCII local part with a sentence that says why, then stores the address as
-- before. PA005, PA008.
create or replace function portal_api.set_port_contact(p_port_id text, p_reply_to text, p_phone text) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_reply_to text;
    v_phone text := nullif(btrim(p_phone), '');
begin
    if portal.email_normalized(p_reply_to) is null and split_part(p_reply_to, '@', 1) ~ '[^\u0001-\u007f]' then
        raise exception 'the reply-to address''s local part (before the @) must be ASCII: mail is sent without SMTPUTF8, which relays need for it'
            using errcode = 'PA008';
    end if;
    v_reply_to := case when nullif(btrim(p_reply_to), '') is not null then portal.normalize_email(p_reply_to) end;
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
    'Sets or clears (NULL) a port''s reply-to address and support phone, shown in its mails and pages. PA005, PA008 (also: a non-ASCII local part, since mail is sent without SMTPUTF8).';

-- Sets or clears (NULL) a port's default language and time zone: its clients' pages and mails
-- use the language unless a client chose their own (portal_users.locale), and mails write times
-- (a link's expiry) in the zone. Returns the port's id, name, locale and timeZone. PA005; PA008
-- for a locale outside the one BCP 47 rule (normalised: `DE-at` is stored as `de-AT`) or a zone
-- pg_timezone_names does not list.
create or replace function portal_api.set_port_locale(p_port_id text, p_locale text, p_time_zone text) returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_port portal.ports;
begin
    update portal.ports p
       set locale = portal.normalize_locale(p_locale), time_zone = portal.checked_time_zone(p_time_zone)
     where p.id = p_port_id
    returning * into v_port;
    if not found then
        raise exception 'port not found' using errcode = 'PA005',
            hint = 'Port ids are the CRM''s; list them with: select id, name from portal.ports;';
    end if;
    insert into portal.auth_events (event, port_id, actor, detail)
    values ('port_updated', p_port_id, left(session_user, 200),
            jsonb_build_object('field', 'locale', 'locale', v_port.locale, 'timeZone', v_port.time_zone));
    return jsonb_build_object('id', v_port.id, 'name', v_port.name, 'locale', v_port.locale, 'timeZone', v_port.time_zone);
end
$$;
revoke all on function portal_api.set_port_locale(text, text, text) from public;
grant execute on function portal_api.set_port_locale(text, text, text) to portal_admin;
comment on function portal_api.set_port_locale(text, text, text) is
    'Sets or clears (NULL) a port''s default language (BCP 47, normalised) and IANA time zone, used by its clients'' pages and mails unless a client chose a language; returns the port. PA005, PA008 (a malformed tag, an unknown zone).';

-- Creates an admin API key for a port and returns the raw key, once: only its SHA-256 is stored.
-- The key is "pak_" + base64url of 32 bytes from two gen_random_uuid() calls (pg_strong_random;
-- 244 random bits). Raises PA005, PA008.
create or replace function portal_api.create_admin_key(p_port_id text, p_label text) returns text
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
create or replace function portal_api.revoke_admin_key(p_key_id text) returns void
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
comment on function portal_api.revoke_admin_key(text) is
    'Revokes an admin API key by id. PA011 when unknown.';

-- Lists a port's admin keys (never the keys themselves).
create or replace function portal_api.list_admin_keys(p_port_id text default null)
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
comment on function portal_api.list_admin_keys(text) is
    'Lists admin keys (ids, labels, use), for one port or all.';

-- Invites a client to the portal, in p_locale when given (else the port's language); returns the
-- portal user id. PA002, PA003, PA004, PA008.
create or replace function portal_api.invite(
    p_client_id text, p_email text, p_name text default null, p_actor text default current_user, p_locale text default null)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return (portal.do_invite(p_client_id, null, p_email, p_name, p_actor, p_locale)).id;
end
$$;
revoke all on function portal_api.invite(text, text, text, text, text) from public;
grant execute on function portal_api.invite(text, text, text, text, text) to portal_admin;
comment on function portal_api.invite(text, text, text, text, text) is
    'Creates the portal user of a client (with p_locale, the client''s own language: BCP 47, NULL for the port''s) and queues its activation mail. PA002 email_taken, PA003 portal_user_exists, PA004 client_not_found, PA008.';

-- Issues a fresh activation token (revoking the old one) and queues the mail. PA004, PA006, PA007, PA012.
create or replace function portal_api.resend_activation(p_client_id text, p_actor text default current_user) returns void
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
create or replace function portal_api.disable_portal_user(p_client_id text, p_actor text default current_user) returns void
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
create or replace function portal_api.enable_portal_user(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.do_client_action(p_client_id, null, 'enable', p_actor);
end
$$;
revoke all on function portal_api.enable_portal_user(text, text) from public;
grant execute on function portal_api.enable_portal_user(text, text) to portal_admin;
comment on function portal_api.enable_portal_user(text, text) is
    'Re-enables a disabled portal user. PA004, PA006.';

-- Clears a lockout and the failure count. PA004, PA006.
create or replace function portal_api.unlock_portal_user(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.do_client_action(p_client_id, null, 'unlock', p_actor);
end
$$;
revoke all on function portal_api.unlock_portal_user(text, text) from public;
grant execute on function portal_api.unlock_portal_user(text, text) to portal_admin;
comment on function portal_api.unlock_portal_user(text, text) is
    'Clears a lockout and the failed-attempt count. PA004, PA006.';

-- Ends every session of the portal user (bumps session_epoch). PA004, PA006.
create or replace function portal_api.revoke_sessions(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.do_client_action(p_client_id, null, 'revoke-sessions', p_actor);
end
$$;
revoke all on function portal_api.revoke_sessions(text, text) from public;
grant execute on function portal_api.revoke_sessions(text, text) to portal_admin;
comment on function portal_api.revoke_sessions(text, text) is
    'Ends every session of the portal user. PA004, PA006.';

-- Changes the address of a client's portal user (portal.do_change_email): invited, at once with a
-- fresh activation link; active, by a confirmation link to the new address and a notice to the
-- old one. Returns the status with a note. PA002, PA004, PA006, PA008, PA012.
create or replace function portal_api.change_email(p_client_id text, p_email text, p_actor text default current_user)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return portal.do_change_email(p_client_id, null, p_email, p_actor);
end
$$;
revoke all on function portal_api.change_email(text, text, text) from public;
grant execute on function portal_api.change_email(text, text, text) to portal_admin;
comment on function portal_api.change_email(text, text, text) is
    'Changes a portal user''s address: invited, at once (fresh activation link); active, when the link mailed to the new address is used. PA002, PA004, PA006, PA008, PA012.';

-- State (invited/active/disabled/locked), email, last login, the newest link, last mail. PA004, PA006.
create or replace function portal_api.portal_user_status(p_client_id text) returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return portal.user_status(portal.find_portal_user(p_client_id, null, false));
end
$$;
revoke all on function portal_api.portal_user_status(text) from public;
grant execute on function portal_api.portal_user_status(text) to portal_admin;
comment on function portal_api.portal_user_status(text) is
    'The portal user of a client as jsonb: state, email, last login, last mail and its delivery state. PA004, PA006.';

-- The audit trail, newest first; filtered by client when given. actor is the database role,
-- on_behalf_of what the caller said.
create or replace function portal_api.audit_events(p_client_id text default null, p_limit integer default 100)
returns table (occurred_at timestamptz, event text, client_id text, email text, actor text, on_behalf_of text,
               ip inet, user_agent text, detail jsonb)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select e.occurred_at, e.event, e.client_id, e.email, e.actor, e.on_behalf_of, e.ip, e.user_agent, e.detail
      from portal.auth_events e
     where p_client_id is null or e.client_id = p_client_id
     order by e.id desc
     limit least(greatest(coalesce(p_limit, 100), 1), 10000);
$$;
revoke all on function portal_api.audit_events(text, integer) from public;
grant execute on function portal_api.audit_events(text, integer) to portal_admin;
comment on function portal_api.audit_events(text, integer) is
    'The audit trail, newest first, optionally for one client (actor = database role, on_behalf_of = the caller''s word).';

-- Deletes a client as the CRM's cascade says: its portal user, tokens, sessions and mail go, the
-- address is free for a new invite, and the audit keeps what happened without the person
-- (internal/deletion.sql). PA004; 55P03 while a mail of the user is being sent (try again later).
create or replace function portal_api.delete_client(p_client_id text, p_actor text default current_user) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_result jsonb := portal.delete_client(p_client_id, null, p_actor);
begin
    if v_result ? 'error' then
        raise exception 'a mail to this client is being sent right now: nothing was deleted' using errcode = '55P03',
            hint = format('Try again in %s seconds, when the mailer''s lease on it has ended.', v_result ->> 'retryAfter');
    end if;
end
$$;
revoke all on function portal_api.delete_client(text, text) from public;
grant execute on function portal_api.delete_client(text, text) to portal_admin;
comment on function portal_api.delete_client(text, text) is
    'Deletes a client: its portal user, tokens, sessions and pending mail go, the address is free, the audit keeps no personal data of that person. PA004; 55P03 while one of its mails is being sent.';

-- The cut-over: a fresh activation link for every invited, enabled portal user of a port without
-- a live one (internal/support.sql); safe to run again. p_dry_run counts and writes nothing.
-- Returns the counts. PA005.
create or replace function portal_api.send_activations(p_port_id text, p_dry_run boolean default false,
                                                       p_actor text default current_user)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return portal.send_activations(p_port_id, p_dry_run, p_actor);
end
$$;
revoke all on function portal_api.send_activations(text, boolean, text) from public;
grant execute on function portal_api.send_activations(text, boolean, text) to portal_admin;
comment on function portal_api.send_activations(text, boolean, text) is
    'Cut-over: queues an activation mail for every invited, enabled portal user of the port without a live link (none twice); p_dry_run only counts. Returns invited, withLiveLink, queued, disabled. PA005.';
