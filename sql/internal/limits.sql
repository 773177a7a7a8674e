-- Rate limits and settings: the default rules, counting hits in fixed windows, and the
-- catalogues that say what each bucket and setting means (portal_api.rate_limits(),
-- portal_api.settings()).
--
-- Default rules are inserted once; an operator's change (portal_api.set_rate_limit) is kept by
-- every later migrate.
--
-- Raises nothing of the project's own.

set local role portal_owner;

-- The default rules. Inserted when missing, never overwritten: set_rate_limit's changes stay.
insert into portal.rate_limit_rules (bucket, max_hits, window_length) values
    ('sign_in_ip', 30, '1 minute'),             -- sign-in attempts per client address
    ('sign_in_fail_ip', 30, '15 minutes'),      -- failed password checks per address (3 locks' worth)
    ('forgot_ip', 20, '1 minute'),              -- forgot-password requests per client address
    ('forgot_email', 3, '1 hour'),              -- reset mails per account (silent: the caller sees 200)
    ('token_ip', 60, '1 minute'),               -- activate / reset / token-status per client address
    ('change_password_user', 5, '15 minutes'),  -- change-password attempts per portal user
    ('change_password_ip', 10, '15 minutes'),   -- change-password attempts per address
    ('change_email_user', 5, '1 hour'),         -- change-email attempts per portal user (each may mail an address)
    ('change_email_ip', 10, '15 minutes'),      -- change-email attempts per address
    ('admin_key', 600, '1 minute'),             -- admin API calls per key
    ('invite_key', 120, '1 hour'),              -- invites per admin key (each conflict is audited too)
    ('send_reset_user', 5, '1 hour'),           -- links staff send a portal user with ?action=send-reset
    ('client_id_key', 10, '1 hour')             -- PUTs refused per admin key because another port holds the id
on conflict (bucket) do nothing;

-- One fixed-window hit on a rate-limit bucket: 0 when allowed, else seconds until the window ends.
create or replace function portal.rate_limit_hit(p_bucket text, p_key text) returns integer
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_rule portal.rate_limit_rules;
    v_hits integer;
    v_start timestamptz;
begin
    select * into v_rule from portal.rate_limit_rules r where r.bucket = p_bucket;
    if not found then
        raise exception 'unknown rate-limit bucket' using errcode = 'PA008';
    end if;
    insert into portal.rate_limits as l (bucket, key, window_start, hits)
    values (p_bucket, left(p_key, 300), now(), 1)
    on conflict (bucket, key) do update
       set hits = case when l.window_start + v_rule.window_length <= now() then 1 else l.hits + 1 end,
           window_start = case when l.window_start + v_rule.window_length <= now() then now() else l.window_start end
    returning l.hits, l.window_start into v_hits, v_start;
    if v_hits <= v_rule.max_hits then
        return 0;
    end if;
    return greatest(1, ceil(extract(epoch from (v_start + v_rule.window_length - now())))::integer);
end
$$;
revoke all on function portal.rate_limit_hit(text, text) from public;

-- Seconds until bucket/key has room again (0: it has room now). Counts nothing.
create or replace function portal.rate_limit_wait(p_bucket text, p_key text) returns integer
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce((
        select greatest(1, ceil(extract(epoch from (l.window_start + r.window_length - now())))::integer)
          from portal.rate_limits l join portal.rate_limit_rules r on r.bucket = l.bucket
         where l.bucket = p_bucket and l.key = left(p_key, 300)
           and l.window_start + r.window_length > now() and l.hits >= r.max_hits), 0);
$$;
revoke all on function portal.rate_limit_wait(text, text) from public;

-- What each rate-limit bucket counts.
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
        ('change_email_user', 'Change-email attempts per portal user (each may mail the address it names).'),
        ('change_email_ip', 'Change-email attempts per client address.'),
        ('admin_key', 'Admin API calls per admin key.'),
        ('invite_key', 'Invites per admin key (each address already in use is audited).'),
        ('send_reset_user', 'Reset (or activation) links staff send one portal user with ?action=send-reset (each refusal is audited).'),
        ('client_id_key', 'PUTs of a client id another port holds, per admin key (each is audited); when used up, '
                          || 'the key''s PUTs of ids it does not hold answer 429 until the window ends.');
$$;
revoke all on function portal.rate_limit_catalog() from public;

-- What each setting means.
create or replace function portal.setting_catalog()
returns table (name text, allowed text, example text, description text)
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    values
        ('activation_ttl', '5 minutes to 7 days', '72 hours', 'How long an activation link works.'),
        ('reset_ttl', '5 minutes to 24 hours', '1 hour', 'How long a password-reset link works.'),
        ('email_change_ttl', '5 minutes to 7 days', '24 hours', 'How long an email-change confirmation link works.'),
        ('lockout_threshold', '3 to 100', '10', 'Consecutive failed sign-ins that lock an account.'),
        ('lockout_base', '1 second to 1 hour (at most lockout_max)', '1 minute',
         'First lock''s length; each further failure doubles it.'),
        ('lockout_max', 'lockout_base to 24 hours', '1 hour', 'The longest lock.'),
        ('mail_max_attempts', '1 to 50', '8', 'Sends tried before a mail is dead.'),
        ('mail_retry_base', '1 second to 1 hour', '30 seconds', 'First retry delay; doubles per attempt, at most 1 hour.'),
        ('mail_lease', '5 seconds to 1 hour', '2 minutes',
         'How long a mailer holds a claimed mail before another may take it (renewed to cover each send).'),
        ('audit_retention', '30 days to 10 years', '400 days', 'Audit events older than this are deleted by prune.');
$$;
revoke all on function portal.setting_catalog() from public;

-- The NOTICE for a duration setting given as a bare number, which Postgres reads as seconds
-- ('3600' is 01:00:00), or NULL when p_value is not a bare number.
create or replace function portal.bare_seconds_note(p_name text, p_value text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_value !~ '^\s*[+-]?[0-9]+(\.[0-9]*)?\s*$' then
        return null;
    end if;
    return format('%s: the bare number %s was read as %s seconds (%s); write the unit to be clear, e.g. ''1 hour''.',
                  p_name, btrim(p_value), btrim(p_value), p_value::interval);
end
$$;
revoke all on function portal.bare_seconds_note(text, text) from public;
comment on function portal.bare_seconds_note(text, text) is
    'The notice for a duration given as a bare number (read as seconds), NULL for any other value.';
