-- portal-auth 0014: a record of live sessions; the session check answers only for those.
--
-- Until now a session was valid when its epoch (sv) was the user's current one and its jti had not
-- been signed out. Both are guessable: session_check accepted any jti it had not seen and a small
-- integer sv, so a role holding only portal_reader (no JWT secret) could loop sv = 1..20 for any
-- user id and read that user's email, name, client and port. And after_restore() added 1 to every
-- epoch: a cookie issued after the backup (its sv raised by a reset or password change) and
-- ended after it carried exactly that epoch, and worked again once the restore was "made safe".
--
-- Now the gateway records each session it issues (portal.sessions, keyed by jti, with the user,
-- the epoch and the expiry); session_check, change_password_lookup and sign_out answer only for
-- a recorded, unexpired session of that user and epoch (still one primary-key probe per table).
-- Every path that ends all of a user's sessions deletes the user's rows as well as bumping the
-- epoch, signing out one session deletes its row, and maintenance/prune drop expired rows, so
-- the table holds live sessions only. after_restore() deletes every row: a cookie issued after
-- the backup has no row in the restored table, one issued before loses its row — both refused,
-- whatever their epoch. portal.revoked_sessions (the list of signed-out jtis) has no use left.
--
-- Upgrading ends every session once: cookies issued before this migration have no row.
--
-- Changed signatures (old ones dropped, grants and comments moved along):
--   sign_in_record(…, p_jti text, p_session_expires_at timestamptz)   records the new session
--   change_password(…, p_jti text, p_session_expires_at timestamptz)  the caller's new session
--
-- Added SQLSTATEs: none (PA008 for a malformed jti or expiry, as for any malformed argument).

set local role portal_owner;

-- ---------------------------------------------------------------------------------------------
-- The table.

-- Sessions the gateway issued and nobody has ended: one row per cookie (jti). A row goes when
-- its session ends (sign-out, or anything that ends every session of the user) or, once
-- expired, at the next maintenance() / prune().
create table portal.sessions (
    jti text primary key check (length(jti) between 1 and 64),
    portal_user_id text not null references portal.portal_users (id) on delete cascade,
    session_epoch integer not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    constraint sessions_expiry check (expires_at > created_at)
);
-- Ending every session of a user deletes by user; maintenance deletes by expiry.
create index sessions_user_idx on portal.sessions (portal_user_id);
create index sessions_expiry_idx on portal.sessions (expires_at);

drop table portal.revoked_sessions;

-- Records a new session for a user, in the caller's transaction. Raises PA008 for a jti that is
-- not 1–64 characters or already in use, or an expiry that is missing or not in the future.
-- (ON CONFLICT rather than an exception block: no subtransaction on every sign-in.)
create function portal.record_session(p_user portal.portal_users, p_jti text, p_expires_at timestamptz) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_jti is null or length(p_jti) not between 1 and 64 then
        raise exception 'a session id must be 1 to 64 characters' using errcode = 'PA008';
    end if;
    if p_expires_at is null or p_expires_at <= now() then
        raise exception 'a session must expire in the future' using errcode = 'PA008';
    end if;
    insert into portal.sessions (jti, portal_user_id, session_epoch, expires_at)
    values (p_jti, p_user.id, p_user.session_epoch, p_expires_at)
    on conflict (jti) do nothing;
    if not found then
        raise exception 'this session id is already in use' using errcode = 'PA008';
    end if;
end
$$;

-- Deletes every recorded session of a user; returns how many. Callers bump session_epoch too.
create function portal.end_sessions(p_user_id text) returns integer
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_count integer;
begin
    delete from portal.sessions s where s.portal_user_id = p_user_id;
    get diagnostics v_count = row_count;
    return v_count;
end
$$;

revoke all on function portal.record_session(portal.portal_users, text, timestamptz) from public;
revoke all on function portal.end_sessions(text) from public;

-- ---------------------------------------------------------------------------------------------
-- Per-request checks.

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
comment on function portal_api.session_check(text, integer, text) is
    'Per-request session check with the cookie''s claims (sub, sv, jti): the user as jsonb while that session was issued and is live, else NULL (a made-up jti too). Granted to portal_gateway and portal_reader.';

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
comment on function portal_api.change_password_lookup(text, integer, text) is
    'Change password, step 1: whether the session was issued and is live, and the hash to verify (NULL while locked).';

-- ---------------------------------------------------------------------------------------------
-- Issuing and ending sessions.

