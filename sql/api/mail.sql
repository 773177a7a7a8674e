-- The mailer's outbox protocol. Granted to portal_mailer.
--
-- A mailer claims due mails with a lease (claim_mail, FOR UPDATE SKIP LOCKED), and per mail
-- makes one call right before sending it: dispatch_mail renews the lease, seals the token only
-- while the lease is held, and completes the previous mail, in one durable commit. A lost lease
-- means another mailer owns the mail: every call here then changes nothing and says so (false or
-- NULL). This is the protocol model/ checks with Spin.
--
-- Raises: PA001 invalid_token, PA009 token_conflict.

set local role portal_owner;

-- Claims due mails with a lease. Each row carries the language and time zone to render it with,
-- resolved now, at the claim, not when the mail was queued (a client who chose another language
-- meanwhile gets the next mail in it): the portal user's own locale, else its port's, else 'en';
-- the port's time zone, else 'UTC'. The language is a stored BCP 47 tag (`de`, `de-AT`): the
-- mailer takes the nearest catalogue it has (`de-AT` → `de`, else English).
drop function if exists portal_api.claim_mail(text, integer);
create or replace function portal_api.claim_mail(p_worker text, p_limit integer default 10)
returns table (id bigint, kind text, recipient text, token_id text, token_expires_at timestamptz,
               data jsonb, attempts integer, message_key uuid, language text, time_zone text)
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_settings portal.settings;
    v_mail record;
begin
    if p_worker is null or length(p_worker) not between 1 and 200 then
        raise exception 'worker name must be 1 to 200 characters' using errcode = 'PA008';
    end if;
    select * into v_settings from portal.settings;
    for v_mail in
        with due as (
            select m.id from portal.mail_outbox m
             where (m.status = 'queued' and m.run_at <= now())
                or (m.status = 'sending' and m.locked_until < now())
             order by m.run_at, m.id
             limit least(greatest(coalesce(p_limit, 10), 1), 1000)
               for update skip locked)
        update portal.mail_outbox m
           set status = 'sending', locked_by = p_worker, locked_until = now() + v_settings.mail_lease,
               attempts = m.attempts + 1
          from due
         where m.id = due.id
        returning m.id, m.kind, m.recipient, m.token_id, m.data, m.attempts, m.message_key
    loop
        if v_mail.attempts > v_settings.mail_max_attempts then
            update portal.mail_outbox m
               set status = 'dead', locked_by = null, locked_until = null, attempts = m.attempts - 1,
                   last_error = coalesce(m.last_error, 'out of attempts')
             where m.id = v_mail.id;
            continue;
        end if;
        if v_mail.token_id is not null and not portal.token_live(v_mail.token_id) then
            update portal.mail_outbox m
               set status = 'skipped', locked_by = null, locked_until = null, attempts = m.attempts - 1,
                   last_error = 'token expired or revoked before sending'
             where m.id = v_mail.id;
            continue;
        end if;
        id := v_mail.id;
        kind := v_mail.kind;
        recipient := v_mail.recipient;
        token_id := v_mail.token_id;
        token_expires_at := (select t.expires_at from portal.portal_auth_tokens t where t.id = v_mail.token_id);
        data := v_mail.data;
        attempts := v_mail.attempts;
        message_key := v_mail.message_key;
        select coalesce(u.locale, p.locale, 'en'), coalesce(p.time_zone, 'UTC') into language, time_zone
          from portal.mail_outbox m
          left join portal.portal_users u on u.id = m.portal_user_id
          left join portal.ports p on p.id = u.port_id
         where m.id = v_mail.id;
        return next;
    end loop;
end
$$;
revoke all on function portal_api.claim_mail(text, integer) from public;
grant execute on function portal_api.claim_mail(text, integer) to portal_mailer;
comment on function portal_api.claim_mail(text, integer) is
    'Claims due mails with a lease (FOR UPDATE SKIP LOCKED); skips mails whose token died, buries mails out of attempts. Each row carries its message_key (the Message-ID''s unique half) and the language and time zone to render it with, resolved at the claim (the user''s locale, else the port''s, else en; the port''s zone, else UTC).';

