-- The CRM: the admin HTTP API by key (granted to portal_gateway, which passes the SHA-256 of the
-- presented key: every call is confined to that key's port) and the import of the old portal
-- (granted to portal_admin, run by `portal-auth admin import`).
--
-- Raises: PA002 email_taken, PA003 portal_user_exists, PA004 client_not_found, PA005
-- port_not_found, PA006 portal_user_not_found, PA007 already_active, PA008 invalid_input, PA012
-- portal_user_disabled, PA014 invalid_admin_key, PA015 id_taken.

set local role portal_owner;

-- PUT /api/v1/clients/:id: creates or updates a client of the key's port under the CRM's id.
-- Returns {"client": {...}, "outcome": created|updated|unchanged}, or one of these refusals as a
-- value (so the audit row and the count survive; the gateway answers them):
--   {"error": "id_taken"}  another port's client holds the id (or one differing only in case):
--                          audited as client_id_refused and counted on client_id_key;
--   {"error": "id_taken", "existingId": "…"}  a client of this port has the id in another case;
--   {"error": "rate_limited", "retryAfter": n}  this key's refusals used up client_id_key: an id
--                          the key does not hold is not looked at until the window ends.
-- p_locale (BCP 47, any case), when not NULL, becomes the language of the client's portal user, if
-- it has one (a client without one gets its language with the invite); NULL leaves it as it is.
-- Raises PA014, PA008.
create or replace function portal_api.key_put_client(p_key_hash bytea, p_client_id text, p_name text, p_billing_email text default null,
                                                     p_staff_actor text default null, p_locale text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
    v_actor text := 'admin_key:' || v_key.key_id;
    v_id text;
    v_holder portal.clients;
    v_outcome text;
    v_client portal.clients;
    v_wait integer;
    v_locale text := portal.normalize_locale(p_locale);
begin
    perform portal.act_for_staff(p_staff_actor);
    if p_client_id is null then
        raise exception 'client id is required' using errcode = 'PA008';
    end if;
    v_id := portal.new_id(p_client_id, 'client');
    v_holder := portal.client_by_id_any_case(v_id);
    if v_holder.id is null or v_holder.port_id <> v_key.port_id then
        -- Not one of this key's clients: whatever the answer, it tells whether another port holds
        -- the id, so it waits while the key's refusals are used up.
        v_wait := portal.rate_limit_wait('client_id_key', v_actor);
        if v_wait > 0 then
            return jsonb_build_object('error', 'rate_limited', 'retryAfter', v_wait);
        end if;
    end if;
    if v_holder.id is not null and v_holder.port_id = v_key.port_id and v_holder.id <> v_id then
        return jsonb_build_object('error', 'id_taken', 'existingId', v_holder.id);
    end if;
    begin
        if v_holder.id is not null and v_holder.port_id <> v_key.port_id then
            raise exception 'held by another port' using errcode = 'PA015';
        end if;
        v_outcome := portal.upsert_client(v_key.port_id, v_id, p_name, p_billing_email, v_actor);
    exception when sqlstate 'PA015' then
        -- Another port's client (found above, or created meanwhile). Which port is not said.
        insert into portal.auth_events (event, port_id, client_id, actor, on_behalf_of, detail)
        values ('client_id_refused', v_key.port_id, v_id, left(session_user, 200), v_actor, '{"reason": "id_taken"}');
        v_wait := portal.rate_limit_hit('client_id_key', v_actor);
        if v_wait > 0 then
            return jsonb_build_object('error', 'rate_limited', 'retryAfter', v_wait);
        end if;
        return '{"error": "id_taken"}'::jsonb;
    end;
    v_client := portal.find_client(v_id, v_key.port_id);
    if v_locale is not null then
        update portal.portal_users u set locale = v_locale, updated_at = now()
         where u.client_id = v_client.id and u.locale is distinct from v_locale;
        if found and v_outcome = 'unchanged' then
            v_outcome := 'updated';
        end if;
    end if;
    return jsonb_build_object(
        'client', jsonb_build_object('id', v_client.id, 'portId', v_client.port_id, 'name', v_client.name,
                                     'billingEmail', v_client.billing_email, 'createdAt', v_client.created_at),
        'outcome', v_outcome);
end
$$;
revoke all on function portal_api.key_put_client(bytea, text, text, text, text, text) from public;
grant execute on function portal_api.key_put_client(bytea, text, text, text, text, text) to portal_gateway;
comment on function portal_api.key_put_client(bytea, text, text, text, text, text) is
    'PUT a client of the admin key''s port under the CRM''s id (idempotent; p_locale, when given, becomes its portal user''s language); returns it and created, updated or unchanged, or {"error": id_taken|rate_limited}: another port''s id is audited (client_id_refused) and counted (client_id_key). PA014, PA008.';

-- Invites a client of the key's port; returns the portal user's status. When the address
-- already belongs to another portal user (possibly of another port) it writes an
-- invite_refused audit row and returns {"error": "email_taken"} instead of raising, so the row
-- survives; the gateway answers 409 email_taken. p_locale is the client's own language (BCP 47,
-- any case; NULL: the port's). PA014, PA004, PA003, PA008 raise as before.
create or replace function portal_api.key_invite(p_key_hash bytea, p_client_id text, p_email text, p_name text default null,
                                                 p_staff_actor text default null, p_locale text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
    v_actor text := 'admin_key:' || v_key.key_id;
begin
    perform portal.act_for_staff(p_staff_actor);
    begin
        return portal.user_status(portal.do_invite(p_client_id, v_key.port_id, p_email, p_name, v_actor, p_locale));
    exception when sqlstate 'PA002' then
        insert into portal.auth_events (event, port_id, client_id, email, actor, on_behalf_of, detail)
        values ('invite_refused', v_key.port_id, p_client_id, left(lower(btrim(p_email)), 254), left(session_user, 200),
                v_actor, '{"reason": "email_taken"}');
        return '{"error": "email_taken"}'::jsonb;
    end;
end
$$;
revoke all on function portal_api.key_invite(bytea, text, text, text, text, text) from public;
grant execute on function portal_api.key_invite(bytea, text, text, text, text, text) to portal_gateway;
comment on function portal_api.key_invite(bytea, text, text, text, text, text) is
    'Admin API: invite a client of the admin key''s port (p_locale: the client''s own language, NULL for the port''s); an address already in use is audited and answered {"error": "email_taken"}. PA014, PA004, PA003, PA008.';

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
revoke all on function portal_api.key_client_status(bytea, text) from public;
grant execute on function portal_api.key_client_status(bytea, text) to portal_gateway;
comment on function portal_api.key_client_status(bytea, text) is
    'Admin API: status of a client''s portal user within the key''s port. PA014, PA004, PA006.';

-- resend | disable | enable | unlock | revoke-sessions | send-reset for a client of the key's
-- port; send-reset past its limit answers {"error": "rate_limited", "retryAfter": n}.
create or replace function portal_api.key_client_action(p_key_hash bytea, p_client_id text, p_action text,
                                                        p_staff_actor text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
begin
    perform portal.act_for_staff(p_staff_actor);
    return portal.do_client_action(p_client_id, v_key.port_id, p_action, 'admin_key:' || v_key.key_id);
end
$$;
revoke all on function portal_api.key_client_action(bytea, text, text, text) from public;
grant execute on function portal_api.key_client_action(bytea, text, text, text) to portal_gateway;
comment on function portal_api.key_client_action(bytea, text, text, text) is
    'Admin API: an action on a client''s portal user within the key''s port. PA014, PA004, PA006, PA007, PA008, PA012.';

-- Changes the address of a client's portal user within the key's port (portal.do_change_email:
-- invited, at once with a fresh activation link; active, by a confirmation link to the new
-- address). PA014, PA004, PA006, PA002, PA008, PA012.
create or replace function portal_api.key_change_email(p_key_hash bytea, p_client_id text, p_email text,
                                                       p_staff_actor text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
begin
    perform portal.act_for_staff(p_staff_actor);
    return portal.do_change_email(p_client_id, v_key.port_id, p_email, 'admin_key:' || v_key.key_id);
end
$$;
revoke all on function portal_api.key_change_email(bytea, text, text, text) from public;
grant execute on function portal_api.key_change_email(bytea, text, text, text) to portal_gateway;
comment on function portal_api.key_change_email(bytea, text, text, text) is
    'Admin API: change the address of a client''s portal user within the key''s port (invited: at once, with a fresh activation link; active: by a link to the new address). PA014, PA004, PA006, PA002, PA008, PA012.';

-- DELETE /api/v1/clients/:id: deletes a client of the key's port with its portal user
-- (portal.delete_client: tokens, sessions and mail go, the person is erased from the audit).
-- Returns the counts, or {"error": "mail_in_flight", "retryAfter": n} (nothing deleted) while
-- one of its mails is being sent. PA014, PA004 (also another port's client), PA008 (a malformed
-- staff actor).
drop function if exists portal_api.key_delete_client(bytea, text, text);
create or replace function portal_api.key_delete_client(p_key_hash bytea, p_client_id text, p_staff_actor text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
begin
    perform portal.act_for_staff(p_staff_actor);
    return portal.delete_client(p_client_id, v_key.port_id, 'admin_key:' || v_key.key_id);
end
$$;
revoke all on function portal_api.key_delete_client(bytea, text, text) from public;
grant execute on function portal_api.key_delete_client(bytea, text, text) to portal_gateway;
comment on function portal_api.key_delete_client(bytea, text, text) is
    'Admin API: deletes a client of the key''s port with its portal user, tokens, sessions and mail; erases the person from the audit; returns the counts, or {"error": "mail_in_flight", "retryAfter": n} while one of its mails is being sent. PA014, PA004, PA008.';

-- GET /api/v1/clients/:id/portal-user/events: the portal user's audit history within the key's
-- port, newest first (portal.user_events: time, event, actor, staff actor, outcome, reason).
-- PA014, PA004, PA006.
create or replace function portal_api.key_user_events(p_key_hash bytea, p_client_id text, p_limit integer default 50)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
begin
    return portal.user_events(portal.find_portal_user(p_client_id, v_key.port_id, false), p_limit);
end
$$;
revoke all on function portal_api.key_user_events(bytea, text, integer) from public;
grant execute on function portal_api.key_user_events(bytea, text, integer) to portal_gateway;
comment on function portal_api.key_user_events(bytea, text, integer) is
    'Admin API: a portal user''s audit history within the key''s port, newest first (1 to 500 rows, default 50); no address, network address or user agent. PA014, PA004, PA006.';

create or replace function portal_api.import_port(p_id text, p_name text, p_actor text default current_user, p_dry_run boolean default false)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_id is null then
        raise exception 'port id is required' using errcode = 'PA008';
    end if;
    return portal.upsert_port(p_id, p_name, p_actor, coalesce(p_dry_run, false));
end
$$;
revoke all on function portal_api.import_port(text, text, text, boolean) from public;
grant execute on function portal_api.import_port(text, text, text, boolean) to portal_admin;
comment on function portal_api.import_port(text, text, text, boolean) is
    'Import: creates or renames a port under the CRM''s id; returns created, updated or unchanged. Locks only a port it changes; p_dry_run writes no existing port. PA008, PA015.';

create or replace function portal_api.import_client(p_id text, p_port_id text, p_name text, p_billing_email text default null,
                                         p_actor text default current_user, p_dry_run boolean default false)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_id is null then
        raise exception 'client id is required' using errcode = 'PA008';
    end if;
    return portal.upsert_client(p_port_id, p_id, p_name, p_billing_email, p_actor, coalesce(p_dry_run, false));
end
$$;
revoke all on function portal_api.import_client(text, text, text, text, text, boolean) from public;
grant execute on function portal_api.import_client(text, text, text, text, text, boolean) to portal_admin;
comment on function portal_api.import_client(text, text, text, text, text, boolean) is
    'Import: creates or updates a client under the CRM''s id; returns created, updated or unchanged. Locks only a client it changes; p_dry_run writes no existing client. PA005, PA008, PA015.';

-- Import, step 3: a portal user of the old portal, as it was: its id, its Node salt:key hash
-- (verified and upgraded at the next sign-in), its name, activity and dates. With a hash it is
-- active (activated when it last signed in, or was created); without one it is invited (no link
-- is mailed: staff send one with resend). is_active false imports it disabled. Returns 'created',
-- or 'unchanged' when this user was imported before (a re-run). PA002 the email belongs to another
-- user, PA003 the client has another portal user, PA004 the client is not in that port, PA008 a
-- malformed field, PA015 the id belongs to another client's user.
create or replace function portal_api.import_portal_user(
    p_id text, p_port_id text, p_client_id text, p_email text, p_password_hash text, p_name text,
    p_is_active boolean, p_last_login_at timestamptz, p_created_by text, p_created_at timestamptz,
    p_actor text default current_user, p_locale text default null)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text := portal.new_id(p_id, 'portal user');
    v_email text := portal.normalize_email(p_email);
    v_hash text := nullif(btrim(p_password_hash), '');
    v_locale text := portal.normalize_locale(nullif(btrim(p_locale), ''));
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
                                     created_by, created_at, activated_at, locale)
    values (v_id, p_port_id, p_client_id, v_email, v_hash, nullif(btrim(p_name), ''), coalesce(p_is_active, true),
            p_last_login_at, left(p_created_by, 200), coalesce(p_created_at, now()),
            case when v_hash is not null then coalesce(p_last_login_at, p_created_at, now()) end, v_locale)
    returning * into v_user;
    perform portal.log_event('portal_user_imported', v_user, p_actor, null, null,
        jsonb_build_object('state', case when not v_user.is_active then 'disabled'
                                         when v_hash is null then 'invited' else 'active' end));
    return 'created';
end
$$;
revoke all on function portal_api.import_portal_user(text, text, text, text, text, text, boolean, timestamp with time zone, text, timestamp with time zone, text, text) from public;
grant execute on function portal_api.import_portal_user(text, text, text, text, text, text, boolean, timestamp with time zone, text, timestamp with time zone, text, text) to portal_admin;
comment on function portal_api.import_portal_user(text, text, text, text, text, text, boolean, timestamp with time zone, text, timestamp with time zone, text, text) is
    'Import: a portal user of the old portal with its id and Node hash (active with a hash, invited without) and its language (p_locale, BCP 47, empty or NULL: the port''s); created or unchanged. PA002, PA003, PA004, PA008, PA015.';
