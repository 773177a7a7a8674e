-- portal-auth 0017: the CRM's ids without probes, imports that do not stall the live service.
--
-- * An id differing only in case is the same id: a UUID written in upper and in lower case names
--   one client. Ports and clients get a unique index on lower(id) (each table its own), so the
--   second spelling is refused (PA015) with a message that says so, instead of becoming a second
--   client the CRM cannot tell apart.
-- * PUT /api/v1/clients/:id with another port's id: the refusal (409 id_taken) is audited
--   (client_id_refused: the key, the id asked for) and counted per key on its own rate-limit
--   bucket, client_id_key (10 an hour by default). Once a key has used it up, its PUTs of ids it
--   does not already hold answer 429 with Retry-After until the window ends: a key of port A can
--   no longer enumerate (or reserve) port B's predictable ids at the admin limit of 600/min.
--   Updates of the key's own clients go on. Like the email probe (invite_refused), the refusal
--   is answered as a value, not raised, so its audit row and its count survive.
-- * Imports lock only what they change. upsert_port and upsert_client read without a lock and
--   write only when a value differs (UPDATE … WHERE … IS DISTINCT FROM, a FOR NO KEY UPDATE lock
--   that blocks no invite and no insert of a client), so re-importing unchanged rows takes no row
--   lock at all; before, every listed port and client row was locked FOR UPDATE until the
--   import's one transaction ended, and each of that marina's invites and PUTs waited for it.
--   import_port and import_client take p_dry_run: everything is checked and the outcome
--   returned, but an existing row is never written (a dry run locks no existing row); a row that
--   would be created is inserted, so the rows after it are checked against it, and the caller
--   rolls it back. `portal-auth admin import` checks the whole import that way first (all or
--   nothing for every refusal), then writes it in batches of bounded size, each its own
--   transaction.
-- * client_updated and port_updated audit rows carry the change: {"name": {"from", "to"}} and
--   {"billingEmail": {"from", "to"}}, only for fields that changed (a rename can be traced; the
--   names of companies and people are kept, as other audit rows keep email addresses).
--
-- New auth_events event: client_id_refused (the auth_events_event_check list of 0012 plus it).
-- New rate-limit bucket: client_id_key.
-- SQLSTATEs raised here: PA005 port not found, PA008 malformed id or name, PA014 invalid admin
-- key, PA015 id taken (also by an id differing only in case).

set local role portal_owner;

-- ---------------------------------------------------------------------------------------------
-- Constraints first.

-- Ids differing only in case would become unique indexes' duplicates: say which, rather than
-- fail on the index with a bare unique_violation.
do $$
declare
    v_clash text;
begin
    select string_agg(ids, '; ') into v_clash from (
        select 'ports ' || string_agg(id, ', ' order by id) as ids from portal.ports group by lower(id) having count(*) > 1
        union all
        select 'clients ' || string_agg(id, ', ' order by id) from portal.clients group by lower(id) having count(*) > 1) c;
    if v_clash is not null then
        raise exception 'ids differing only in case: %', left(v_clash, 2000) using errcode = 'PA015',
            hint = 'an id differing only in case names the same port or client from now on: merge or rename one of each pair, then migrate again';
    end if;
end
$$;
create unique index ports_id_lower_key on portal.ports (lower(id));
create unique index clients_id_lower_key on portal.clients (lower(id));

alter table portal.auth_events drop constraint auth_events_event_check;
alter table portal.auth_events add constraint auth_events_event_check check (event in (
    'port_created', 'client_created', 'invite', 'invite_refused', 'resend', 'activation',
    'sign_in_ok', 'sign_in_failed', 'lockout', 'reset_requested', 'reset_throttled',
    'reset_completed', 'password_changed', 'hash_upgraded', 'sign_out', 'sign_out_everywhere',
    'disable', 'enable', 'unlock', 'revoke_sessions',
    'admin_key_created', 'admin_key_revoked', 'setting_changed', 'pruned', 'restored',
    'port_updated', 'client_updated', 'portal_user_imported',
    'client_id_refused')) not valid;
alter table portal.auth_events validate constraint auth_events_event_check;

insert into portal.rate_limit_rules (bucket, max_hits, window_length) values
    ('client_id_key', 10, '1 hour');  -- PUTs refused per admin key because another port holds the id

