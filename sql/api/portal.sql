-- The portal: what the gateway calls for a client. Granted to portal_gateway (session_check also
-- to portal_reader).
--
-- Sign-in is three calls around the gateway's scrypt: sign_in_gate (the address's rate limit and
-- lock), sign_in_lookup (the hash, or NULL: the gateway then runs one dummy scrypt, so an
-- unknown email costs the same) and sign_in_record (success: the session; failure: the count
-- and the lockout). Activation and reset are consume_token; forgot-password is
-- request_password_reset, which answers the same whatever the address. Change email is
-- change_password_lookup, the gateway's scrypt, then request_email_change; its link is
-- confirm_email_change.
--
-- Raises: PA001 invalid_token, PA002 email_taken, PA008 invalid_input, PA012 portal_user_disabled,
-- PA013 password_conflict.

set local role portal_owner;

-- Sign-in step 0, per client address (p_key: the gateway's rate-limit key, an IPv6 client's /64):
-- counts one hit on sign_in_ip, and refuses an address whose failed password checks used up
-- sign_in_fail_ip — so one address cannot lock many accounts fast. 0 when allowed, else the
-- seconds to wait (Retry-After).
create or replace function portal_api.sign_in_gate(p_key text) returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_wait integer := portal.rate_limit_hit('sign_in_ip', p_key);
begin
    if v_wait > 0 then
        return v_wait;
    end if;
    return portal.rate_limit_wait('sign_in_fail_ip', p_key);
end
$$;
revoke all on function portal_api.sign_in_gate(text) from public;
grant execute on function portal_api.sign_in_gate(text) to portal_gateway;
comment on function portal_api.sign_in_gate(text) is
    'Sign-in step 0: one hit on sign_in_ip for the address, and a refusal while its failed checks (sign_in_fail_ip) are used up; 0 or seconds to wait.';

-- Sign-in step 1, now through the email index.
create or replace function portal_api.sign_in_lookup(p_email text, out user_id text, out password_hash text)
language plpgsql security definer stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users := portal.user_by_email(p_email);
begin
    user_id := v_user.id;
    password_hash := case when v_user.is_active and (v_user.locked_until is null or v_user.locked_until <= now())
                          then v_user.password_hash end;
end
$$;
revoke all on function portal_api.sign_in_lookup(text) from public;
grant execute on function portal_api.sign_in_lookup(text) to portal_gateway;
comment on function portal_api.sign_in_lookup(text) is
    'Sign-in step 1: user id and password hash (NULL unless the account may sign in now) for an email.';

-- Sign-in step 2: records the verification result. On success (and only if the account may
-- still sign in with the same hash) resets the failure count, records the session p_jti (expiring
-- at p_session_expires_at; none when p_jti is NULL) and returns the user as jsonb with its
-- sessionEpoch; otherwise, for a wrong password, counts one hit on sign_in_fail_ip for
-- p_limit_key (the address) and the account's failure, locks after lockout_threshold consecutive
-- failures (lockout_base doubling per further failure, up to lockout_max) and returns NULL,
-- recording no session. Failures while locked are logged but do not extend the lock.
-- Change-password records a wrong current password here too. Raises PA008 on success with a
-- malformed jti or an expiry not in the future (nothing is recorded then).
create or replace function portal_api.sign_in_record(
    p_email text, p_user_id text, p_seen_hash text, p_ok boolean, p_ip inet default null,
    p_user_agent text default null, p_limit_key text default null, p_jti text default null,
    p_session_expires_at timestamptz default null)
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
    if found and p_ok and v_user.is_active and v_user.password_hash is not distinct from p_seen_hash
       and v_user.password_hash is not null and (v_user.locked_until is null or v_user.locked_until <= now()) then
        update portal.portal_users u
           set failed_attempts = 0, locked_until = null, last_login_at = now()
         where u.id = v_user.id returning * into v_user;
        if p_jti is not null then
            perform portal.record_session(v_user, p_jti, p_session_expires_at);
        end if;
        perform portal.log_event('sign_in_ok', v_user, null, p_ip, p_user_agent);
        return portal.user_json(v_user) || jsonb_build_object('sessionEpoch', v_user.session_epoch);
    end if;

    if v_user.id is null then
        insert into portal.auth_events (event, email, actor, ip, user_agent, detail)
        values ('sign_in_failed', left(lower(btrim(p_email)), 254), left(session_user, 200), p_ip,
                left(p_user_agent, 512), '{"reason": "unknown_email"}');
        return null;
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

    -- A wrong password for a real account: it spends the address's budget first (so one address
    -- cannot lock many accounts fast), then counts on the account. Unknown emails and locked
    -- accounts spend nothing: they lock nothing and verify no real hash.
    perform portal.rate_limit_hit('sign_in_fail_ip', coalesce(p_limit_key, host(p_ip), 'unknown'));
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
revoke all on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text, text, timestamp with time zone) from public;
grant execute on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text, text, timestamp with time zone) to portal_gateway;
comment on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text, text, timestamp with time zone) is
    'Sign-in step 2: records success (the session p_jti; returns the user + sessionEpoch) or failure (address budget, account count, lockout; returns NULL). PA008.';

