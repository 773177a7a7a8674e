-- portal-auth 0010: retention, so the database does not grow forever.
--
-- portal_api.prune(p_before) deletes what can no longer matter: finished mail (sent, dead,
-- skipped), dead tokens (used, expired, revoked), expired rate-limit windows and signed-out
-- sessions — each older than p_before — and audit events older than the separate, longer
-- audit_retention setting. auth_events stays append-only for every other path: its trigger lets
-- a DELETE through only inside prune (a transaction-local flag prune sets), and no login role has
-- any privilege on the table. A prune writes one audit row with its counts.

set local role portal_owner;

alter table portal.settings add column audit_retention interval not null default '400 days'
    check (audit_retention >= '30 days' and audit_retention <= '10 years');

-- outbox_stats counts by status on every scrape: an index keeps that bounded as sent mail piles up.
create index mail_outbox_status_idx on portal.mail_outbox (status);

alter table portal.auth_events drop constraint auth_events_event_check;
alter table portal.auth_events add constraint auth_events_event_check check (event in (
    'port_created', 'client_created', 'invite', 'invite_refused', 'resend', 'activation',
    'sign_in_ok', 'sign_in_failed', 'lockout', 'reset_requested', 'reset_throttled',
    'reset_completed', 'password_changed', 'hash_upgraded', 'sign_out', 'sign_out_everywhere',
    'disable', 'enable', 'unlock', 'revoke_sessions',
    'admin_key_created', 'admin_key_revoked', 'setting_changed', 'pruned'));

-- Append-only, except for the rows prune removes inside its own transaction.
create or replace function portal.auth_events_refuse_change() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op = 'DELETE' and current_setting('portal.pruning', true) = 'on' then
        return old;
    end if;
    raise exception 'portal.auth_events is append-only' using errcode = 'insufficient_privilege';
end
$$;
-- The owner may delete again (prune runs as the owner); the trigger still refuses every delete
-- outside prune, and no login role has any privilege on the table.
grant delete on portal.auth_events to portal_owner;

-- What each setting means (0008), now with audit_retention.
create or replace function portal.setting_catalog()
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
         'How long a mailer holds a claimed mail before another may take it (renewed to cover each send).'),
        ('audit_retention', '30 days to 10 years', '400 days', 'Audit events older than this are deleted by prune.');
$$;

-- Deletes what can no longer matter and returns the counts (jsonb). p_before (at least 1 hour,
-- default 30 days) is the age of finished mail, dead tokens and old windows that are kept;
-- audit events go after audit_retention. Raises PA008 for a p_before under 1 hour.
create function portal_api.prune(p_before interval default '30 days') returns jsonb
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
    delete from portal.revoked_sessions s where s.expires_at < now();
    get diagnostics v_sessions = row_count;
    perform set_config('portal.pruning', 'on', true);
    delete from portal.auth_events e where e.occurred_at < v_audit_cutoff;
    get diagnostics v_events = row_count;
    perform set_config('portal.pruning', 'off', true);

    v_counts := jsonb_build_object('mails', v_mail, 'tokens', v_tokens, 'rateLimitWindows', v_windows,
                                   'signedOutSessions', v_sessions, 'auditEvents', v_events);
    insert into portal.auth_events (event, actor, detail)
    values ('pruned', left(session_user, 200),
            v_counts || jsonb_build_object('before', p_before::text, 'auditBefore', v_audit_cutoff));
    return v_counts;
end
$$;
revoke all on function portal_api.prune(interval) from public;
grant execute on function portal_api.prune(interval) to portal_admin, portal_mailer;
comment on function portal_api.prune(interval) is
    'Retention: deletes finished mail, dead tokens, old windows and sessions older than p_before (default 30 days), and audit events older than audit_retention; returns the counts and audits them. PA008.';

revoke all on all functions in schema portal from public;