-- What each rate-limit bucket counts (0008's list plus client_id_key).
create or replace function portal.rate_limit_catalog()
returns table (bucket text, description text)
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    values
        ('sign_in_ip', 'Sign-in attempts per client address (IPv6: per /64).'),
        ('sign_in_fail_ip', 'Wrong passwords per client address, before they count on an account''s lock.'),
        ('forgot_ip', 'Forgot-password requests per client address.'),
        ('forgot_email', 'Reset mails per account (silent: the caller always sees 200).'),
        ('token_ip', 'Activate, reset and token-status calls per client address.'),
        ('change_password_user', 'Change-password attempts per portal user.'),
        ('change_password_ip', 'Change-password attempts per client address.'),
        ('admin_key', 'Admin API calls per admin key.'),
        ('invite_key', 'Invites per admin key (each address already in use is audited).'),
        ('client_id_key', 'PUTs of a client id another port holds, per admin key (each is audited); when used up, '
                          || 'the key''s PUTs of ids it does not hold answer 429 until the window ends.');
$$;

-- ---------------------------------------------------------------------------------------------
-- Internal helpers.

-- The port or client whose id equals p_id but for case (NULL when none): what a unique index on
-- lower(id) refused.
create function portal.port_by_id_any_case(p_id text) returns portal.ports
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select p from portal.ports p where lower(p.id) = lower(p_id);
$$;

create function portal.client_by_id_any_case(p_id text) returns portal.clients
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select c from portal.clients c where lower(c.id) = lower(p_id);
$$;

-- {"field": {"from": …, "to": …}} for each field whose value changes (an empty object when none).
create function portal.changes(p_old jsonb, p_new jsonb) returns jsonb
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(jsonb_object_agg(n.key, jsonb_build_object('from', coalesce(p_old -> n.key, 'null'::jsonb), 'to', n.value)), '{}'::jsonb)
      from jsonb_each(p_new) n
     where (p_old -> n.key) is distinct from n.value;
$$;

-- Creates or updates a port under its id: 'created', 'updated' or 'unchanged'. Reads without a
-- lock and writes only a changed name, so an unchanged port is never locked; with p_dry_run an
-- existing port is not written at all (a new one is, for the caller to roll back).
-- PA008 malformed id or name, PA015 an id differing only in case exists.
drop function portal.upsert_port(text, text, text);
create function portal.upsert_port(p_id text, p_name text, p_actor text, p_dry_run boolean default false) returns text
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text := portal.new_id(p_id, 'port');
    v_name text := portal.checked_name(p_name, 'port');
    v_old portal.ports;
    v_other portal.ports;
begin
    select * into v_old from portal.ports p where p.id = v_id;
    if not found then
        -- Insert first: two concurrent calls for one new id cannot both create it (the loser waits
        -- for the winner's row, then finds it below). No conflict target: the lower(id) index too.
        insert into portal.ports (id, name) values (v_id, v_name) on conflict do nothing;
        if found then
            insert into portal.auth_events (event, port_id, actor, on_behalf_of)
            values ('port_created', v_id, left(session_user, 200), left(p_actor, 200));
            return 'created';
        end if;
        select * into v_old from portal.ports p where p.id = v_id;
        if not found then
            v_other := portal.port_by_id_any_case(v_id);
            raise exception 'port id % differs only in case from the existing port %', v_id, v_other.id using errcode = 'PA015',
                hint = 'an id differing only in case names the same port: use ' || v_other.id;
        end if;
    end if;
    if v_old.name = v_name then
        return 'unchanged';
    end if;
    if p_dry_run then
        return 'updated';
    end if;
    update portal.ports p set name = v_name where p.id = v_id and p.name is distinct from v_name;
    if not found then
        return 'unchanged';  -- a concurrent call set the same name meanwhile
    end if;
    insert into portal.auth_events (event, port_id, actor, on_behalf_of, detail)
    values ('port_updated', v_id, left(session_user, 200), left(p_actor, 200),
            jsonb_build_object('field', 'name') || portal.changes(jsonb_build_object('name', v_old.name), jsonb_build_object('name', v_name)));
    return 'updated';
end
$$;

-- Creates or updates a client of p_port_id under its id: 'created', 'updated' or 'unchanged'.
-- Reads without a lock and writes only changed fields, so an unchanged client is never locked;
-- with p_dry_run an existing client is not written at all (a new one is, for the caller to roll
-- back). The client_updated audit row says what changed. PA005 unknown port, PA008, PA015 the id
-- (or one differing only in case) belongs to another client: of another port (which is not said)
-- or, differing in case, of this port (which is named).
drop function portal.upsert_client(text, text, text, text, text);
create function portal.upsert_client(p_port_id text, p_id text, p_name text, p_billing_email text, p_actor text,
                                     p_dry_run boolean default false)
returns text
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id text := portal.new_id(p_id, 'client');
    v_name text := portal.checked_name(p_name, 'client');
    v_email text := case when nullif(btrim(p_billing_email), '') is not null then portal.normalize_email(p_billing_email) end;
    v_old portal.clients;
    v_other portal.clients;
    v_changes jsonb;
begin
    if not exists (select from portal.ports p where p.id = p_port_id) then
        raise exception 'port not found' using errcode = 'PA005';
    end if;
    select * into v_old from portal.clients c where c.id = v_id;
    if not found then
        insert into portal.clients (id, port_id, name, billing_email) values (v_id, p_port_id, v_name, v_email)
        on conflict do nothing;
        if found then
            insert into portal.auth_events (event, port_id, client_id, actor, on_behalf_of)
            values ('client_created', p_port_id, v_id, left(session_user, 200), left(p_actor, 200));
            return 'created';
        end if;
        select * into v_old from portal.clients c where c.id = v_id;
        if not found then
            v_other := portal.client_by_id_any_case(v_id);
            if v_other.port_id = p_port_id then
                raise exception 'client id % differs only in case from the existing client % of this port', v_id, v_other.id
                    using errcode = 'PA015', hint = 'an id differing only in case names the same client: use ' || v_other.id;
            end if;
            raise exception 'this client id (or an id differing only in case) is already in use' using errcode = 'PA015',
                hint = 'client ids are unique across every port of the deployment, whatever their case';
        end if;
    end if;
    if v_old.port_id <> p_port_id then
        raise exception 'this client id is already in use' using errcode = 'PA015',
            hint = 'client ids are unique across every port of the deployment';
    end if;
    v_changes := portal.changes(jsonb_build_object('name', v_old.name, 'billingEmail', v_old.billing_email),
                                jsonb_build_object('name', v_name, 'billingEmail', v_email));
    if v_changes = '{}'::jsonb then
        return 'unchanged';
    end if;
    if p_dry_run then
        return 'updated';
    end if;
    update portal.clients c set name = v_name, billing_email = v_email
     where c.id = v_id and (c.name, c.billing_email) is distinct from (v_name, v_email);
    if not found then
        return 'unchanged';  -- a concurrent call stored the same values meanwhile
    end if;
    insert into portal.auth_events (event, port_id, client_id, actor, on_behalf_of, detail)
    values ('client_updated', p_port_id, v_id, left(session_user, 200), left(p_actor, 200), v_changes);
    return 'updated';
end
$$;

-- ---------------------------------------------------------------------------------------------
-- DBA functions (portal_admin).

-- create_port / create_client (0012) call the upserts above with their defaults; unchanged.

-- Import, step 1: a port from the CRM under its id. 'created', 'updated' or 'unchanged'; with
-- p_dry_run the outcome without writing an existing port. PA008, PA015.
drop function portal_api.import_port(text, text, text);
create function portal_api.import_port(p_id text, p_name text, p_actor text default current_user, p_dry_run boolean default false)
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

-- Import, step 2: a client from the CRM under its id. 'created', 'updated' or 'unchanged'; with
-- p_dry_run the outcome without writing an existing client.
-- PA005, PA008, PA015 (the id, or one differing only in case, belongs to another client).
drop function portal_api.import_client(text, text, text, text, text);
create function portal_api.import_client(p_id text, p_port_id text, p_name text, p_billing_email text default null,
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

-- ---------------------------------------------------------------------------------------------
-- Gateway functions (admin keys).

-- PUT /api/v1/clients/:id: creates or updates a client of the key's port under the CRM's id.
-- Returns {"client": {...}, "outcome": created|updated|unchanged}, or one of these refusals as a
-- value (so the audit row and the count survive; the gateway answers them):
--   {"error": "id_taken"}  another port's client holds the id (or one differing only in case):
--                          audited as client_id_refused and counted on client_id_key;
--   {"error": "id_taken", "existingId": "…"}  a client of this port has the id in another case;
--   {"error": "rate_limited", "retryAfter": n}  this key's refusals used up client_id_key: an id
--                          the key does not hold is not looked at until the window ends.
-- Raises PA014, PA008.
create or replace function portal_api.key_put_client(p_key_hash bytea, p_client_id text, p_name text, p_billing_email text default null)
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
begin
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
    return jsonb_build_object(
        'client', jsonb_build_object('id', v_client.id, 'portId', v_client.port_id, 'name', v_client.name,
                                     'billingEmail', v_client.billing_email, 'createdAt', v_client.created_at),
        'outcome', v_outcome);
end
$$;
comment on function portal_api.key_put_client(bytea, text, text, text) is
    'PUT a client of the admin key''s port under the CRM''s id (idempotent); returns it and created, updated or unchanged, or {"error": id_taken|rate_limited}: another port''s id is audited (client_id_refused) and counted (client_id_key). PA014, PA008.';
