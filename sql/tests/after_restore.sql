-- After a restore: one call signs everyone out, revokes every outstanding link and skips its
-- mail, and leaves accounts, used links and the audit trail as they were.
begin;
select plan(14);

select portal_api.create_port('Restore Port') as port \gset
select portal_api.create_client(:'port', 'Active Client') as active_client \gset
select portal_api.create_client(:'port', 'Invited Client') as invited_client \gset
select portal_api.invite(:'active_client', 'active@restore.example') as active_user \gset
select portal_api.invite(:'invited_client', 'invited@restore.example') as invited_user \gset
-- The active user's link was used (as after an activation); the invited user's is outstanding.
update portal.portal_auth_tokens set used_at = now() where portal_user_id = :'active_user';
update portal.mail_outbox set status = 'sent', sent_at = now() where portal_user_id = :'active_user';
select session_epoch as epoch_before from portal.portal_users where id = :'active_user' \gset
-- A live session at the current epoch: the restore must end it whatever its epoch (a cookie issued
-- after the backup carries an epoch that the restore's bump can reach).
update portal.portal_users set password_hash = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', activated_at = now()
 where id = :'active_user';
select portal_api.sign_in_record('active@restore.example', :'active_user', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
                                 true, null, null, null, 'jti-restored', now() + interval '1 hour');

select portal_api.after_restore() as counts \gset

select is((select session_epoch from portal.portal_users where id = :'active_user'), :epoch_before + 1,
    'Every session epoch is bumped: cookies issued before are refused');
select is((select count(*)::int from portal.portal_users where session_epoch = 1), 0, 'for every user');
select is(portal_api.session_check(:'active_user', :epoch_before, 'jti-restored'), null,
    'A session at the epoch of the backup is refused');
select is(portal_api.session_check(:'active_user', :epoch_before + 1, 'jti-restored'), null,
    'and at the bumped epoch too: whatever its epoch, a session ends');
select is((select count(*)::int from portal.sessions), 0, 'No recorded session is left');
select ok((:'counts'::jsonb ->> 'sessionsEnded')::int >= 1, 'The counts include the sessions ended');
select isnt((select revoked_at from portal.portal_auth_tokens where portal_user_id = :'invited_user'), null,
    'An outstanding link is revoked');
select is((select revoked_at from portal.portal_auth_tokens where portal_user_id = :'active_user'), null,
    'A used link is left as it was');
select is((select status from portal.mail_outbox where portal_user_id = :'invited_user'), 'skipped',
    'The mail that would carry a revoked link is skipped');
select is((select status from portal.mail_outbox where portal_user_id = :'active_user'), 'sent', 'Sent mail is left as it was');
select ok((:'counts'::jsonb ->> 'usersSignedOut')::int >= 2 and (:'counts'::jsonb ->> 'linksRevoked')::int >= 1,
    'The counts are returned');
select is((select detail from portal.auth_events where event = 'restored' order by id desc limit 1), :'counts'::jsonb,
    'One audit row records them');
select is((select count(*)::int from portal.portal_users where id in (:'active_user', :'invited_user')), 2,
    'Accounts stay');
select is((:'counts'::jsonb ->> 'liveAdminKeys')::int, (select count(*)::int from portal.admin_keys where revoked_at is null),
    'It reports the live admin keys, for the operator to check against their records');

select * from finish();
rollback;