-- Compare-and-swap upgrade of a password hash after a successful verification. Refused (false,
-- nothing written) unless the hash still equals p_old_hash, the user signed in within the last
-- minute, and the change is an upgrade: a legacy hash to PHC of at least its cost (N=2^14, r=8),
-- or PHC to PHC of a higher cost — so the gateway role cannot plant a weaker hash. (The database
-- cannot run scrypt, so it cannot check that the new hash is of the same password: a stolen
-- gateway credential is trusted to verify passwords; these rules narrow what it can write.)
-- PA008 when p_new_hash is not PHC.
create or replace function portal_api.upgrade_password_hash(p_user_id text, p_old_hash text, p_new_hash text) returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    if p_new_hash is null or p_new_hash not like '$scrypt$%' or portal.hash_cost(p_new_hash) is null then
        raise exception 'an upgrade must be a PHC scrypt hash' using errcode = 'PA008';
    end if;
    update portal.portal_users u set password_hash = p_new_hash, updated_at = now()
     where u.id = p_user_id and u.password_hash = p_old_hash
       and u.last_login_at > now() - interval '1 minute'
       and (portal.hash_cost(p_new_hash) > portal.hash_cost(p_old_hash)
            or (p_old_hash not like '$scrypt$%' and portal.hash_cost(p_new_hash) >= portal.hash_cost(p_old_hash)))
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
    'Replaces a password hash with a stronger PHC one, only right after a sign-in and only if it still equals p_old_hash. PA008.';

-- The session check of every authenticated request, in one call: the user (jsonb) when a session
-- with this jti was recorded for this user and epoch and has not expired, the epoch is still the
-- user's, and the account is enabled and activated; else NULL. A made-up jti gets NULL whatever
-- the epoch. Raises nothing.
create or replace function portal_api.session_check(p_user_id text, p_epoch integer, p_jti text) returns jsonb
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select portal.user_json(u)
      from portal.sessions s
      join portal.portal_users u on u.id = s.portal_user_id
     where s.jti = p_jti and s.portal_user_id = p_user_id and s.session_epoch = p_epoch and s.expires_at > now()
       and u.session_epoch = p_epoch and u.is_active and u.password_hash is not null;
$$;
revoke all on function portal_api.session_check(text, integer, text) from public;
grant execute on function portal_api.session_check(text, integer, text) to portal_gateway, portal_reader;
comment on function portal_api.session_check(text, integer, text) is
    'Per-request session check with the cookie''s claims (sub, sv, jti): the user as jsonb while that session was issued and is live, else NULL (a made-up jti too). Granted to portal_gateway and portal_reader.';

