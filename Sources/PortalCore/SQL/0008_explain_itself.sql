-- portal-auth 0008: the database explains itself to DBAs and staff.
--
-- - portal_api.settings() and portal_api.rate_limits(): policy with its allowed range and what
--   it is for (portal_admin cannot read portal.settings);
-- - PA010 says what is wrong (unknown name, not a value of the type, out of range) and carries a
--   HINT with the valid names, an example or the range;
-- - portal_api.help(): the functions the caller may execute, with their comments;
-- - the status of a portal user tells the state of its newest link (live, expired, revoked,
--   used, none), and enabling an invited user whose link died mails a fresh one (and says so).

set local role portal_owner;

-- What each setting means and the range its CHECK allows. The CHECKs in portal.settings stay the
-- truth; sql/tests/80_explain_itself.sql sets every example and tries the bounds of each range.
create function portal.setting_catalog()
returns table (name text, allowed text, example text, description text)
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    values
        ('activation_ttl', '5 minutes to 7 days', '72 hours', 'How long an activation link works.'),
        ('reset_ttl', '5 minutes to 24 hours', '1 hour', 'How long a password-reset link works.'),
        ('lockout_threshold', '3 to 100', '10', 'Consecutive failed sign-ins that lock an account.'),
        ('lockout_base', '1 second to 1 hour (at most lockout_max)', '1 minute',
         'First lock''s length; each further failure doubles it.'),
        ('lockout_max', 'lockout_base to 24 hours', '1 hour', 'The longest lock.'),
        ('mail_max_attempts', '1 to 50', '8', 'Sends tried before a mail is dead.'),
        ('mail_retry_base', '1 second to 1 hour', '30 seconds', 'First retry delay; doubles per attempt, at most 1 hour.'),
        ('mail_lease', '5 seconds to 1 hour', '2 minutes',
         'How long a mailer holds a claimed mail before another may take it (renewed to cover each send).');
$$;

-- What each rate-limit bucket counts.
create function portal.rate_limit_catalog()
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
        ('invite_key', 'Invites per admin key (each address already in use is audited).');
$$;

-- The policy, one row per setting: name, current value, allowed range, description.
create function portal_api.settings()
returns table (name text, value text, allowed text, description text)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select c.name, to_jsonb(s) ->> c.name, c.allowed, c.description
      from portal.setting_catalog() c cross join portal.settings s
     order by c.name;
$$;
revoke all on function portal_api.settings() from public;
grant execute on function portal_api.settings() to portal_admin;
comment on function portal_api.settings() is
    'The policy settings with their current value, allowed range and meaning (change with set_setting).';

-- The rate limits, one row per bucket.
create function portal_api.rate_limits()
returns table (bucket text, max_hits integer, window_length interval, allowed text, description text)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select r.bucket, r.max_hits, r.window_length, '1 to 1000000 hits per 1 second to 1 day', c.description
      from portal.rate_limit_rules r left join portal.rate_limit_catalog() c on c.bucket = r.bucket
     order by r.bucket;
$$;
revoke all on function portal_api.rate_limits() from public;
grant execute on function portal_api.rate_limits() to portal_admin;
comment on function portal_api.rate_limits() is
    'The rate-limit rules with their meaning (change with set_rate_limit).';

-- Changes one policy setting. Raises PA010 with a HINT: the valid names for an unknown one, an
-- example for a value that is not of the setting's type, the range for one out of range.
create or replace function portal_api.set_setting(p_name text, p_value text) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_type text;
    v_info record;
begin
    select c.* into v_info from portal.setting_catalog() c where c.name = p_name;
    select a.atttypid::regtype::text into v_type
      from pg_catalog.pg_attribute a
     where a.attrelid = 'portal.settings'::regclass and a.attname = p_name and a.attnum > 0
       and not a.attisdropped and p_name not in ('id', 'updated_at');
    if v_type is null or v_info.name is null then
        raise exception 'unknown setting "%"', p_name using errcode = 'PA010',
            hint = 'Settings: ' || (select string_agg(c.name, ', ' order by c.name) from portal.setting_catalog() c)
                   || '. See select * from portal_api.settings();';
    end if;
    begin
        execute format('update portal.settings set %I = $1::%s, updated_at = now()', p_name, v_type) using p_value;
    exception
        when invalid_text_representation or invalid_datetime_format or datetime_field_overflow
             or interval_field_overflow or numeric_value_out_of_range or not_null_violation then
            raise exception '% takes %, not "%"', p_name,
                case when v_type = 'interval' then 'an interval' else 'a whole number' end, p_value
                using errcode = 'PA010', hint = format('For example: select portal_api.set_setting(%L, %L);', p_name, v_info.example);
        when check_violation then
            raise exception 'value out of range for %: %', p_name, p_value
                using errcode = 'PA010', hint = format('%s allows %s.', p_name, v_info.allowed);
    end;
    insert into portal.auth_events (event, actor, detail)
    values ('setting_changed', left(session_user, 200), jsonb_build_object('name', p_name, 'value', p_value));
end
$$;

