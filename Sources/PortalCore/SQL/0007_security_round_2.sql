-- portal-auth 0007: the rules that keep hostile input and retries from getting past the SQL.
--
-- - one email rule and one email lookup, served by a plain unique index on the stored
--   (already lower-cased) column;
-- - lock order user row → token row everywhere (consume_token took them the other way round and
--   could deadlock against forgot-password, resend or disable);
-- - failed password checks are rate-limited per client address before they count toward an
--   account's lock; change-password obeys the lock and has rate limits of its own;
-- - the gateway may no longer seal tokens, nor replace a hash with anything but a stronger one
--   right after a successful sign-in;
-- - the audit actor is the database role (session_user); the passed actor is "on behalf of";
-- - an admin key's invite that hits another account's email leaves an audit row;
-- - the mailer renews its lease and re-checks the token right before each send (renew_mail).
--
-- Added SQLSTATEs: none (PA001–PA014 as listed in 0001).

set local role portal_owner;

-- ---------------------------------------------------------------------------------------------
-- Email: one rule, one normaliser, one lookup, one index.

-- The practical addr-spec the project accepts (already trimmed and lower-cased): one @, a
-- local part of 1–64 characters and a domain with a dot, none of them whitespace, control
-- characters or the header specials < > , ; " ( ) [ ] \ — so an address is always safe to put
-- in a To: header. The gateway checks the same rule (Sources/Gateway/JSONBody.swift, Field.email).
create function portal.is_email(p_email text) returns boolean
language sql immutable strict
set search_path = pg_catalog, pg_temp
as $$
    select length(p_email) between 3 and 254
       and p_email ~ '^[^]@<>,;"()[\\[:space:][:cntrl:]]{1,64}@[^]@<>,;"()[\\[:space:][:cntrl:]]+\.[^]@<>,;"()[\\[:space:][:cntrl:]]+$';
$$;