-- Signs out one session (its row is deleted: a replayed copy of the cookie is refused) or, with
-- p_all, every session of the user (every row deleted, session_epoch bumped). Returns false, and
-- changes nothing, unless p_jti is a live session of this user and epoch. p_expires_at is no
-- longer read (the row knows its expiry); it stays so callers need not change. Raises nothing.
create or replace function portal_api.sign_out(
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
    delete from portal.sessions s
     where s.jti = p_jti and s.portal_user_id = p_user_id and s.session_epoch = p_epoch and s.expires_at > now();
    if not found then
        return false;
    end if;
    if p_all then
        perform portal.end_sessions(p_user_id);
        update portal.portal_users u set session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = p_user_id returning * into v_user;
        perform portal.log_event('sign_out_everywhere', v_user, null, p_ip, p_user_agent);
    else
        perform portal.log_event('sign_out', v_user, null, p_ip, p_user_agent);
    end if;
    return true;
end
$$;
revoke all on function portal_api.sign_out(text, integer, text, timestamp with time zone, boolean, inet, text) from public;
grant execute on function portal_api.sign_out(text, integer, text, timestamp with time zone, boolean, inet, text) to portal_gateway;
comment on function portal_api.sign_out(text, integer, text, timestamp with time zone, boolean, inet, text) is
    'Signs out one live session (its row deleted) or, with p_all, every session of the user; false unless the session is live.';

-- Change password, step 1: whether the session is valid (recorded, live, the user's current
-- epoch, account enabled and activated), and the hash to verify the current password against —
-- NULL while the account is locked (the gateway then verifies a dummy and records a failure: the
-- right password cannot get past a lock either). Raises nothing.
create or replace function portal_api.change_password_lookup(
    p_user_id text, p_epoch integer, p_jti text, out session_valid boolean, out password_hash text)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(bool_or(true), false),
           max(case when u.locked_until is null or u.locked_until <= now() then u.password_hash end)
      from portal.sessions s
      join portal.portal_users u on u.id = s.portal_user_id
     where s.jti = p_jti and s.portal_user_id = p_user_id and s.session_epoch = p_epoch and s.expires_at > now()
       and u.session_epoch = p_epoch and u.is_active and u.password_hash is not null;
$$;
revoke all on function portal_api.change_password_lookup(text, integer, text) from public;
grant execute on function portal_api.change_password_lookup(text, integer, text) to portal_gateway;
comment on function portal_api.change_password_lookup(text, integer, text) is
    'Change password, step 1: whether the session was issued and is live, and the hash to verify (NULL while locked).';

-- Change password, step 2: compare-and-swap of the hash (refused while locked); bumps
-- session_epoch and deletes every session of the user, then records the caller's new session
-- p_jti (expiring at p_session_expires_at; none when p_jti is NULL); revokes live tokens, queues
-- password_changed. Returns the user with the new sessionEpoch. PA013 when the hash changed
-- meanwhile or the account is locked; PA008 for a malformed hash, jti or expiry.
create or replace function portal_api.change_password(
    p_user_id text, p_old_hash text, p_new_hash text, p_ip inet default null, p_user_agent text default null,
    p_jti text default null, p_session_expires_at timestamptz default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    begin
        update portal.portal_users u
           set password_hash = p_new_hash, session_epoch = u.session_epoch + 1, failed_attempts = 0,
               updated_at = now()
         where u.id = p_user_id and u.password_hash = p_old_hash and u.is_active
           and (u.locked_until is null or u.locked_until <= now())
        returning * into v_user;
    exception when check_violation then
        raise exception 'malformed password hash' using errcode = 'PA008';
    end;
    if not found then
        raise exception 'the password was changed meanwhile' using errcode = 'PA013';
    end if;
    perform portal.end_sessions(v_user.id);
    if p_jti is not null then
        perform portal.record_session(v_user, p_jti, p_session_expires_at);
    end if;
    perform portal.revoke_tokens(v_user.id);
    perform portal.queue_mail('password_changed', v_user);
    perform portal.log_event('password_changed', v_user, null, p_ip, p_user_agent);
    return portal.user_json(v_user) || jsonb_build_object('sessionEpoch', v_user.session_epoch);
end
$$;
revoke all on function portal_api.change_password(text, text, text, inet, text, text, timestamp with time zone) from public;
grant execute on function portal_api.change_password(text, text, text, inet, text, text, timestamp with time zone) to portal_gateway;
comment on function portal_api.change_password(text, text, text, inet, text, text, timestamp with time zone) is
    'Change password, step 2: compare-and-swap of the hash; ends every session, records the caller''s new one (p_jti), revokes live tokens, queues the notice. PA008, PA013.';

-- Forgot password, through the email index. A locked account still gets its
-- reset mail: the lock protects the password, and a reset is how its owner gets back in. An
-- invited account (never activated, enabled) gets a fresh activation link instead, the old one
-- revoked (activation_requested): a client imported from the magic-link portal, who has no
-- password yet, is never left without a way in. Both spend forgot_email and do the same work.
create or replace function portal_api.request_password_reset(p_email text, p_ip inet default null, p_user_agent text default null)
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := portal.normalize_email(p_email);
    v_user portal.portal_users := portal.user_by_email(v_email, true);
    v_throttled boolean := portal.rate_limit_hit('forgot_email', v_email) > 0;
begin
    if v_user.id is not null and v_user.is_active and v_user.password_hash is null then
        if v_throttled then
            perform portal.log_event('reset_throttled', v_user, null, p_ip, p_user_agent);
            return;
        end if;
        perform portal.queue_mail('activation', v_user, portal.issue_token(v_user.id, 'activation'));
        perform portal.log_event('activation_requested', v_user, null, p_ip, p_user_agent);
        return;
    end if;
    if v_user.id is null or not v_user.is_active then
        insert into portal.auth_events (event, port_id, client_id, portal_user_id, email, actor, ip, user_agent, detail)
        values (case when v_throttled then 'reset_throttled' else 'reset_requested' end,
                v_user.port_id, v_user.client_id, v_user.id, v_email, left(session_user, 200), p_ip,
                left(p_user_agent, 512),
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
    'Forgot password: silently issues a reset token + mail for an enabled, activated account, a fresh activation link for an invited one (both throttled per address); every path writes one audit row. PA008 malformed email.';

-- Read-only status of a token for the landing pages: {"status", "type", "portName", "newEmail"};
-- the marina's name (and an email-change link's address) only for a valid token (an invalid, used
-- or expired one tells nothing more).
create or replace function portal_api.token_status(p_token_hash bytea) returns jsonb
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        (select jsonb_build_object('status', s.status, 'type', case when t.revoked_at is null then t.type end)
                || case when s.status = 'valid' then jsonb_build_object('portName',
                       (select p.name from portal.portal_users u join portal.ports p on p.id = u.port_id
                         where u.id = t.portal_user_id)) else '{}'::jsonb end
                || case when s.status = 'valid' and t.new_email is not null
                        then jsonb_build_object('newEmail', t.new_email) else '{}'::jsonb end
           from portal.portal_auth_tokens t
          cross join lateral (select case
                        when t.revoked_at is not null then 'invalid'
                        when t.used_at is not null then 'used'
                        when t.expires_at <= now() then 'expired'
                        else 'valid' end as status) s
          where t.token_hash = p_token_hash),
        '{"status": "invalid", "type": null}'::jsonb);
$$;
revoke all on function portal_api.token_status(bytea) from public;
grant execute on function portal_api.token_status(bytea) to portal_gateway;
comment on function portal_api.token_status(bytea) is
    'Read-only token status for landing pages: valid, expired, used or invalid (unknown, unsealed or revoked).';

-- Consumes an activation or reset token and sets the password hash, in one transaction (locks:
-- the user row first, then the token). The token is used exactly once (portal.use_token); session_epoch is
-- bumped and every recorded session of the user deleted, the lock and failure count cleared (a
-- reset is how a locked-out user gets back in), other live tokens revoked, and a reset queues
-- password_changed. With p_jti the client is signed in: the session p_jti (expiring at
-- p_session_expires_at) is recorded in the new epoch, last_login_at set and sign_in_ok written,
-- as a sign-in would. Returns the user with its sessionEpoch. Any token that is unknown,
-- unsealed, used, revoked, expired, of the other type, or whose account is disabled, raises
-- PA001 and changes nothing; PA008 for a missing or malformed hash, jti or expiry.
create or replace function portal_api.consume_token(
    p_type text, p_token_hash bytea, p_password_hash text, p_ip inet default null, p_user_agent text default null,
    p_jti text default null, p_session_expires_at timestamptz default null)
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
    select t.portal_user_id into v_user_id from portal.portal_auth_tokens t where t.token_hash = p_token_hash;
    if not found then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    perform from portal.portal_users u where u.id = v_user_id for update;
    if p_type not in ('activation', 'reset') or not portal.use_token(p_token_hash, p_type) then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    begin
        update portal.portal_users u
           set password_hash = p_password_hash, session_epoch = u.session_epoch + 1,
               activated_at = coalesce(u.activated_at, now()), failed_attempts = 0, locked_until = null,
               last_login_at = case when p_jti is not null then now() else u.last_login_at end,
               updated_at = now()
         where u.id = v_user_id and u.is_active
        returning * into v_user;
    exception when check_violation then
        raise exception 'malformed password hash' using errcode = 'PA008';
    end;
    if not found then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    perform portal.end_sessions(v_user.id);
    perform portal.revoke_tokens(v_user.id);
    if p_type = 'reset' then
        perform portal.queue_mail('password_changed', v_user);
        perform portal.log_event('reset_completed', v_user, null, p_ip, p_user_agent);
    else
        perform portal.log_event('activation', v_user, null, p_ip, p_user_agent);
    end if;
    if p_jti is not null then
        perform portal.record_session(v_user, p_jti, p_session_expires_at);
        perform portal.log_event('sign_in_ok', v_user, null, p_ip, p_user_agent, jsonb_build_object('via', p_type));
    end if;
    return portal.user_json(v_user) || jsonb_build_object('sessionEpoch', v_user.session_epoch);
end
$$;
revoke all on function portal_api.consume_token(text, bytea, text, inet, text, text, timestamp with time zone) from public;
grant execute on function portal_api.consume_token(text, bytea, text, inet, text, text, timestamp with time zone) to portal_gateway;
comment on function portal_api.consume_token(text, bytea, text, inet, text, text, timestamp with time zone) is
    'Activate or reset: uses the token once and sets the password hash; bumps session_epoch; with p_jti signs the client in (that session recorded). PA001 invalid_token, PA008.';

-- Change email, step 2 (step 1 is change_password_lookup: the session, and the hash the gateway
-- verifies the password against). Refused with PA013, nothing written, unless the hash is still
-- p_seen_hash and the account enabled and not locked. Then, for an address other than the
-- current one: when no portal user has it, an email_change token carrying it (the previous one
-- revoked) and its link mailed to it, and a notice to the current address; when another portal
-- user has it, only a note to that mailbox (it may be the client's own other account) — the
-- caller learns nothing either way. The same address again changes and mails nothing. Every
-- path writes one email_change_requested row. PA008 for a malformed address.
create or replace function portal_api.request_email_change(
    p_user_id text, p_seen_hash text, p_new_email text, p_ip inet default null, p_user_agent text default null)
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := portal.normalize_email(p_new_email);
    v_user portal.portal_users;
    v_other portal.portal_users;
begin
    select * into v_user from portal.portal_users u
     where u.id = p_user_id and u.password_hash = p_seen_hash and u.is_active
       and (u.locked_until is null or u.locked_until <= now())
       for update;
    if not found then
        raise exception 'the password was changed meanwhile' using errcode = 'PA013';
    end if;
    if v_email = v_user.email then
        perform portal.log_event('email_change_requested', v_user, null, p_ip, p_user_agent,
            '{"delivered": false, "reason": "unchanged"}');
        return;
    end if;
    v_other := portal.user_by_email(v_email);
    if v_other.id is not null then
        perform portal.queue_mail('email_taken', v_other);
        perform portal.log_event('email_change_requested', v_user, null, p_ip, p_user_agent,
            '{"delivered": false, "reason": "email_taken"}');
        return;
    end if;
    perform portal.queue_mail('email_change', v_user, portal.issue_token(v_user.id, 'email_change', v_email), v_email);
    perform portal.queue_mail('email_change_notice', v_user, null, null, jsonb_build_object('newEmail', v_email));
    perform portal.log_event('email_change_requested', v_user, null, p_ip, p_user_agent,
        jsonb_build_object('newEmail', v_email));
end
$$;
revoke all on function portal_api.request_email_change(text, text, text, inet, text) from public;
grant execute on function portal_api.request_email_change(text, text, text, inet, text) to portal_gateway;
comment on function portal_api.request_email_change(text, text, text, inet, text) is
    'Change email, step 2: a confirmation link to a free address and a notice to the current one, or a note to an address in use; the same answer either way. PA008, PA013.';

-- Uses an email_change token once and moves its user to the address it carries: session_epoch
-- bumped and every session ended, other live tokens revoked (a reset link mailed to the old
-- address dies with it). Returns the user. PA001 for a token that is unknown, unsealed, used,
-- revoked, expired, of another type, or whose account is disabled; PA002 when another portal
-- user took the address meanwhile (portal_users_email_key: of two changes to one address, the
-- first to commit wins; the other changes nothing and its token stays unused).
create or replace function portal_api.confirm_email_change(
    p_token_hash bytea, p_ip inet default null, p_user_agent text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_token portal.portal_auth_tokens;
    v_user portal.portal_users;
    v_old text;
begin
    select * into v_token from portal.portal_auth_tokens t where t.token_hash = p_token_hash;
    if not found then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    select u.email into v_old from portal.portal_users u where u.id = v_token.portal_user_id for update;
    if not portal.use_token(p_token_hash, 'email_change') then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    begin
        update portal.portal_users u
           set email = v_token.new_email, session_epoch = u.session_epoch + 1, updated_at = now()
         where u.id = v_token.portal_user_id and u.is_active
        returning * into v_user;
    exception when unique_violation then
        raise exception 'this email address is already used by another portal user' using errcode = 'PA002';
    end;
    if not found then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    perform portal.end_sessions(v_user.id);
    perform portal.revoke_tokens(v_user.id);
    perform portal.log_event('email_changed', v_user, null, p_ip, p_user_agent, jsonb_build_object('from', v_old));
    return portal.user_json(v_user);
end
$$;
revoke all on function portal_api.confirm_email_change(bytea, inet, text) from public;
grant execute on function portal_api.confirm_email_change(bytea, inet, text) to portal_gateway;
comment on function portal_api.confirm_email_change(bytea, inet, text) is
    'Uses an email-change link once: the account moves to the confirmed address and every session ends. PA001 invalid_token, PA002 email_taken.';

-- The client chooses their own language on the pages: sets the portal user's locale (BCP 47, any
-- case, stored normalised; NULL clears it: the port's language again) for the session with these
-- cookie claims (sub, sv, jti), checked like session_check: recorded, live, the user's current
-- epoch, account enabled and activated. Returns the user as session_check does (with locale and
-- portLocale, each when set), or NULL, changing nothing, when the session is not live. The next mail claimed is rendered in
-- it (claim_mail resolves the language when it claims). PA008 for a tag outside the rule.
create or replace function portal_api.set_portal_user_locale(p_user_id text, p_epoch integer, p_jti text, p_locale text)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_locale text := portal.normalize_locale(p_locale);
    v_user portal.portal_users;
begin
    update portal.portal_users u set locale = v_locale, updated_at = now()
     where u.id = p_user_id and u.session_epoch = p_epoch and u.is_active and u.password_hash is not null
       and exists (select from portal.sessions s
                    where s.jti = p_jti and s.portal_user_id = p_user_id and s.session_epoch = p_epoch
                      and s.expires_at > now())
    returning * into v_user;
    if not found then
        return null;
    end if;
    return portal.user_json(v_user);
end
$$;
revoke all on function portal_api.set_portal_user_locale(text, integer, text, text) from public;
grant execute on function portal_api.set_portal_user_locale(text, integer, text, text) to portal_gateway;
comment on function portal_api.set_portal_user_locale(text, integer, text, text) is
    'The client''s own language, from the pages: sets (NULL clears) the signed-in user''s locale for a live session (the cookie''s sub, sv, jti); the user as jsonb, or NULL when the session is not live. PA008 malformed tag.';

-- One hit on a rate-limit bucket (sign_in_ip, forgot_ip, token_ip, admin_key): 0 when allowed,
-- else the seconds to wait (Retry-After). Raises PA008 for an unknown bucket.
create or replace function portal_api.rate_limit_hit(p_bucket text, p_key text) returns integer
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

-- The accounts with a stored PHC hash, counted by its parameters (ln, r, p), most used first.
-- Legacy Node hashes (fixed N=2^14, r=8, p=1) and anything unparseable are not listed: the
-- gateway never refuses the former for its cost, and the latter is no hash it could verify at
-- any setting. One scan of portal_users, no locks: cheap enough for every gateway start. Granted
-- to the gateway only (a DBA runs it as the owner or a superuser).
create or replace function portal_api.hash_census()
returns table (ln integer, r integer, p integer, users bigint)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select m[1]::integer, m[2]::integer, m[3]::integer, count(*)
      from portal.portal_users u,
           lateral regexp_match(u.password_hash, '^\$scrypt\$ln=([0-9]{1,2}),r=([0-9]{1,3}),p=([0-9]{1,3})\$') as parsed(m)
     where u.password_hash is not null and m is not null
     group by 1, 2, 3
     order by 4 desc, 1, 2, 3;
$$;
revoke all on function portal_api.hash_census() from public;
grant execute on function portal_api.hash_census() to portal_gateway;
comment on function portal_api.hash_census() is
    'Stored PHC password hashes counted by scrypt parameters (ln, r, p): a gateway checks at start that it can verify them.';
