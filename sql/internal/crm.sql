-- The CRM's ids: checking names and ids, finding an id whatever its case, and the upserts behind
-- PUT /api/v1/clients/:id and the import.
--
-- An upsert locks a row only when it changes it: an import of unchanged rows takes no row locks.
--
-- Raises: PA005 port_not_found, PA008 invalid_input (a malformed id or name), PA015 id_taken.

set local role portal_owner;

-- The id given (trimmed), a fresh UUID when none is, or PA008 when it has another shape.
create or replace function portal.new_id(p_id text, p_what text) returns text
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
revoke all on function portal.new_id(text, text) from public;

-- A client name (1 to 200 characters, trimmed), or PA008.
create or replace function portal.checked_name(p_name text, p_what text) returns text
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
revoke all on function portal.checked_name(text, text) from public;

-- The port or client whose id equals p_id but for case (NULL when none): what a unique index on
-- lower(id) refused.
create or replace function portal.port_by_id_any_case(p_id text) returns portal.ports
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select p from portal.ports p where lower(p.id) = lower(p_id);
$$;
revoke all on function portal.port_by_id_any_case(text) from public;

create or replace function portal.client_by_id_any_case(p_id text) returns portal.clients
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select c from portal.clients c where lower(c.id) = lower(p_id);
$$;
revoke all on function portal.client_by_id_any_case(text) from public;

create or replace function portal.upsert_port(p_id text, p_name text, p_actor text, p_dry_run boolean default false) returns text
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
revoke all on function portal.upsert_port(text, text, text, boolean) from public;

create or replace function portal.upsert_client(p_port_id text, p_id text, p_name text, p_billing_email text, p_actor text,
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
revoke all on function portal.upsert_client(text, text, text, text, text, boolean) from public;