create or replace function portal_api.renew_mail(p_id bigint, p_worker text, p_send_timeout interval default '30 seconds')
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
    if v_mail.token_id is not null and not portal.token_live(v_mail.token_id) then
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
comment on function portal_api.renew_mail(bigint, text, interval) is
    'Right before a send: renews the lease to cover it and re-checks the token; false (send nothing) when the lease was lost or the token died (then marked skipped).';

-- The mailer's seal, in the statement right before a send (after renew_mail confirmed the lease
-- and the token): portal.seal_mail_token. PA001, PA008, PA009.
create or replace function portal_api.seal_mail_token(p_id bigint, p_worker text, p_token_id text, p_token_hash bytea) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform portal.seal_mail_token(p_id, p_worker, p_token_id, p_token_hash);
end
$$;
revoke all on function portal_api.seal_mail_token(bigint, text, text, bytea) from public;
comment on function portal_api.seal_mail_token(bigint, text, text, bytea) is
    'Mailer: seals the token of a mail it holds the lease of, re-sealing an unsent mail''s live token after a token key rotation. PA001, PA008, PA009.';

-- Seals a token: stores the SHA-256 of the raw token the caller derived from the token key.
-- Sets the hash when it is NULL; the same hash again is a no-op (retries derive the same token);
-- a different hash raises PA009. Unknown token id: PA001. Not 32 bytes: PA008.
create or replace function portal_api.seal_token(p_token_id text, p_token_hash bytea) returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_existing bytea := portal.lock_token_for_seal(p_token_id, p_token_hash);
begin
    if v_existing = p_token_hash then
        return;
    end if;
    if v_existing is not null then
        raise exception 'token already sealed with a different hash' using errcode = 'PA009';
    end if;
    perform portal.store_token_hash(p_token_id, p_token_hash);
end
$$;
revoke all on function portal_api.seal_token(text, bytea) from public;
comment on function portal_api.seal_token(text, bytea) is
    'Mailer: stores sha256(raw token) for a token id: idempotent for the same hash, PA009 for another, PA001 unknown id, PA008 bad length.';

-- The mailer's one call per mail, right before it sends that mail: renews the lease on p_id to
-- cover the send (renew_mail: false when the lease is lost or the token died, and then nothing
-- is sent), seals p_id's token under the mailer's key only while that lease is held (p_token_id
-- and p_token_hash, for mails that carry a link), and marks p_complete (the mail sent just
-- before, if any) sent. One statement, one commit, made durable (synchronous_commit on) when it
-- seals or completes: a mail is never sent with a seal, nor reported sent, that a crash could
-- take back. completed is NULL without p_complete, false when its lease was lost.
create or replace function portal_api.dispatch_mail(
    p_id bigint, p_worker text, p_send_timeout interval,
    p_token_id text default null, p_token_hash bytea default null, p_complete bigint default null)
returns table (renewed boolean, completed boolean)
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if (p_token_id is null) <> (p_token_hash is null) then
        raise exception 'a token id and its hash go together' using errcode = 'PA008';
    end if;
    renewed := portal_api.renew_mail(p_id, p_worker, p_send_timeout);
    if renewed and p_token_id is not null then
        perform portal_api.seal_mail_token(p_id, p_worker, p_token_id, p_token_hash);
    end if;
    if p_complete is not null then
        completed := portal_api.complete_mail(p_complete, p_worker);
    end if;
    if p_complete is not null or p_token_id is not null then
        perform set_config('synchronous_commit', 'on', true);
    end if;
    return next;
end
$$;
revoke all on function portal_api.dispatch_mail(bigint, text, interval, text, bytea, bigint) from public;
grant execute on function portal_api.dispatch_mail(bigint, text, interval, text, bytea, bigint) to portal_mailer;
comment on function portal_api.dispatch_mail(bigint, text, interval, text, bytea, bigint) is
    'Mailer, right before a send: renews the lease on p_id (renewed false: do not send), seals its token under that lease, completes p_complete; one durable commit.';

-- Marks a claimed mail sent. False when p_worker no longer holds its lease (someone else re-claimed it).
create or replace function portal_api.complete_mail(p_id bigint, p_worker text) returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- Durable whatever the session's synchronous_commit: a completion lost to a crash or a
    -- failover sends the mail again.
    perform set_config('synchronous_commit', 'on', true);
    update portal.mail_outbox m
       set status = 'sent', sent_at = now(), locked_by = null, locked_until = null, last_error = null
     where m.id = p_id and m.status = 'sending' and m.locked_by = p_worker;
    return found;