-- Trimmed, lower-cased email, or PA008 when it breaks the rule. The only place an address is
-- normalised: the gateway trims and validates, but never lower-cases (Swift and Postgres
-- disagree on letters such as İ, and one typed address must be one account).
create or replace function portal.normalize_email(p_email text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_email text := lower(btrim(p_email));
begin
    if v_email is null or not portal.is_email(v_email) then
        raise exception 'invalid email address' using errcode = 'PA008';
    end if;
    return v_email;
end
$$;

-- The portal user with this address (any case, surrounding blanks), or an all-NULL row. Served
-- by the unique index on portal_users.email. p_lock takes the row lock (user row first: see
-- consume_token).
create function portal.user_by_email(p_email text, p_lock boolean default false) returns portal.portal_users
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_user portal.portal_users;
begin
    if p_lock then
        select * into v_user from portal.portal_users u where u.email = lower(btrim(p_email)) for update;
    else
        select * into v_user from portal.portal_users u where u.email = lower(btrim(p_email));
    end if;
    return v_user;
end
$$;

-- The CHECK keeps email lower-cased, so a plain unique index is case-insensitive uniqueness and
-- serves equality lookups (the old index on lower(email) could not serve `email = $1`).
drop index portal.portal_users_email_key;
alter table portal.portal_users add constraint portal_users_email_key unique (email);
alter table portal.portal_users drop constraint portal_users_email_shape;
-- NOT VALID: rows written under the older, looser rule stay; every new or changed row obeys.
alter table portal.portal_users add constraint portal_users_email_shape check (portal.is_email(email)) not valid;

-- ---------------------------------------------------------------------------------------------
-- Audit: who really acted.

alter table portal.auth_events add column on_behalf_of text
    check (on_behalf_of is null or length(on_behalf_of) <= 200);
comment on column portal.auth_events.actor is 'The database role that acted (session_user): cannot be forged by a caller.';
comment on column portal.auth_events.on_behalf_of is
    'Who the caller says it acted for (a CRM user, admin_key:<id>, $USER of the CLI): informative only.';

alter table portal.auth_events drop constraint auth_events_event_check;
alter table portal.auth_events add constraint auth_events_event_check check (event in (
    'port_created', 'client_created', 'invite', 'invite_refused', 'resend', 'activation',
    'sign_in_ok', 'sign_in_failed', 'lockout', 'reset_requested', 'reset_throttled',
    'reset_completed', 'password_changed', 'hash_upgraded', 'sign_out', 'sign_out_everywhere',
    'disable', 'enable', 'unlock', 'revoke_sessions',
    'admin_key_created', 'admin_key_revoked', 'setting_changed'));

-- Appends one audit row: the actor is always session_user; p_actor is kept as on_behalf_of.
create or replace function portal.log_event(
    p_event text, p_user portal.portal_users, p_actor text default null,
    p_ip inet default null, p_user_agent text default null, p_detail jsonb default null)
returns void
language sql
set search_path = pg_catalog, pg_temp
as $$
    insert into portal.auth_events (event, port_id, client_id, portal_user_id, email, actor, on_behalf_of, ip,
                                    user_agent, detail)
    values (p_event, p_user.port_id, p_user.client_id, p_user.id, p_user.email, left(session_user, 200),
            left(p_actor, 200), p_ip, left(p_user_agent, 512), p_detail);
$$;

drop function portal_api.audit_events(text, integer);
-- The audit trail, newest first; filtered by client when given. actor is the database role,
-- on_behalf_of what the caller said.
create function portal_api.audit_events(p_client_id text default null, p_limit integer default 100)
returns table (occurred_at timestamptz, event text, client_id text, email text, actor text, on_behalf_of text,
               ip inet, user_agent text, detail jsonb)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select e.occurred_at, e.event, e.client_id, e.email, e.actor, e.on_behalf_of, e.ip, e.user_agent, e.detail
      from portal.auth_events e
     where p_client_id is null or e.client_id = p_client_id
     order by e.id desc
     limit least(greatest(coalesce(p_limit, 100), 1), 10000);
$$;
revoke all on function portal_api.audit_events(text, integer) from public;
grant execute on function portal_api.audit_events(text, integer) to portal_admin;
comment on function portal_api.audit_events(text, integer) is
    'The audit trail, newest first, optionally for one client (actor = database role, on_behalf_of = the caller''s word).';

-- ---------------------------------------------------------------------------------------------
-- Rate limits: a peek, and the new buckets.

insert into portal.rate_limit_rules (bucket, max_hits, window_length) values
    ('sign_in_fail_ip', 30, '15 minutes'),      -- failed password checks per address (3 locks' worth)
    ('change_password_user', 5, '15 minutes'),  -- change-password attempts per portal user
    ('change_password_ip', 10, '15 minutes'),   -- change-password attempts per address
    ('invite_key', 120, '1 hour');              -- invites per admin key (each conflict is audited too)

-- Seconds until bucket/key has room again (0: it has room now). Counts nothing.
create function portal.rate_limit_wait(p_bucket text, p_key text) returns integer
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce((
        select greatest(1, ceil(extract(epoch from (l.window_start + r.window_length - now())))::integer)
          from portal.rate_limits l join portal.rate_limit_rules r on r.bucket = l.bucket
         where l.bucket = p_bucket and l.key = left(p_key, 300)
           and l.window_start + r.window_length > now() and l.hits >= r.max_hits), 0);
$$;

-- Sign-in step 0, per client address (p_key: the gateway's rate-limit key, an IPv6 client's /64):
-- counts one hit on sign_in_ip, and refuses an address whose failed password checks used up
-- sign_in_fail_ip — so one address cannot lock many accounts fast. 0 when allowed, else the
-- seconds to wait (Retry-After).
create function portal_api.sign_in_gate(p_key text) returns integer
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

-- ---------------------------------------------------------------------------------------------
-- Sign-in and change-password.

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

drop function portal_api.sign_in_record(text, text, text, boolean, inet, text);
-- Sign-in step 2: records the verification result. On success (and only if the account may
-- still sign in with the same hash) resets the failure count and returns the user as jsonb with
-- its sessionEpoch; otherwise, for a wrong password, counts one hit on sign_in_fail_ip for
-- p_limit_key (the address) and the account's failure, locks after lockout_threshold consecutive failures (lockout_base
-- doubling per further failure, up to lockout_max) and returns NULL. Failures while locked are
-- logged but do not extend the lock. Change-password records a wrong current password here too.
create function portal_api.sign_in_record(
    p_email text, p_user_id text, p_seen_hash text, p_ok boolean, p_ip inet default null,
    p_user_agent text default null, p_limit_key text default null)
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
revoke all on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text) from public;
grant execute on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text) to portal_gateway;
comment on function portal_api.sign_in_record(text, text, text, boolean, inet, text, text) is
    'Sign-in step 2: records success (returns the user + sessionEpoch) or failure (address budget, account count, lockout; returns NULL).';

