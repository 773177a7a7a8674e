-- portal-auth 0002: tables, constraints and triggers.
-- Constraints over code: every rule that can be a CHECK, a unique or partial index or a foreign
-- key is one, so a DBA writing to the tables by hand cannot break the invariants either.

set local role portal_owner;

-- Policy the functions read. Exactly one row (id is always true).
create table portal.settings (
    id boolean primary key default true check (id),
    activation_ttl interval not null default '72 hours'
        check (activation_ttl >= '5 minutes' and activation_ttl <= '7 days'),
    reset_ttl interval not null default '1 hour'
        check (reset_ttl >= '5 minutes' and reset_ttl <= '24 hours'),
    lockout_threshold integer not null default 10 check (lockout_threshold between 3 and 100),
    lockout_base interval not null default '1 minute'
        check (lockout_base >= '1 second' and lockout_base <= '1 hour'),
    lockout_max interval not null default '1 hour'
        check (lockout_max <= '24 hours'),
    mail_max_attempts integer not null default 8 check (mail_max_attempts between 1 and 50),
    mail_retry_base interval not null default '30 seconds'
        check (mail_retry_base >= '1 second' and mail_retry_base <= '1 hour'),
    mail_lease interval not null default '2 minutes'
        check (mail_lease >= '5 seconds' and mail_lease <= '1 hour'),
    updated_at timestamptz not null default now(),
    constraint settings_lockout_order check (lockout_max >= lockout_base)
);
insert into portal.settings default values;
comment on table portal.settings is
    'One row of policy: token lifetimes, lockout back-off, mail retries. Change with portal_api.set_setting.';

-- Fixed-window rate limits: the rules, and their counters.
create table portal.rate_limit_rules (
    bucket text primary key check (bucket ~ '^[a-z_]{1,40}$'),
    max_hits integer not null check (max_hits between 1 and 1000000),
    window_length interval not null check (window_length >= '1 second' and window_length <= '1 day')
);
insert into portal.rate_limit_rules (bucket, max_hits, window_length) values
    ('sign_in_ip', 30, '1 minute'),      -- sign-in attempts per client address
    ('forgot_ip', 20, '1 minute'),       -- forgot-password requests per client address
    ('forgot_email', 3, '1 hour'),       -- reset mails per account (silent: the caller sees 200)
    ('token_ip', 60, '1 minute'),        -- activate / reset / token-status per client address
    ('admin_key', 600, '1 minute');      -- admin API calls per key

-- Counters are UNLOGGED: losing them in a crash only resets the windows.
create unlogged table portal.rate_limits (
    bucket text not null,
    key text not null,
    window_start timestamptz not null,
    hits integer not null check (hits >= 0),
    primary key (bucket, key)
);

create table portal.ports (
    id text primary key default gen_random_uuid()::text,
    name text not null check (length(btrim(name)) between 1 and 200),
    created_at timestamptz not null default now()
);

create table portal.clients (
    id text primary key default gen_random_uuid()::text,
    port_id text not null references portal.ports (id) on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 200),
    billing_email text check (billing_email is null or length(billing_email) <= 254),
    created_at timestamptz not null default now(),
    -- Target of portal_users' composite key: a portal user's port must be its client's port.
    constraint clients_id_port_key unique (id, port_id)
);
create index clients_port_idx on portal.clients (port_id);

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
    constraint portal_users_client_key unique (client_id),
    constraint portal_users_client_port_fkey foreign key (client_id, port_id)
        references portal.clients (id, port_id) on delete cascade on update cascade,
    -- Stored trimmed and lower-cased, so the unique index below is case-insensitive.
    constraint portal_users_email_normalized check (email = lower(btrim(email))),
    constraint portal_users_email_shape check (
        length(email) between 3 and 254 and email ~ '^[^@[:space:]]{1,64}@[^@[:space:]]+\.[^@[:space:]]+$'),
    -- PHC scrypt, or the seed's legacy Node format <b64url salt>:<b64url key>.
    constraint portal_users_hash_shape check (
        password_hash is null
        or (length(password_hash) <= 512
            and (password_hash ~ '^\$scrypt\$ln=[0-9]+,r=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$'
                 or password_hash ~ '^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$'))),
    constraint portal_users_activated check (password_hash is null or activated_at is not null)
);
create unique index portal_users_email_key on portal.portal_users (lower(email));
create index portal_users_port_idx on portal.portal_users (port_id);

