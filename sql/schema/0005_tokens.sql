-- Activation and reset tokens: single use, expiring, at most one live per user and type.
--
-- No live secret at rest: a token row is issued unsealed (token_hash NULL); the mailer derives
-- the raw token from the token key and the row's id and stores only its SHA-256 (sealing). Using
-- a token is one UPDATE that sets used_at where it is still unused, unrevoked and unexpired
-- (internal/tokens.sql, portal.use_token): the constraints below keep those states exclusive.

set local role portal_owner;

create table portal.portal_auth_tokens (
    id text primary key default gen_random_uuid()::text,
    portal_user_id text not null references portal.portal_users (id) on delete cascade,
    -- SHA-256 of the raw token; NULL only until the mailer seals it.
    token_hash bytea check (token_hash is null or octet_length(token_hash) = 32),
    type text not null check (type in ('activation', 'reset')),
    expires_at timestamptz not null,
    used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now(),
    constraint portal_auth_tokens_hash_key unique (token_hash),
    constraint portal_auth_tokens_expiry check (expires_at > created_at),
    constraint portal_auth_tokens_activation_lifetime
        check (type <> 'activation' or expires_at <= created_at + interval '7 days'),
    constraint portal_auth_tokens_reset_lifetime
        check (type <> 'reset' or expires_at <= created_at + interval '24 hours'),
    constraint portal_auth_tokens_used_or_revoked check (used_at is null or revoked_at is null)
);
-- One live token per (user, type): issuing a new one must revoke the old one first.
create unique index portal_auth_tokens_one_live
    on portal.portal_auth_tokens (portal_user_id, type) where used_at is null and revoked_at is null;