-- Cost of a stored hash in scrypt work units (N·r·p): PHC from its parameters, the seed's
-- legacy Node format as N=16384, r=8, p=1; NULL for anything else.
create function portal.hash_cost(p_hash text) returns numeric
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select case
        when m is not null then power(2::numeric, m[1]::integer) * m[2]::integer * m[3]::integer
        when p_hash ~ '^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$' then 16384::numeric * 8
        end
      from (select regexp_match(p_hash, '^\$scrypt\$ln=([0-9]{1,2}),r=([0-9]{1,3}),p=([0-9]{1,3})\$')) as parsed(m);
$$;

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
comment on function portal_api.upgrade_password_hash(text, text, text) is
    'Replaces a password hash with a stronger PHC one, only right after a sign-in and only if it still equals p_old_hash. PA008.';

drop function portal_api.session_password_hash(text, integer, text);
-- Change password, step 1: whether the session is valid, and the hash to verify the current
-- password against — NULL while the account is locked (the gateway then verifies a dummy and
-- records a failure: the right password cannot get past a lock either).
create function portal_api.change_password_lookup(
    p_user_id text, p_epoch integer, p_jti text, out session_valid boolean, out password_hash text)
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(bool_or(true), false),
           max(case when u.locked_until is null or u.locked_until <= now() then u.password_hash end)
      from portal.portal_users u
     where u.id = p_user_id and u.session_epoch = p_epoch and u.is_active and u.password_hash is not null
       and not exists (select from portal.revoked_sessions r where r.jti = p_jti);
$$;
revoke all on function portal_api.change_password_lookup(text, integer, text) from public;
grant execute on function portal_api.change_password_lookup(text, integer, text) to portal_gateway;
comment on function portal_api.change_password_lookup(text, integer, text) is
    'Change password, step 1: session validity and the hash to verify (NULL while locked).';