create table portal.portal_auth_tokens (
    id text primary key default gen_random_uuid()::text,
    portal_user_id text not null references portal.portal_users (id) on delete cascade,
    -- SHA-256 of the raw token; NULL only until the mailer (or gateway) seals it.
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

-- Sessions signed out one by one (a replayed cookie is refused until it would have expired).
create table portal.revoked_sessions (
    jti text primary key check (length(jti) between 1 and 64),
    portal_user_id text not null references portal.portal_users (id) on delete cascade,
    expires_at timestamptz not null
);
create index revoked_sessions_expiry_idx on portal.revoked_sessions (expires_at);

create table portal.mail_outbox (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('activation', 'reset', 'password_changed')),
    portal_user_id text references portal.portal_users (id) on delete cascade,
    recipient text not null check (length(recipient) between 3 and 254),
    token_id text references portal.portal_auth_tokens (id) on delete cascade,
    -- Template data: names and dates, never a secret.
    data jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
    status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'dead', 'skipped')),
    attempts integer not null default 0 check (attempts >= 0),
    run_at timestamptz not null default now(),
    locked_by text,
    locked_until timestamptz,
    last_error text check (last_error is null or length(last_error) <= 1000),
    sent_at timestamptz,
    created_at timestamptz not null default now(),
    constraint mail_outbox_token_kind check ((kind in ('activation', 'reset')) = (token_id is not null)),
    constraint mail_outbox_lease check ((status = 'sending') = (locked_by is not null and locked_until is not null)),
    constraint mail_outbox_sent check ((status = 'sent') = (sent_at is not null))
);
-- The claim query's index: pending mail in run order.
create index mail_outbox_pending_idx on portal.mail_outbox (run_at, id) where status in ('queued', 'sending');
create index mail_outbox_user_idx on portal.mail_outbox (portal_user_id, id);
create index mail_outbox_token_idx on portal.mail_outbox (token_id);

-- A new mail wakes the mailers. The notification is a hint; the table is the truth.
create function portal.mail_outbox_notify() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    perform pg_notify('portal_mail', new.id::text);
    return null;
end
$$;
create trigger mail_outbox_notify after insert on portal.mail_outbox
    for each row execute function portal.mail_outbox_notify();

-- Append-only audit. No foreign keys: the history outlives the rows it talks about.
create table portal.auth_events (
    id bigint generated always as identity primary key,
    occurred_at timestamptz not null default now(),
    event text not null check (event in (
        'port_created', 'client_created', 'invite', 'resend', 'activation',
        'sign_in_ok', 'sign_in_failed', 'lockout', 'reset_requested', 'reset_throttled',
        'reset_completed', 'password_changed', 'hash_upgraded', 'sign_out', 'sign_out_everywhere',
        'disable', 'enable', 'unlock', 'revoke_sessions',
        'admin_key_created', 'admin_key_revoked', 'setting_changed')),
    port_id text,
    client_id text,
    portal_user_id text,
    email text check (email is null or length(email) <= 254),
    actor text check (actor is null or length(actor) <= 200),
    ip inet,
    user_agent text check (user_agent is null or length(user_agent) <= 512),
    detail jsonb
);
create index auth_events_user_idx on portal.auth_events (portal_user_id, id);
create index auth_events_client_idx on portal.auth_events (client_id, id);

create function portal.auth_events_refuse_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    raise exception 'portal.auth_events is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger auth_events_no_update before update or delete on portal.auth_events
    for each row execute function portal.auth_events_refuse_change();
create trigger auth_events_no_truncate before truncate on portal.auth_events
    for each statement execute function portal.auth_events_refuse_change();
revoke update, delete, truncate on portal.auth_events from portal_owner;

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

revoke all on all tables in schema portal from public;
revoke all on all functions in schema portal from public;