drop function portal_api.sign_in_record(text, text, text, boolean, inet, text, text);
-- Sign-in step 2: records the verification result. On success (and only if the account may
-- still sign in with the same hash) resets the failure count, records the session p_jti (expiring
-- at p_session_expires_at; none when p_jti is NULL) and returns the user as jsonb with its
-- sessionEpoch; otherwise, for a wrong password, counts one hit on sign_in_fail_ip for
-- p_limit_key (the address) and the account's failure, locks after lockout_threshold consecutive
-- failures (lockout_base doubling per further failure, up to lockout_max) and returns NULL,
-- recording no session. Failures while locked are logged but do not extend the lock.
-- Change-password records a wrong current password here too. Raises PA008 on success with a
-- malformed jti or an expiry not in the future (nothing is recorded then).
create function portal_api.sign_in_record(
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
revoke all on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text, text, timestamptz) from public;
grant execute on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text, text, timestamptz)
    to portal_gateway;
comment on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text, text, timestamptz) is
    'Sign-in step 2: records success (the session p_jti; returns the user + sessionEpoch) or failure (address budget, account count, lockout; returns NULL). PA008.';

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
comment on function portal_api.sign_out(text, integer, text, timestamptz, boolean, inet, text) is
    'Signs out one live session (its row deleted) or, with p_all, every session of the user; false unless the session is live.';