-- Changes one rate-limit rule. Raises PA010 with a HINT (the buckets, or the allowed range).
create or replace function portal_api.set_rate_limit(p_bucket text, p_max_hits integer, p_window interval) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update portal.rate_limit_rules r set max_hits = p_max_hits, window_length = p_window where r.bucket = p_bucket;
    if not found then
        raise exception 'unknown rate-limit bucket "%"', p_bucket using errcode = 'PA010',
            hint = 'Buckets: ' || (select string_agg(r.bucket, ', ' order by r.bucket) from portal.rate_limit_rules r) || '.';
    end if;
exception when check_violation or not_null_violation then
    raise exception 'rate limit out of range for %', p_bucket using errcode = 'PA010',
        hint = 'A rule allows 1 to 1000000 hits per window of 1 second to 1 day.';
end
$$;

-- The portal_api functions the caller's login role may execute, with what they do: \df without
-- the noise.
create function portal_api.help()
returns table (function text, description text)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc')
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'portal_api' and has_function_privilege(session_user, p.oid, 'execute')
     order by 1;
$$;
revoke all on function portal_api.help() from public;
grant execute on function portal_api.help() to portal_admin, portal_gateway, portal_mailer;
comment on function portal_api.help() is 'The portal_api functions you may execute, with what each does.';

-- The state of a user's newest link: live (with expiresAt), expired, revoked, used, or none.
create function portal.link_status(p_user_id text) returns jsonb
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce((
        select jsonb_build_object(
                   'type', t.type,
                   'state', case
                       when t.used_at is not null then 'used'
                       when t.revoked_at is not null then 'revoked'
                       when t.expires_at <= now() then 'expired'
                       else 'live' end,
                   'expiresAt', t.expires_at)
          from portal.portal_auth_tokens t
         where t.portal_user_id = p_user_id
         order by t.created_at desc, t.id desc
         limit 1), '{"state": "none"}'::jsonb);
$$;

-- The admin view of a client's portal user, now with the newest link's state.
create or replace function portal.user_status(p_user portal.portal_users) returns jsonb
language sql volatile
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
        'portalUserId', p_user.id,
        'clientId', p_user.client_id,
        'portId', p_user.port_id,
        'email', p_user.email,
        'name', p_user.name,
        'state', case
            when not p_user.is_active then 'disabled'
            when p_user.locked_until > now() then 'locked'
            when p_user.password_hash is null then 'invited'
            else 'active' end,
        'createdAt', p_user.created_at,
        'activatedAt', p_user.activated_at,
        'lastLoginAt', p_user.last_login_at,
        'failedAttempts', p_user.failed_attempts,
        'lockedUntil', case when p_user.locked_until > now() then p_user.locked_until end,
        'link', portal.link_status(p_user.id),
        'lastMail', (
            select jsonb_build_object(
                'id', m.id, 'kind', m.kind, 'status', m.status, 'attempts', m.attempts,
                'createdAt', m.created_at, 'sentAt', m.sent_at, 'lastError', m.last_error)
              from portal.mail_outbox m
             where m.portal_user_id = p_user.id
             order by m.id desc limit 1));
$$;

-- resend | disable | enable | unlock | revoke-sessions on a client's portal user; returns its
-- status. Enabling an invited user whose activation link is no longer live (disable revoked it,
-- or it expired) issues and mails a fresh one, and the status says so ("note").
-- Raises PA004, PA006, PA007 (resend after activation), PA012 (resend while disabled), PA008.
create or replace function portal.do_client_action(p_client_id text, p_port_id text, p_action text, p_actor text)
returns jsonb
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users := portal.find_portal_user(p_client_id, p_port_id);
    v_note text;
begin
    case p_action
    when 'resend' then
        if v_user.password_hash is not null then
            raise exception 'this portal user has already activated the account' using errcode = 'PA007';
        end if;
        if not v_user.is_active then
            raise exception 'this portal user is disabled' using errcode = 'PA012';
        end if;
        perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
        perform portal.log_event('resend', v_user, p_actor);
    when 'disable' then
        update portal.portal_users u
           set is_active = false, session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.revoke_tokens(v_user.id);
        perform portal.log_event('disable', v_user, p_actor);
    when 'enable' then
        update portal.portal_users u set is_active = true, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('enable', v_user, p_actor);
        if v_user.password_hash is null and not exists (
            select from portal.portal_auth_tokens t
             where t.portal_user_id = v_user.id and t.type = 'activation'
               and t.used_at is null and t.revoked_at is null and t.expires_at > now()) then
            perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
            perform portal.log_event('resend', v_user, p_actor, null, null, '{"reason": "enabled without a live link"}');
            v_note := 'A fresh activation link was mailed (the previous one was no longer live).';
            raise notice '%', v_note;
        end if;
    when 'unlock' then
        update portal.portal_users u set failed_attempts = 0, locked_until = null, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('unlock', v_user, p_actor);
    when 'revoke-sessions' then
        update portal.portal_users u set session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('revoke_sessions', v_user, p_actor);
    else
        raise exception 'unknown action "%"', p_action using errcode = 'PA008',
            hint = 'Actions: resend, disable, enable, unlock, revoke-sessions.';
    end case;
    return portal.user_status(v_user) || jsonb_strip_nulls(jsonb_build_object('note', v_note));
end
$$;

revoke all on all functions in schema portal from public;