-- Change password, step 2: compare-and-swap of the hash (refused while locked); bumps
-- session_epoch (every session ends), revokes live tokens, queues password_changed. Returns the
-- user with the new sessionEpoch. PA013 when the hash changed meanwhile or the account is locked.
create or replace function portal_api.change_password(
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
    perform portal.revoke_tokens(v_user.id);
    perform portal.queue_mail('password_changed', v_user);
    perform portal.log_event('password_changed', v_user, null, p_ip, p_user_agent);
    return portal.user_json(v_user) || jsonb_build_object('sessionEpoch', v_user.session_epoch);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Tokens: lock order, and forgot-password through the index.

-- Consumes an activation or reset token and sets the password hash, in one transaction. Locks
-- the user row first, then the token (the order every other function uses: forgot-password,
-- resend and disable lock the user, then revoke tokens), so no two of them can deadlock. The
-- token is used exactly once (a concurrent second consumer waits on the user row, then finds
-- used_at set); session_epoch is bumped, the lock and failure count cleared (a reset is how a
-- locked-out user gets back in), other live tokens revoked, and a reset queues password_changed.
-- Any token that is unknown, unsealed, used, revoked, expired, of the other type, or whose
-- account is disabled, raises PA001 and changes nothing.
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

-- Forgot password (see 0005): now through the email index. A locked account still gets its
-- reset mail: the lock protects the password, and a reset is how its owner gets back in.
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
    if v_user.id is null or not v_user.is_active or v_user.password_hash is null then
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

-- Only the mailer derives and seals tokens; the gateway merely hashes what it is shown.
revoke execute on function portal_api.seal_token(text, bytea) from portal_gateway;
comment on function portal_api.seal_token(text, bytea) is
    'Mailer: stores sha256(raw token) for a token id: idempotent for the same hash, PA009 for another, PA001 unknown id, PA008 bad length.';

-- ---------------------------------------------------------------------------------------------
-- Admin-key invites: audited conflicts.

-- Invites a client of the key's port; returns the portal user's status. When the address
-- already belongs to another portal user (possibly of another port) it writes an
-- invite_refused audit row and returns {"error": "email_taken"} instead of raising, so the row
-- survives; the gateway answers 409 email_taken. PA014, PA004, PA003, PA008 raise as before.
create or replace function portal_api.key_invite(p_key_hash bytea, p_client_id text, p_email text, p_name text default null)
returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key record := portal.port_for_admin_key(p_key_hash);
    v_actor text := 'admin_key:' || v_key.key_id;
begin
    begin
        return portal.user_status(portal.do_invite(p_client_id, v_key.port_id, p_email, p_name, v_actor));
    exception when sqlstate 'PA002' then
        insert into portal.auth_events (event, port_id, client_id, email, actor, on_behalf_of, detail)
        values ('invite_refused', v_key.port_id, p_client_id, left(lower(btrim(p_email)), 254), left(session_user, 200),
                v_actor, '{"reason": "email_taken"}');
        return '{"error": "email_taken"}'::jsonb;
    end;
end
$$;
comment on function portal_api.key_invite(bytea, text, text, text) is
    'Admin API: invite a client of the admin key''s port; an address already in use is audited and answered {"error": "email_taken"}. PA014, PA004, PA003, PA008.';

-- ---------------------------------------------------------------------------------------------
-- Mail: renew the lease and re-check the token right before each send.

-- Called by the mailer right before it sends a claimed mail: true when p_worker still holds
-- the lease and the mail's token (if any) is still live; the lease is then extended to cover
-- the send (the longer of mail_lease and p_send_timeout + 10 s), so a slow relay cannot make
-- the lease run out mid-send and another mailer send the same mail. False when the lease was
-- lost (another mailer has it: send nothing) or the token died meanwhile (the mail is then
-- marked skipped: send nothing). A mail whose user was disabled is caught here too, since
-- disabling revokes the user's tokens.
create function portal_api.renew_mail(p_id bigint, p_worker text, p_send_timeout interval default '30 seconds')
returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_mail portal.mail_outbox;
    v_lease interval;
begin
    select * into v_mail from portal.mail_outbox m
     where m.id = p_id and m.status = 'sending' and m.locked_by = p_worker
       for update;
    if not found then
        return false;
    end if;
    if v_mail.token_id is not null and not exists (
        select from portal.portal_auth_tokens t
         where t.id = v_mail.token_id and t.used_at is null and t.revoked_at is null and t.expires_at > now()) then
        update portal.mail_outbox m
           set status = 'skipped', locked_by = null, locked_until = null,
               last_error = 'token expired or revoked before sending'
         where m.id = p_id;
        return false;
    end if;
    select greatest(s.mail_lease, least(coalesce(p_send_timeout, '30 seconds'), interval '1 hour') + interval '10 seconds')
      into v_lease from portal.settings s;
    update portal.mail_outbox m set locked_until = now() + v_lease where m.id = p_id;
    return true;
end
$$;
revoke all on function portal_api.renew_mail(bigint, text, interval) from public;
grant execute on function portal_api.renew_mail(bigint, text, interval) to portal_mailer;
comment on function portal_api.renew_mail(bigint, text, interval) is
    'Right before a send: renews the lease to cover it and re-checks the token; false (send nothing) when the lease was lost or the token died (then marked skipped).';

revoke all on all functions in schema portal from public;
