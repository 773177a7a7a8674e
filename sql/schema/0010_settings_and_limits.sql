-- Policy: one row of settings the functions read, and the rate-limit rules with their counters.
-- The bounds are CHECKs, so no call (not even a DBA's UPDATE) can set a value outside them.
-- The default rate-limit rules and what each bucket means: internal/limits.sql.

set local role portal_owner;

-- Exactly one row (id is always true). Change with portal_api.set_setting.
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
    audit_retention interval not null default '400 days'
        check (audit_retention >= '30 days' and audit_retention <= '10 years'),
    constraint settings_lockout_order check (lockout_max >= lockout_base)
);
insert into portal.settings default values;
comment on table portal.settings is
    'One row of policy: token lifetimes, lockout back-off, mail retries. Change with portal_api.set_setting.';

-- Fixed-window rate limits: the rules (change with portal_api.set_rate_limit) ...
create table portal.rate_limit_rules (
    bucket text primary key check (bucket ~ '^[a-z_]{1,40}$'),
    max_hits integer not null check (max_hits between 1 and 1000000),
    window_length interval not null check (window_length >= '1 second' and window_length <= '1 day')
);

-- ... and their counters, UNLOGGED: losing them in a crash only resets the windows.
create unlogged table portal.rate_limits (
    bucket text not null,
    key text not null,
    window_start timestamptz not null,
    hits integer not null check (hits >= 0),
    primary key (bucket, key)
);

revoke all on all tables in schema portal from public;
