-- Portal users: one per client, the account a client signs in with.
--
-- Uniqueness: one portal user per client (portal_users_client_key) and one per email address
-- across every port (portal_users_email_key on the stored, normalised address: the seed's rule).
-- State: invited (no password_hash yet), active (a hash), disabled (is_active false); a lockout
-- is failed_attempts and locked_until. session_epoch counts password changes and resets: a
-- session carries the epoch it was issued in.

set local role portal_owner;

create table portal.portal_users (
    id text primary key default gen_random_uuid()::text,
    port_id text not null references portal.ports (id),
    client_id text not null,
    email text not null,
    password_hash text,
    name text check (name is null or length(name) <= 200),
    is_active boolean not null default true,
    last_login_at timestamptz,
    created_by text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    activated_at timestamptz,
    session_epoch integer not null default 1 check (session_epoch >= 1),
    failed_attempts integer not null default 0 check (failed_attempts >= 0),
    locked_until timestamptz,
    constraint portal_users_id_shape check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'),
    constraint portal_users_client_key unique (client_id),
    constraint portal_users_client_port_fkey foreign key (client_id, port_id)
        references portal.clients (id, port_id) on delete cascade on update cascade,
    -- Stored normalised (trimmed, lower-cased, NFC: the email rule of 0002_input_rules.sql), so the plain unique
    -- constraint below is case-insensitive and serves every lookup by address.
    constraint portal_users_email_normalized check (email = lower(btrim(email))),
    constraint portal_users_email_shape check (portal.is_normalized_email(email)),
    constraint portal_users_email_key unique (email),
    -- A hash the gateway can verify (PHC scrypt in its range, or the seed's Node format).
    constraint portal_users_hash_shape check (password_hash is null or portal.is_password_hash(password_hash)),
    constraint portal_users_activated check (password_hash is null or activated_at is not null),
    constraint portal_users_times_plausible check (
        portal.is_plausible_time(created_at) and portal.is_plausible_time(updated_at)
        and portal.is_plausible_time(activated_at) and portal.is_plausible_time(last_login_at))
);
create index portal_users_port_idx on portal.portal_users (port_id);
