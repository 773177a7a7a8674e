-- Forgot / reset password: silent for unknown emails, throttled per account, expiry, epoch bump.
begin;
select plan(17);

select portal_api.create_port('Reset Port') as port \gset
select portal_api.create_client(:'port', 'Yawl AG') as client \gset
select portal_api.invite(:'client', 'captain@yawl.example') as uid \gset
update portal.portal_users set password_hash = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$b2xkb2xkb2xkb2xk', activated_at = now()
 where id = :'uid';
update portal.portal_auth_tokens set revoked_at = now() where portal_user_id = :'uid';

select lives_ok($$ select portal_api.request_password_reset('nobody@yawl.example', '10.0.0.1', 'test') $$,
    'A reset for an unknown email returns normally');
select is((select count(*)::int from portal.portal_auth_tokens t join portal.portal_users u on u.id = t.portal_user_id
            where u.email = 'nobody@yawl.example'), 0, 'and issues nothing');
select is((select detail->>'reason' from portal.auth_events where email = 'nobody@yawl.example' and event = 'reset_requested'),
    'unknown_email', 'but audits the request, so an unknown email costs the same commit as a known one');
select throws_ok($$ select portal_api.request_password_reset('not-an-email') $$, 'PA008', null,
    'A malformed email is refused as invalid input');
select lives_ok($$ select portal_api.request_password_reset(' CAPTAIN@yawl.example ', '10.0.0.1', 'test') $$,
    'A reset for a known email returns the same way');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'reset' and revoked_at is null), 1,
    'A known email gets a reset token');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'reset'), 1,
    'and a queued reset mail');
select ok((select expires_at - created_at = interval '1 hour' from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'reset'),
    'The reset token lives for the configured hour');

select portal_api.request_password_reset('captain@yawl.example');
select portal_api.request_password_reset('captain@yawl.example');
select portal_api.request_password_reset('captain@yawl.example');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'reset'), 3,
    'Reset mails are throttled per account (3 per hour) without telling the caller');
select is((select count(*)::int from portal.auth_events where portal_user_id = :'uid' and event = 'reset_throttled'), 1,
    'The throttled request is audited');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'reset' and used_at is null and revoked_at is null), 1,
    'Only the newest reset token is live');

select id as rt from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'reset' and revoked_at is null \gset
select portal_api.seal_token(:'rt', sha256('reset-raw'));

-- Expiry: move the token into the past (both timestamps, so the lifetime CHECK still holds).
update portal.portal_auth_tokens set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = :'rt';
select is(portal_api.token_status(sha256('reset-raw'))->>'status', 'expired', 'An expired token reports expired');
select throws_ok($$ select portal_api.consume_token('reset', sha256('reset-raw'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$bmV3bmV3bmV3bmV3') $$,
    'PA001', null, 'An expired reset token is refused');
update portal.portal_auth_tokens set created_at = now(), expires_at = now() + interval '1 hour' where id = :'rt';

select is(portal_api.consume_token('reset', sha256('reset-raw'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$bmV3bmV3bmV3bmV3')->>'id', :'uid',
    'A live reset token sets the new password');
select is((select password_hash from portal.portal_users where id = :'uid'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$bmV3bmV3bmV3bmV3',
    'The new hash is stored');
select is((select session_epoch from portal.portal_users where id = :'uid'), 2, 'A reset bumps the session epoch, ending older sessions');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'password_changed'), 1,
    'A reset queues the password_changed mail');

select * from finish();
rollback;
