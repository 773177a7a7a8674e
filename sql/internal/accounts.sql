-- Accounts: finding a client or portal user by id or address, and how a user reads (its JSON,
-- state and the actions staff may take on it).
--
-- Lock order, everywhere: the user row first, then its token rows. Lookups by address use the
-- stored normalised email (portal.normalize_email, one rule: schema/0002_input_rules.sql) and the
-- unique constraint portal_users_email_key.
--
-- Raises: PA004 client_not_found, PA006 portal_user_not_found, PA008 invalid_input (an address
-- that breaks the rule, with which part in the message and a hint).

set local role portal_owner;

-- The normalised address, or PA008 saying which part of the rule it breaks.
create or replace function portal.normalize_email(p_email text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := portal.email_normalized(p_email);
begin
    if v_email is null then
        raise exception 'invalid email address: %', portal.email_problem(p_email) using errcode = 'PA008',
            hint = 'An address has an ASCII local part (letters, digits and .!#$&''*+/=^_`{|}~-) and a domain of LDH or IDN labels.';
    end if;
    return v_email;
end
$$;
revoke all on function portal.normalize_email(text) from public;

-- The client, or PA004 naming the id. p_port_id, when given, confines the lookup to one port
-- (admin keys): the hint then names nothing outside that port.
create or replace function portal.find_client(p_client_id text, p_port_id text default null) returns portal.clients
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_client portal.clients;
    v_other portal.clients;
begin
    select * into v_client from portal.clients c
     where c.id = p_client_id and (p_port_id is null or c.port_id = p_port_id);
    if not found then
        v_other := portal.client_by_id_any_case(p_client_id);
        if v_other.id is not null and (p_port_id is null or v_other.port_id = p_port_id) then
            raise exception 'client not found: %', p_client_id using errcode = 'PA004',
                hint = format('Client ids match exactly, case included: did you mean %L?', v_other.id);
        end if;
        raise exception 'client not found: %', p_client_id using errcode = 'PA004',
            hint = case when p_port_id is null
                then 'Client ids are the CRM''s, matched exactly (case included). Create a client with '
                     || 'select portal_api.create_client(''<port id>'', ''<name>'', null, ''<client id>'');'
                else 'Client ids are the CRM''s, matched exactly (case included), within this admin key''s port.'
            end;
    end if;
    return v_client;
end
$$;
revoke all on function portal.find_client(text, text) from public;

-- The client's portal user, or PA004/PA006 naming the client. p_lock: FOR UPDATE (writers);
-- without it a status read locks nothing.
create or replace function portal.find_portal_user(p_client_id text, p_port_id text default null, p_lock boolean default true)
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
        raise exception 'client % has no portal user', p_client_id using errcode = 'PA006',
            hint = format('Invite one: select portal_api.invite(%L, ''<email>'');', p_client_id);
    end if;
    return v_user;
end
$$;
revoke all on function portal.find_portal_user(text, text, boolean) from public;

-- The portal user with this address, or an all-NULL row, the address normalised by
-- the rule first: one typed with a no-break space around it, or its domain in NFD, finds its
-- account (the gateway passes addresses as typed).
create or replace function portal.user_by_email(p_email text, p_lock boolean default false) returns portal.portal_users
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
    v_email text := coalesce(portal.email_normalized(p_email), lower(btrim(p_email)));
begin
    if p_lock then
        select * into v_user from portal.portal_users u where u.email = v_email for update;
    else
        select * into v_user from portal.portal_users u where u.email = v_email;
    end if;
    return v_user;
end
$$;
revoke all on function portal.user_by_email(text, boolean) from public;

-- The public face of a portal user (sign-in, /me, session_check), with the names of its
-- client and port, so the portal shows "North Harbour" instead of an id, and the port's contact
-- (supportPhone, supportEmail = its reply-to address) when set, and the language: the client's own
-- (locale) and the port's default (portLocale), each when set.
create or replace function portal.user_json(p_user portal.portal_users) returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
               'id', p_user.id, 'email', p_user.email, 'name', p_user.name,
               'clientId', p_user.client_id, 'portId', p_user.port_id,
               'clientName', (select c.name from portal.clients c where c.id = p_user.client_id),
               'portName', p.name)
           || jsonb_strip_nulls(jsonb_build_object('supportPhone', p.support_phone, 'supportEmail', p.reply_to,
                                                   'locale', p_user.locale, 'portLocale', p.locale))
      from (select p.name, p.support_phone, p.reply_to, p.locale from portal.ports p where p.id = p_user.port_id) p;
