-- portal-auth 0005: the portal side, called by the gateway (portal_gateway).
-- The gateway hashes and verifies passwords (scrypt) and derives tokens; SQL decides who may
-- sign in, counts failures, enforces single use and expiry, and writes the audit trail.

set local role portal_owner;

-- One hit on a rate-limit bucket (sign_in_ip, forgot_ip, token_ip, admin_key): 0 when allowed,
-- else the seconds to wait (Retry-After). Raises PA008 for an unknown bucket.
create function portal_api.rate_limit_hit(p_bucket text, p_key text) returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return portal.rate_limit_hit(p_bucket, p_key);
end
$$;
revoke all on function portal_api.rate_limit_hit(text, text) from public;
grant execute on function portal_api.rate_limit_hit(text, text) to portal_gateway;
comment on function portal_api.rate_limit_hit(text, text) is
    'Counts one hit on a fixed-window rate limit; returns 0 when allowed, else seconds until the window ends.';

-- What the gateway needs to verify a sign-in: the user id (when the email is known) and the
-- password hash, which is NULL unless the account may sign in now (activated, enabled, not
-- locked). The gateway verifies against a dummy hash when it is NULL, so every failure costs the
-- same. A malformed email is simply unknown.
create function portal_api.sign_in_lookup(p_email text, out user_id text, out password_hash text)
language plpgsql security definer stable
set search_path = pg_catalog, pg_temp
as $$
begin
    select u.id,
           case when u.is_active and (u.locked_until is null or u.locked_until <= now()) then u.password_hash end
      into user_id, password_hash
      from portal.portal_users u
     where lower(u.email) = lower(btrim(p_email));
end
$$;
revoke all on function portal_api.sign_in_lookup(text) from public;
grant execute on function portal_api.sign_in_lookup(text) to portal_gateway;
comment on function portal_api.sign_in_lookup(text) is
    'Sign-in step 1: user id and password hash (NULL unless the account may sign in now) for an email.';