drop function portal_api.change_password(text, text, text, inet, text);
-- Change password, step 2: compare-and-swap of the hash (refused while locked); bumps
-- session_epoch and deletes every session of the user, then records the caller's new session
-- p_jti (expiring at p_session_expires_at; none when p_jti is NULL); revokes live tokens, queues
-- password_changed. Returns the user with the new sessionEpoch. PA013 when the hash changed
-- meanwhile or the account is locked; PA008 for a malformed hash, jti or expiry.
create function portal_api.change_password(
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
revoke all on function portal_api.change_password(text, text, text, inet, text, text, timestamptz) from public;
grant execute on function portal_api.change_password(text, text, text, inet, text, text, timestamptz) to portal_gateway;
comment on function portal_api.change_password(text, text, text, inet, text, text, timestamptz) is
    'Change password, step 2: compare-and-swap of the hash; ends every session, records the caller''s new one (p_jti), revokes live tokens, queues the notice. PA008, PA013.';

-- Consumes an activation or reset token and sets the password hash, in one transaction (see
-- 0007: user row first, then the token). The token is used exactly once; session_epoch is
-- bumped and every recorded session of the user deleted, the lock and failure count cleared (a
-- reset is how a locked-out user gets back in), other live tokens revoked, and a reset queues
-- password_changed. Any token that is unknown, unsealed, used, revoked, expired, of the other
-- type, or whose account is disabled, raises PA001 and changes nothing; PA008 for a missing or
-- malformed hash.
create or replace function portal_api.consume_token(
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
    select t.portal_user_id into v_user_id from portal.portal_auth_tokens t where t.token_hash = p_token_hash;
    if not found then
        raise exception 'invalid or expired token' using errcode = 'PA001';
    end if;
    perform from portal.portal_users u where u.id = v_user_id for update;
    update portal.portal_auth_tokens t set used_at = now()
     where t.token_hash = p_token_hash and t.type = p_type
       and t.used_at is null and t.revoked_at is null and t.expires_at > now();
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
    perform portal.end_sessions(v_user.id);
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

-- ---------------------------------------------------------------------------------------------
-- Staff actions.

-- resend | disable | enable | unlock | revoke-sessions on a client's portal user; returns its
-- status. Disable and revoke-sessions bump the epoch and delete every recorded session of the
-- user. Enabling an invited user whose activation link is no longer live (disable revoked it,
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
        perform portal.end_sessions(v_user.id);
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
        perform portal.end_sessions(v_user.id);
        perform portal.log_event('revoke_sessions', v_user, p_actor);
    else
        raise exception 'unknown action "%"', p_action using errcode = 'PA008',
            hint = 'Actions: resend, disable, enable, unlock, revoke-sessions.';
    end case;
    return portal.user_status(v_user) || jsonb_strip_nulls(jsonb_build_object('note', v_note));
end
$$;
revoke all on function portal.do_client_action(text, text, text, text) from public;

-- ---------------------------------------------------------------------------------------------
-- Housekeeping and restore.

-- Housekeeping, run now and then by the mailer: drops finished rate-limit windows and expired
-- sessions. Returns the number of rows removed. Raises nothing.
create or replace function portal_api.maintenance() returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_a integer;
    v_b integer;
begin
    delete from portal.rate_limits l using portal.rate_limit_rules r
     where r.bucket = l.bucket and l.window_start + r.window_length <= now();
    get diagnostics v_a = row_count;
    delete from portal.sessions s where s.expires_at <= now();
    get diagnostics v_b = row_count;
    return v_a + v_b;
end
$$;
comment on function portal_api.maintenance() is 'Removes expired rate-limit windows and expired sessions.';

-- Deletes what can no longer matter and returns the counts (jsonb). p_before (at least 1 hour,
-- default 30 days) is the age of finished mail, dead tokens and old windows that are kept;
-- expired sessions go whatever their age; audit events go after audit_retention. Raises PA008
-- for a p_before under 1 hour.
create or replace function portal_api.prune(p_before interval default '30 days') returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_cutoff timestamptz;
    v_audit_cutoff timestamptz;
    v_counts jsonb;
    v_mail integer;
    v_tokens integer;
    v_windows integer;
    v_sessions integer;
    v_events integer;
begin
    if p_before is null or p_before < interval '1 hour' then
        raise exception 'prune keeps at least the last hour' using errcode = 'PA008',
            hint = 'For example: select portal_api.prune(''30 days'');';
    end if;
    v_cutoff := now() - p_before;
    select now() - s.audit_retention into v_audit_cutoff from portal.settings s;

    delete from portal.mail_outbox m
     where m.status in ('sent', 'dead', 'skipped') and m.created_at < v_cutoff;
    get diagnostics v_mail = row_count;
    -- A dead token's remaining mails (if any) could only be skipped: they go with it (cascade).
    delete from portal.portal_auth_tokens t
     where t.created_at < v_cutoff
       and (t.used_at is not null or t.revoked_at is not null or t.expires_at < v_cutoff);
    get diagnostics v_tokens = row_count;
    delete from portal.rate_limits l using portal.rate_limit_rules r
     where r.bucket = l.bucket and l.window_start + r.window_length <= now();
    get diagnostics v_windows = row_count;
    delete from portal.sessions s where s.expires_at <= now();
    get diagnostics v_sessions = row_count;
    perform set_config('portal.pruning', 'on', true);
    delete from portal.auth_events e where e.occurred_at < v_audit_cutoff;
    get diagnostics v_events = row_count;
    perform set_config('portal.pruning', 'off', true);

    v_counts := jsonb_build_object('mails', v_mail, 'tokens', v_tokens, 'rateLimitWindows', v_windows,
                                   'expiredSessions', v_sessions, 'auditEvents', v_events);
    insert into portal.auth_events (event, actor, detail)
    values ('pruned', left(session_user, 200),
            v_counts || jsonb_build_object('before', p_before::text, 'auditBefore', v_audit_cutoff));
    return v_counts;
end
$$;
comment on function portal_api.prune(interval) is
    'Retention: deletes finished mail, dead tokens and old windows older than p_before (default 30 days), expired sessions, and audit events older than audit_retention; returns the counts and audits them. PA008.';

-- After a restore from a backup (see 0011): ends every session whatever its epoch — deletes
-- every recorded session (a cookie issued after the backup has no row here; one issued before
-- loses its row) and bumps every epoch —, revokes every outstanding link and skips its mail;
-- returns the counts (jsonb, with sessionsEnded) and audits them. Raises nothing.
create or replace function portal_api.after_restore() returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_users integer;
    v_sessions integer;
    v_tokens integer;
    v_mails integer;
    v_counts jsonb;
begin
    update portal.portal_users u set session_epoch = u.session_epoch + 1;
    get diagnostics v_users = row_count;
    delete from portal.sessions;
    get diagnostics v_sessions = row_count;
    update portal.portal_auth_tokens t set revoked_at = now()
     where t.used_at is null and t.revoked_at is null and t.expires_at > now();
    get diagnostics v_tokens = row_count;
    -- Their mails would be skipped at the send anyway (renew_mail re-checks the token); saying so
    -- now keeps the outbox gauges honest.
    update portal.mail_outbox m
       set status = 'skipped', locked_by = null, locked_until = null,
           last_error = 'database restored from a backup: the link was revoked'
     where m.status in ('queued', 'sending') and m.token_id is not null;
    get diagnostics v_mails = row_count;

    v_counts := jsonb_build_object('usersSignedOut', v_users, 'sessionsEnded', v_sessions, 'linksRevoked', v_tokens,
        'mailsSkipped', v_mails,
        'liveAdminKeys', (select count(*) from portal.admin_keys k where k.revoked_at is null),
        'activeUsers', (select count(*) from portal.portal_users u where u.is_active));
    insert into portal.auth_events (event, actor, detail) values ('restored', left(session_user, 200), v_counts);
    return v_counts;
end
$$;
comment on function portal_api.after_restore() is
    'After a restore from a backup: ends every session whatever its epoch (deletes every recorded session, bumps every epoch), revokes every outstanding link and skips its mail; returns the counts and audits them.';

revoke all on all functions in schema portal from public;