end
$$;
revoke all on function portal_api.complete_mail(bigint, text) from public;
grant execute on function portal_api.complete_mail(bigint, text) to portal_mailer;
comment on function portal_api.complete_mail(bigint, text) is
    'Marks a claimed mail sent; false if the lease was lost.';

-- Records a failed send: back to 'queued' with exponential back-off (mail_retry_base doubling,
-- at most 1 hour), or 'dead' when permanent or out of attempts. Returns the new status, or NULL
-- when p_worker no longer holds the lease.
create or replace function portal_api.fail_mail(p_id bigint, p_worker text, p_error text, p_permanent boolean default false)
returns text
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_settings portal.settings;
    v_status text;
begin
    select * into v_settings from portal.settings;
    update portal.mail_outbox m
       set status = case when p_permanent or m.attempts >= v_settings.mail_max_attempts then 'dead' else 'queued' end,
           run_at = now() + least(v_settings.mail_retry_base * power(2, least(m.attempts - 1, 20)), interval '1 hour'),
           locked_by = null, locked_until = null,
           last_error = left(coalesce(p_error, 'unknown error'), 1000)
     where m.id = p_id and m.status = 'sending' and m.locked_by = p_worker
    returning m.status into v_status;
    return v_status;
end
$$;
revoke all on function portal_api.fail_mail(bigint, text, text, boolean) from public;
grant execute on function portal_api.fail_mail(bigint, text, text, boolean) to portal_mailer;
comment on function portal_api.fail_mail(bigint, text, text, boolean) is
    'Records a failed send: queued again with exponential back-off, or dead when permanent / out of attempts.';

-- Marks a claimed mail skipped (e.g. its token died between claim and send).
create or replace function portal_api.skip_mail(p_id bigint, p_worker text, p_reason text) returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update portal.mail_outbox m
       set status = 'skipped', locked_by = null, locked_until = null, last_error = left(p_reason, 1000)
     where m.id = p_id and m.status = 'sending' and m.locked_by = p_worker;
    return found;
end
$$;
revoke all on function portal_api.skip_mail(bigint, text, text) from public;
grant execute on function portal_api.skip_mail(bigint, text, text) to portal_mailer;
comment on function portal_api.skip_mail(bigint, text, text) is
    'Marks a claimed mail skipped, with the reason.';

-- Gives back a claimed mail untouched (shutdown): queued again now, the attempt not counted.
create or replace function portal_api.release_mail(p_id bigint, p_worker text) returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update portal.mail_outbox m
       set status = 'queued', locked_by = null, locked_until = null, attempts = greatest(m.attempts - 1, 0)
     where m.id = p_id and m.status = 'sending' and m.locked_by = p_worker;
    return found;
end
$$;
revoke all on function portal_api.release_mail(bigint, text) from public;
grant execute on function portal_api.release_mail(bigint, text) to portal_mailer;
comment on function portal_api.release_mail(bigint, text) is
    'Returns a claimed, unsent mail to the queue (shutdown).';

-- Outbox figures for metrics and the mailer's backstop: counts by status (retrying = queued
-- again after a failed attempt), oldest pending age, and when the next queued mail is due.
create or replace function portal_api.outbox_stats() returns jsonb
language sql security definer stable
set search_path = pg_catalog, pg_temp
as $$
    select jsonb_build_object(
        'queued', count(*) filter (where m.status = 'queued'),
        'retrying', count(*) filter (where m.status = 'queued' and m.attempts > 0),
        'sending', count(*) filter (where m.status = 'sending'),
        'sent', count(*) filter (where m.status = 'sent'),
        'dead', count(*) filter (where m.status = 'dead'),
        'skipped', count(*) filter (where m.status = 'skipped'),
        'oldestPendingSeconds', coalesce(extract(epoch from now() - min(m.created_at) filter (
            where m.status in ('queued', 'sending'))), 0),
        'nextRunAt', min(m.run_at) filter (where m.status = 'queued'))
      from portal.mail_outbox m;
$$;
revoke all on function portal_api.outbox_stats() from public;
grant execute on function portal_api.outbox_stats() to portal_admin, portal_gateway, portal_mailer;
comment on function portal_api.outbox_stats() is
    'Outbox counts by status, oldest pending age, next due time.';