$$;
revoke all on function portal.user_json(portal.portal_users) from public;

-- What staff may do to a portal user now, for the CRM's button: enable when disabled; otherwise
-- resend while invited, unlock while locked, send-reset once activated, disable, and
-- revoke-sessions once it can sign in.
create or replace function portal.user_actions(p_user portal.portal_users) returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select case when not p_user.is_active then '["enable"]'::jsonb
    else (select coalesce(jsonb_agg(a order by n), '[]'::jsonb) from (values
            (1, case when p_user.password_hash is null then 'resend' end),
            (2, case when p_user.locked_until > now() then 'unlock' end),
            (3, case when p_user.password_hash is not null then 'send-reset' end),
            (4, 'disable'),
            (5, case when p_user.password_hash is not null then 'revoke-sessions' end)) v(n, a)
          where a is not null) end;
$$;
revoke all on function portal.user_actions(portal.portal_users) from public;

-- The admin view of a client's portal user, with the actions allowed in its state, the
-- address a live email-change link would move it to (pendingEmail), and its language: its own
-- (locale, NULL when it has none) and its port's default language and time zone.
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
        'locale', p_user.locale,
        'portLocale', (select p.locale from portal.ports p where p.id = p_user.port_id),
        'portTimeZone', (select p.time_zone from portal.ports p where p.id = p_user.port_id),
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
        'pendingEmail', (
            select t.new_email from portal.portal_auth_tokens t
             where t.portal_user_id = p_user.id and t.type = 'email_change'
               and t.used_at is null and t.revoked_at is null and t.expires_at > now()),
        'lastMail', (
            select jsonb_build_object(
                'id', m.id, 'kind', m.kind, 'status', m.status, 'attempts', m.attempts,
                'createdAt', m.created_at, 'sentAt', m.sent_at, 'lastError', m.last_error)
              from portal.mail_outbox m
             where m.portal_user_id = p_user.id
             order by m.id desc limit 1));
$$;
revoke all on function portal.user_status(portal.portal_users) from public;

-- Cost of a stored hash in scrypt work units (N·r·p): PHC from its parameters, the seed's
-- legacy Node format as N=16384, r=8, p=1; NULL for anything else.
create or replace function portal.hash_cost(p_hash text) returns numeric
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select case
        when m is not null then power(2::numeric, m[1]::integer) * m[2]::integer * m[3]::integer
        when p_hash ~ '^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$' then 16384::numeric * 8
        end
      from (select regexp_match(p_hash, '^\$scrypt\$ln=([0-9]{1,2}),r=([0-9]{1,3}),p=([0-9]{1,3})\$')) as parsed(m);
$$;
revoke all on function portal.hash_cost(text) from public;

-- The rules as PA008 with a sentence, before the CHECKs below would answer 23514: every path
-- that writes a portal user (the import, activation, a DBA's UPDATE) learns which field is wrong.
create or replace function portal.portal_users_input_rules() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if new.password_hash is not null and not portal.is_password_hash(new.password_hash) then
        raise exception 'malformed password hash' using errcode = 'PA008',
            hint = 'A PHC scrypt hash the gateway verifies, or a Node salt:key hash as Node wrote it (16-byte salt, 64-byte key).';
    end if;
    if not (portal.is_plausible_time(new.created_at) and portal.is_plausible_time(new.updated_at)
            and portal.is_plausible_time(new.activated_at) and portal.is_plausible_time(new.last_login_at)) then
        raise exception 'times must be finite and between the years 1900 and 9999' using errcode = 'PA008';
    end if;
    return new;
end
$$;
revoke all on function portal.portal_users_input_rules() from public;
comment on function portal.portal_users_input_rules() is
    'Trigger: refuses a portal user''s malformed hash or implausible time with PA008 (the CHECKs stay the backstop).';
create or replace trigger portal_users_input_rules
    before insert or update of password_hash, created_at, updated_at, activated_at, last_login_at
    on portal.portal_users
    for each row execute function portal.portal_users_input_rules();
