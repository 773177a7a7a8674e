-- portal-auth 0013: the mailer's token checks look the token up by its primary key alone.
--
-- claim_mail and renew_mail asked "is this mail's token live?" in one query, the live conditions
-- (used_at is null and revoked_at is null and expires_at > now()) next to t.id = the mail's
-- token. Before the table's first ANALYZE — a new database, or right after a bulk invite or
-- import, until autovacuum comes round — the planner guesses that those IS NULLs select almost
-- nothing, so the partial index portal_auth_tokens_one_live (whose predicate they match) looks as
-- cheap as the primary key, and it took it: each check read every live token. With 3,000 queued
-- invites that was 1.3 ms per renewal and 0.8 ms per claimed mail, growing with the backlog.
-- portal.token_live(id) looks the row up by its id alone (no partial index can answer that) and
-- tests the conditions on that one row, whatever the statistics say.

set local role portal_owner;

create function portal.token_live(p_token_id text) returns boolean
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        (select t.used_at is null and t.revoked_at is null and t.expires_at > now()
           from portal.portal_auth_tokens t where t.id = p_token_id),
        false);
$$;
revoke all on function portal.token_live(text) from public;
comment on function portal.token_live(text) is
    'True when the token exists, is unused, unrevoked and unexpired; looked up by id alone (a plan that cannot scan every live token).';

-- As in 0006, with the token checked by portal.token_live.
create or replace function portal_api.claim_mail(p_worker text, p_limit integer default 10)
returns table (id bigint, kind text, recipient text, token_id text, token_expires_at timestamptz,
               data jsonb, attempts integer)
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
        returning m.id, m.kind, m.recipient, m.token_id, m.data, m.attempts
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
        return next;
    end loop;
end
$$;

-- As in 0007, with the token checked by portal.token_live.
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