-- Sign-in step 2: records the verification result. On success (and only if the account may
-- still sign in with the same hash) resets the failure count and returns the user as jsonb with
-- its sessionEpoch; otherwise counts the failure, locks after lockout_threshold consecutive
-- failures (lockout_base doubling per further failure, up to lockout_max) and returns NULL.
-- Failures while locked are logged but do not extend the lock.
create function portal_api.sign_in_record(
    p_email text, p_user_id text, p_seen_hash text, p_ok boolean, p_ip inet default null,
    p_user_agent text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
    v_settings portal.settings;
    v_lock interval;
begin
    select * into v_user from portal.portal_users u where u.id = p_user_id for update;
    if not found then
        insert into portal.auth_events (event, email, ip, user_agent, detail)
        values ('sign_in_failed', left(lower(btrim(p_email)), 254), p_ip, left(p_user_agent, 512),
                '{"reason": "unknown_email"}');
        return null;
    end if;

    if p_ok and v_user.is_active and v_user.password_hash is not distinct from p_seen_hash
       and v_user.password_hash is not null and (v_user.locked_until is null or v_user.locked_until <= now()) then
        update portal.portal_users u
           set failed_attempts = 0, locked_until = null, last_login_at = now()
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('sign_in_ok', v_user, null, p_ip, p_user_agent);
        return portal.user_json(v_user) || jsonb_build_object('sessionEpoch', v_user.session_epoch);
    end if;

    if v_user.locked_until > now() then
        perform portal.log_event('sign_in_failed', v_user, null, p_ip, p_user_agent, '{"reason": "locked"}');
        return null;
    end if;
    if not v_user.is_active or v_user.password_hash is null then
        perform portal.log_event('sign_in_failed', v_user, null, p_ip, p_user_agent,
            jsonb_build_object('reason', case when v_user.is_active then 'not_activated' else 'disabled' end));
        return null;
    end if;

    select * into v_settings from portal.settings;
    update portal.portal_users u set failed_attempts = u.failed_attempts + 1
     where u.id = v_user.id returning * into v_user;
    perform portal.log_event('sign_in_failed', v_user, null, p_ip, p_user_agent, '{"reason": "wrong_password"}');
    if v_user.failed_attempts >= v_settings.lockout_threshold then
        v_lock := least(v_settings.lockout_base * power(2, least(v_user.failed_attempts - v_settings.lockout_threshold, 30)),
                        v_settings.lockout_max);
        update portal.portal_users u set locked_until = now() + v_lock
         where u.id = v_user.id returning * into v_user;
        perform portal.log_event('lockout', v_user, null, p_ip, p_user_agent,
            jsonb_build_object('seconds', extract(epoch from v_lock)::integer, 'failures', v_user.failed_attempts));
    end if;
    return null;
end
$$;
revoke all on function portal_api.sign_in_record(text, text, text, boolean, inet, text) from public;
grant execute on function portal_api.sign_in_record(text, text, text, boolean, inet, text) to portal_gateway;
comment on function portal_api.sign_in_record(text, text, text, boolean, inet, text) is
    'Sign-in step 2: records success (returns the user + sessionEpoch) or failure (counts, locks out; returns NULL).';

-- Compare-and-swap upgrade of a password hash (legacy or weaker parameters) after a successful
-- verification. Returns false when the hash changed meanwhile (nothing is written then).
create function portal_api.upgrade_password_hash(p_user_id text, p_old_hash text, p_new_hash text) returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    update portal.portal_users u set password_hash = p_new_hash, updated_at = now()
     where u.id = p_user_id and u.password_hash = p_old_hash
    returning * into v_user;
    if not found then
        return false;
    end if;
    perform portal.log_event('hash_upgraded', v_user);
    return true;
exception when check_violation then
    raise exception 'malformed password hash' using errcode = 'PA008';
end
$$;
revoke all on function portal_api.upgrade_password_hash(text, text, text) from public;
grant execute on function portal_api.upgrade_password_hash(text, text, text) to portal_gateway;
comment on function portal_api.upgrade_password_hash(text, text, text) is
    'Replaces a password hash only if it still equals p_old_hash (re-hash on sign-in). PA008 malformed hash.';

-- The session check of every authenticated request, in one call: the user (jsonb) when the
-- session epoch is current, the account enabled and activated and the jti not signed out; else NULL.
create function portal_api.session_check(p_user_id text, p_epoch integer, p_jti text) returns jsonb
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select portal.user_json(u)
      from portal.portal_users u
     where u.id = p_user_id and u.session_epoch = p_epoch and u.is_active and u.password_hash is not null
       and not exists (select from portal.revoked_sessions r where r.jti = p_jti);
$$;
revoke all on function portal_api.session_check(text, integer, text) from public;
grant execute on function portal_api.session_check(text, integer, text) to portal_gateway;
comment on function portal_api.session_check(text, integer, text) is
    'Per-request session check: the user as jsonb, or NULL when the session is no longer valid.';

-- Signs out one session (its jti is refused until it would have expired) or, with p_all,
-- every session of the user (session_epoch bumped). Returns false when the session was not valid.
create function portal_api.sign_out(
    p_user_id text, p_epoch integer, p_jti text, p_expires_at timestamptz, p_all boolean default false,
    p_ip inet default null, p_user_agent text default null)
returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    select * into v_user from portal.portal_users u where u.id = p_user_id and u.session_epoch = p_epoch for update;
    if not found then
        return false;
    end if;
    insert into portal.revoked_sessions (jti, portal_user_id, expires_at)
    values (p_jti, p_user_id, greatest(p_expires_at, now())) on conflict (jti) do nothing;
    if p_all then
        update portal.portal_users u set session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = p_user_id returning * into v_user;
        perform portal.log_event('sign_out_everywhere', v_user, null, p_ip, p_user_agent);
    else
        perform portal.log_event('sign_out', v_user, null, p_ip, p_user_agent);
    end if;
    return true;
end
$$;
revoke all on function portal_api.sign_out(text, integer, text, timestamptz, boolean, inet, text) from public;
grant execute on function portal_api.sign_out(text, integer, text, timestamptz, boolean, inet, text) to portal_gateway;
comment on function portal_api.sign_out(text, integer, text, timestamptz, boolean, inet, text) is
    'Signs out one session (jti refused from now on) or, with p_all, every session of the user.';

-- Forgot password. Returns nothing and raises nothing for a well-formed email, whether or not it
-- belongs to an account, so the caller learns nothing — not even from the time it takes: every
-- path counts a hit on the per-email throttle and commits one audit row, so an unknown email
-- costs the same WAL flush as a known one. For an enabled, activated account it issues a reset
-- token (revoking the live one) and queues the mail, at most forgot_email times per window per
-- address; beyond that it stays silent (and logs reset_throttled).
create function portal_api.request_password_reset(p_email text, p_ip inet default null, p_user_agent text default null)
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := portal.normalize_email(p_email);
    v_user portal.portal_users;
    v_throttled boolean := portal.rate_limit_hit('forgot_email', v_email) > 0;
begin
    select * into v_user from portal.portal_users u where u.email = v_email for update;
    if not found or not v_user.is_active or v_user.password_hash is null then
        insert into portal.auth_events (event, port_id, client_id, portal_user_id, email, ip, user_agent, detail)
        values (case when v_throttled then 'reset_throttled' else 'reset_requested' end,
                v_user.port_id, v_user.client_id, v_user.id, v_email, p_ip, left(p_user_agent, 512),
                jsonb_build_object('delivered', false, 'reason', case
                    when v_user.id is null then 'unknown_email'
                    when not v_user.is_active then 'disabled'
                    else 'not_activated' end));
        return;
    end if;
    if v_throttled then
        perform portal.log_event('reset_throttled', v_user, null, p_ip, p_user_agent);
        return;
    end if;
    perform portal.queue_mail('reset', v_user, portal.issue_token(v_user.id, 'reset'));
    perform portal.log_event('reset_requested', v_user, null, p_ip, p_user_agent);
end
$$;
revoke all on function portal_api.request_password_reset(text, inet, text) from public;
grant execute on function portal_api.request_password_reset(text, inet, text) to portal_gateway;
comment on function portal_api.request_password_reset(text, inet, text) is
    'Forgot password: silently issues a reset token + mail for an enabled, activated account (throttled per address); every path writes one audit row. PA008 malformed email.';

-- Read-only status of a token for the landing pages: {"status": valid|expired|used|invalid, "type"}.
-- A revoked (superseded) or unknown token is "invalid"; no type is told for it.
create function portal_api.token_status(p_token_hash bytea) returns jsonb
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        (select jsonb_build_object(
                    'status', case
                        when t.revoked_at is not null then 'invalid'
                        when t.used_at is not null then 'used'
                        when t.expires_at <= now() then 'expired'
                        else 'valid' end,
                    'type', case when t.revoked_at is null then t.type end)
           from portal.portal_auth_tokens t
          where t.token_hash = p_token_hash),
        '{"status": "invalid", "type": null}'::jsonb);
