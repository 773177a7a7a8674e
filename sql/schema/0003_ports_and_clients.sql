-- Tenants and their clients, under the CRM's ids.
--
-- A port (marina) is a tenant; a client is a CRM client of one port. Ids are text: the CRM's
-- own keys when it gives them (PUT /api/v1/clients/:id, the import), else a UUID. An id is one
-- name whatever its case (unique lower(id)): `Client-7` and `client-7` never become two clients.
-- Constraints over code: every rule that can be a CHECK, a unique or partial index or a foreign
-- key is one, so a DBA writing to the tables by hand cannot break the invariants either.

set local role portal_owner;

create table portal.ports (
    id text primary key default gen_random_uuid()::text,
    name text not null check (length(btrim(name)) between 1 and 200),
    created_at timestamptz not null default now(),
    -- Shown in the port's mails and pages (portal_api.set_port_contact).
    reply_to text,
    support_phone text,
    constraint ports_id_shape check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
    constraint ports_reply_to_shape check (reply_to is null or portal.is_normalized_email(reply_to)),
    constraint ports_support_phone_shape check (support_phone is null or support_phone ~ '^\+?[0-9][0-9 ()./-]{2,39}$')
);
create unique index ports_id_lower_key on portal.ports (lower(id));

create table portal.clients (
    id text primary key default gen_random_uuid()::text,
    port_id text not null references portal.ports (id) on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 200),
    billing_email text check (billing_email is null or length(billing_email) <= 254),
    created_at timestamptz not null default now(),
    constraint clients_id_shape check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
    -- Target of portal_users' composite key: a portal user's port must be its client's port.
    constraint clients_id_port_key unique (id, port_id)
);
create unique index clients_id_lower_key on portal.clients (lower(id));
create index clients_port_idx on portal.clients (port_id);
