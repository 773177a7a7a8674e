-- portal-auth 0011: after a restore from a backup.
--
-- A restored database has forgotten everything that happened after the backup was taken:
-- sign-outs and revoked sessions are live again, links consumed since can be used a second
-- time, and mail queued since is gone. portal_api.after_restore() makes it safe in one
-- statement: every session epoch is bumped (every cookie, however recent, is refused: everyone
-- signs in again), every outstanding link is revoked (clients ask for a new reset link, staff
-- resend invitations), and the mail still waiting to carry those links is skipped. Accounts,
-- passwords and the audit trail stay as restored. One audit row records the counts.
--
-- What it cannot know: admin keys revoked and users disabled after the backup are live again
-- (the restored audit trail ends at the backup too). It returns the live admin keys and active
-- users counts so the operator checks them against their own records (README runbook).

set local role portal_owner;

-- NOT VALID, then VALIDATE: the long scan of the audit table runs without blocking its inserts.
alter table portal.auth_events drop constraint auth_events_event_check;
alter table portal.auth_events add constraint auth_events_event_check check (event in (
    'port_created', 'client_created', 'invite', 'invite_refused', 'resend', 'activation',
    'sign_in_ok', 'sign_in_failed', 'lockout', 'reset_requested', 'reset_throttled',
    'reset_completed', 'password_changed', 'hash_upgraded', 'sign_out', 'sign_out_everywhere',
    'disable', 'enable', 'unlock', 'revoke_sessions',
    'admin_key_created', 'admin_key_revoked', 'setting_changed', 'pruned', 'restored')) not valid;
alter table portal.auth_events validate constraint auth_events_event_check;

-- Signs everyone out and revokes every outstanding link; returns the counts (jsonb). Raises nothing.
create function portal_api.after_restore() returns jsonb
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_users integer;
    v_tokens integer;
    v_mails integer;
    v_counts jsonb;
begin
    update portal.portal_users u set session_epoch = u.session_epoch + 1;
    get diagnostics v_users = row_count;
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

    v_counts := jsonb_build_object('usersSignedOut', v_users, 'linksRevoked', v_tokens, 'mailsSkipped', v_mails,
        'liveAdminKeys', (select count(*) from portal.admin_keys k where k.revoked_at is null),
        'activeUsers', (select count(*) from portal.portal_users u where u.is_active));
    insert into portal.auth_events (event, actor, detail) values ('restored', left(session_user, 200), v_counts);
    return v_counts;
end
$$;
revoke all on function portal_api.after_restore() from public;
grant execute on function portal_api.after_restore() to portal_admin;
comment on function portal_api.after_restore() is
    'After a restore from a backup: bumps every session epoch (everyone signs in again), revokes every outstanding link and skips its mail; returns the counts and audits them.';