$$;
revoke all on function portal_api.token_status(bytea) from public;
grant execute on function portal_api.token_status(bytea) to portal_gateway;
comment on function portal_api.token_status(bytea) is
    'Read-only token status for landing pages: valid, expired, used or invalid (unknown, unsealed or revoked).';

-- Consumes an activation or reset token and sets the password hash, in one transaction: the
-- token is used exactly once (a concurrent second consumer finds used_at set), session_epoch is
-- bumped (every older cookie dies), other live tokens are revoked, and a reset queues the
-- password_changed mail. Any token that is unknown, unsealed, used, revoked, expired, of the other
-- type, or whose account is disabled, raises PA001 and changes nothing.
create function portal_api.consume_token(
    p_type text, p_token_hash bytea, p_password_hash text, p_ip inet default null, p_user_agent text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user_id text;
    v_user portal.portal_users;
begin
    if p_password_hash is null then
        raise exception 'missing password hash' using errcode = 'PA008';
    end if;
    update portal.portal_auth_tokens t set used_at = now()
     where t.token_hash = p_token_hash and t.type = p_type
       and t.used_at is null and t.revoked_at is null and t.expires_at > now()
    returning t.portal_user_id into v_user_id;
    if not found then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    begin
        update portal.portal_users u
           set password_hash = p_password_hash, session_epoch = u.session_epoch + 1,
               activated_at = coalesce(u.activated_at, now()), failed_attempts = 0, locked_until = null,
               updated_at = now()
         where u.id = v_user_id and u.is_active
        returning * into v_user;
    exception when check_violation then
        raise exception 'malformed password hash' using errcode = 'PA008';
    end;
    if not found then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    perform portal.revoke_tokens(v_user.id);
    if p_type = 'reset' then
        perform portal.queue_mail('password_changed', v_user);
        perform portal.log_event('reset_completed', v_user, null, p_ip, p_user_agent);
    else
        perform portal.log_event('activation', v_user, null, p_ip, p_user_agent);
    end if;
    return portal.user_json(v_user);
end
$$;
revoke all on function portal_api.consume_token(text, bytea, text, inet, text) from public;
grant execute on function portal_api.consume_token(text, bytea, text, inet, text) to portal_gateway;
comment on function portal_api.consume_token(text, bytea, text, inet, text) is
    'Activate or reset: uses the token once and sets the password hash; bumps session_epoch. PA001 invalid_token, PA008.';

-- Change password, step 1: the current hash of a valid session's user (NULL if the session is not valid).
create function portal_api.session_password_hash(p_user_id text, p_epoch integer, p_jti text) returns text
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select u.password_hash
      from portal.portal_users u
     where u.id = p_user_id and u.session_epoch = p_epoch and u.is_active
       and not exists (select from portal.revoked_sessions r where r.jti = p_jti);
$$;
revoke all on function portal_api.session_password_hash(text, integer, text) from public;
grant execute on function portal_api.session_password_hash(text, integer, text) to portal_gateway;
comment on function portal_api.session_password_hash(text, integer, text) is
    'Change password, step 1: the password hash of a valid session''s user, for verifying the current password.';

-- Change password, step 2: compare-and-swap of the hash; bumps session_epoch (every session
-- ends), revokes live tokens, queues password_changed. Returns the user with the new sessionEpoch
-- so the gateway can re-issue the caller's cookie. PA013 when the hash changed meanwhile.
create function portal_api.change_password(
    p_user_id text, p_old_hash text, p_new_hash text, p_ip inet default null, p_user_agent text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    begin
        update portal.portal_users u
           set password_hash = p_new_hash, session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = p_user_id and u.password_hash = p_old_hash and u.is_active
        returning * into v_user;
    exception when check_violation then
        raise exception 'malformed password hash' using errcode = 'PA008';
    end;
    if not found then
        raise exception 'the password was changed meanwhile' using errcode = 'PA013';
    end if;
    perform portal.revoke_tokens(v_user.id);
    perform portal.queue_mail('password_changed', v_user);
    perform portal.log_event('password_changed', v_user, null, p_ip, p_user_agent);
    return portal.user_json(v_user) || jsonb_build_object('sessionEpoch', v_user.session_epoch);
end
$$;
revoke all on function portal_api.change_password(text, text, text, inet, text) from public;
grant execute on function portal_api.change_password(text, text, text, inet, text) to portal_gateway;
comment on function portal_api.change_password(text, text, text, inet, text) is
    'Change password, step 2: CAS on the hash, ends every session, queues password_changed. PA008, PA013.';
