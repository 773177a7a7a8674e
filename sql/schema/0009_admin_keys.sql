-- Staff API keys of the admin HTTP API: one port each; only the key's SHA-256 is stored (the raw
-- key is shown once by portal_api.create_admin_key).

set local role portal_owner;

create table portal.admin_keys (
    id text primary key default gen_random_uuid()::text,
    port_id text not null references portal.ports (id) on delete cascade,
    label text not null check (length(btrim(label)) between 1 and 200),
    key_hash bytea not null check (octet_length(key_hash) = 32),
    created_at timestamptz not null default now(),
    revoked_at timestamptz,
    last_used_at timestamptz,
    constraint admin_keys_hash_key unique (key_hash)
);
