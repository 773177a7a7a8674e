-- Email change: staff change an invited user's address at once and an active user's by a link to
-- the new address; the client asks with the password and gets the same answer whether or not the
-- address is taken; the link is single use, typed and expiring, applies the change and ends every
-- session; the address stays globally unique, and of two changes to one address the first wins.
-- Activation and reset sign the client in when the gateway passes a session.
begin;
select plan(51);

\set hash '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo'
\set hash2 '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$c2Vjb25kaGFzaA'
select portal_api.create_port('Change Port') as port \gset
select portal_api.create_client(:'port', 'Yawl AG') as client \gset
select portal_api.create_client(:'port', 'Ketch KG') as other_client \gset
select portal_api.create_client(:'port', 'Cutter Co') as invited_client \gset
select portal_api.create_client(:'port', 'Sloop SA') as third_client \gset
select portal_api.invite(:'client', 'skipper@yawl.example', 'Skipper') as uid \gset
select portal_api.invite(:'other_client', 'mate@ketch.example', 'Mate') as other_uid \gset
select portal_api.invite(:'invited_client', 'typo@cutter.exmaple', 'Deckhand') as invited_uid \gset
select portal_api.invite(:'third_client', 'bosun@sloop.example', 'Bosun') as third_uid \gset
update portal.portal_users set password_hash = :'hash', activated_at = now() where id in (:'uid', :'other_uid', :'third_uid');
update portal.portal_auth_tokens set revoked_at = now() where portal_user_id in (:'uid', :'other_uid', :'third_uid');

-- Staff: an invited user's address changes at once, with a fresh activation link to it.
select id as old_link from portal.portal_auth_tokens where portal_user_id = :'invited_uid' and revoked_at is null \gset
select is(portal_api.change_email(:'invited_client', ' Deckhand@Cutter.Example ')->>'email', 'deckhand@cutter.example',
    'Staff change an invited user''s address at once (normalised)');
select ok((select revoked_at is not null from portal.portal_auth_tokens where id = :'old_link'),
    'The activation link mailed to the old address is revoked');
select is((select recipient from portal.mail_outbox m join portal.portal_auth_tokens t on t.id = m.token_id
            where m.portal_user_id = :'invited_uid' and t.type = 'activation' and t.revoked_at is null),
    'deckhand@cutter.example', 'A fresh activation link goes to the new address');
select is((select detail->>'from' from portal.auth_events where portal_user_id = :'invited_uid' and event = 'email_changed'),
    'typo@cutter.exmaple', 'The change is audited with the address it replaced');

-- Staff: an active user's address changes only through a link to the new address.
select is(portal_api.change_email(:'client', 'skipper@new-mail.example')->>'email', 'skipper@yawl.example',
    'Staff asking to change an active user''s address changes nothing yet');
select is(portal_api.portal_user_status(:'client')->>'pendingEmail', 'skipper@new-mail.example',
    'The status shows the address waiting for confirmation');
select is((select new_email from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'email_change' and revoked_at is null),
    'skipper@new-mail.example', 'An email_change token carries the new address');
select is((select recipient from portal.mail_outbox where portal_user_id = :'uid' and kind = 'email_change'),
    'skipper@new-mail.example', 'The confirmation link is mailed to the new address');
select is((select recipient || ' ' || (data->>'newEmail') from portal.mail_outbox where portal_user_id = :'uid' and kind = 'email_change_notice'),
    'skipper@yawl.example skipper@new-mail.example', 'A notice naming the new address goes to the current one');
select ok((select token_id is null from portal.mail_outbox where portal_user_id = :'uid' and kind = 'email_change_notice'),
    'The notice carries no link');
select ok((select expires_at - created_at = interval '24 hours' from portal.portal_auth_tokens
            where portal_user_id = :'uid' and type = 'email_change' and revoked_at is null),
    'The link lives for the configured 24 hours');
select throws_ok(format($$ select portal_api.change_email(%L, 'MATE@ketch.example') $$, :'client'), 'PA002', null,
    'Staff cannot move a user to an address another portal user has');
select throws_ok(format($$ select portal_api.change_email(%L, 'not an address') $$, :'client'), 'PA008', null,
    'A malformed address is refused');
select is(portal_api.change_email(:'client', 'SKIPPER@yawl.example')->>'note', 'The address is already this one: nothing changed.',
    'The current address again changes nothing, and says so');
select portal_api.disable_portal_user(:'third_client');
select throws_ok(format($$ select portal_api.change_email(%L, 'x@sloop.example') $$, :'third_client'), 'PA012', null,
    'A disabled user''s address is not changed');
select portal_api.enable_portal_user(:'third_client');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'email_change'), 1,
    'A refused change issues no token');

-- The client: the password's hash must still be the one the gateway verified.
select throws_ok(format($$ select portal_api.request_email_change(%L, %L, 'skipper@other.example') $$, :'uid', :'hash2'), 'PA013', null,
    'A change with a stale password hash is refused');
update portal.portal_users set locked_until = now() + interval '1 minute' where id = :'uid';
select throws_ok(format($$ select portal_api.request_email_change(%L, %L, 'skipper@other.example') $$, :'uid', :'hash'), 'PA013', null,
    'A locked account cannot change its address');
update portal.portal_users set locked_until = null where id = :'uid';

-- The client, to an address another user has: no link, a note to that mailbox, the same answer.
select lives_ok(format($$ select portal_api.request_email_change(%L, %L, 'Mate@Ketch.example', '192.0.2.9', 'ua') $$, :'uid', :'hash'),
    'A change to a taken address answers like any other');
select is((select count(*)::int from portal.mail_outbox where kind = 'email_taken' and recipient = 'mate@ketch.example'
             and portal_user_id = :'other_uid' and token_id is null), 1,
    'The taken address gets a note, without a link');
select is((select new_email from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'email_change' and revoked_at is null),
    'skipper@new-mail.example', 'and no token is issued for it (the earlier link stays)');
select is((select detail->>'reason' from portal.auth_events where portal_user_id = :'uid' and event = 'email_change_requested'
            order by id desc limit 1), 'email_taken', 'The refusal is audited for staff, not told to the caller');

-- The client, to a free address: the link replaces the earlier one.
select id as staff_link from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'email_change' and revoked_at is null \gset
select lives_ok(format($$ select portal_api.request_email_change(%L, %L, 'skipper@harbour.example') $$, :'uid', :'hash'),
    'A change to a free address is accepted');
select ok((select revoked_at is not null from portal.portal_auth_tokens where id = :'staff_link'),
    'The earlier email-change link is revoked (one live per user and type)');
select id as link from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'email_change' and revoked_at is null \gset
select is((select count(*)::int from portal.mail_outbox where token_id = :'link' and kind = 'email_change'
             and recipient = 'skipper@harbour.example'), 1, 'Its link is mailed to the new address');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'email_change_notice'
             and recipient = 'skipper@yawl.example' and data->>'newEmail' = 'skipper@harbour.example'), 1,
    'and the notice to the current one');

-- The token's rules.
select throws_ok(format($$ insert into portal.portal_auth_tokens (portal_user_id, type, expires_at) values (%L, 'email_change', now() + interval '1 hour') $$, :'uid'),
    '23514', null, 'An email_change token without its address is refused by a CHECK');
select throws_ok(format($$ insert into portal.portal_auth_tokens (portal_user_id, type, expires_at, new_email) values (%L, 'reset', now() + interval '1 hour', 'a@b.example') $$, :'uid'),
    '23514', null, 'Only an email_change token carries an address');
select throws_ok(format($$ insert into portal.portal_auth_tokens (portal_user_id, type, expires_at, new_email) values (%L, 'email_change', now() + interval '8 days', 'a@b.example') $$, :'uid'),
    '23514', null, 'An email_change token lives at most 7 days');
select throws_ok($$ select portal_api.set_setting('email_change_ttl', '8 days') $$, 'PA010', null,
    'The email-change lifetime is bounded');

-- Confirming.
select portal_api.seal_token(:'link', sha256('change-raw'));
select portal_api.seal_token(:'staff_link', sha256('revoked-raw'));
select is(portal_api.token_status(sha256('change-raw')),
    '{"status": "valid", "type": "email_change", "portName": "Change Port", "newEmail": "skipper@harbour.example"}'::jsonb,
    'A live email-change link reports its type and address');
select throws_ok($$ select portal_api.confirm_email_change(sha256('revoked-raw')) $$, 'PA001', null,
    'A revoked email-change link is refused');
select throws_ok($$ select portal_api.consume_token('reset', sha256('change-raw'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$bmV3bmV3bmV3bmV3') $$,
    'PA001', null, 'An email-change link cannot set a password');
select throws_ok($$ select portal_api.consume_token('email_change', sha256('change-raw'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$bmV3bmV3bmV3bmV3') $$,
    'PA001', null, 'nor by naming its type');

select portal_api.sign_in_record('skipper@yawl.example', :'uid', :'hash', true, null, null, null, 'jti-old', now() + interval '1 hour');
select session_epoch as epoch from portal.portal_users where id = :'uid' \gset
select portal_api.request_password_reset('skipper@yawl.example');
select id as reset_link from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'reset' and revoked_at is null \gset
update portal.portal_auth_tokens set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = :'link';
select throws_ok($$ select portal_api.confirm_email_change(sha256('change-raw')) $$, 'PA001', null,
    'An expired email-change link is refused');
update portal.portal_auth_tokens set created_at = now(), expires_at = now() + interval '1 hour' where id = :'link';

select is(portal_api.confirm_email_change(sha256('change-raw'), '192.0.2.9', 'ua')->>'email', 'skipper@harbour.example',
    'The link moves the account to the new address');
select is((select email from portal.portal_users where id = :'uid'), 'skipper@harbour.example', 'The new address is stored');
select is(portal_api.session_check(:'uid', :'epoch'::int, 'jti-old'), null, 'Every session ended');
select is((select session_epoch from portal.portal_users where id = :'uid'), :'epoch'::int + 1, 'The session epoch is bumped');
select ok((select revoked_at is not null from portal.portal_auth_tokens where id = :'reset_link'),
    'A reset link mailed to the old address dies with it');
select is((select detail->>'from' from portal.auth_events where portal_user_id = :'uid' and event = 'email_changed'),
    'skipper@yawl.example', 'The change is audited with the old address');
select throws_ok($$ select portal_api.confirm_email_change(sha256('change-raw')) $$, 'PA001', null,
    'The link works once');
select is(portal_api.portal_user_status(:'client')->>'pendingEmail', null, 'No address waits any more');
select ok((select sign_in_lookup.user_id = :'uid' from portal_api.sign_in_lookup('skipper@harbour.example')),
    'Sign-in finds the account by its new address');
select is((select user_id from portal_api.sign_in_lookup('skipper@yawl.example')), null, 'and no longer by the old one');

-- Two changes to one address: the first to be confirmed wins; the other changes nothing.
select portal_api.request_email_change(:'other_uid', :'hash', 'shared@harbour.example');
select portal_api.request_email_change(:'third_uid', :'hash', 'shared@harbour.example');
select portal_api.seal_token(t.id, sha256(convert_to('race-' || t.portal_user_id, 'UTF8'))) from portal.portal_auth_tokens t
 where t.type = 'email_change' and t.new_email = 'shared@harbour.example';
select is(portal_api.confirm_email_change(sha256(convert_to('race-' || :'third_uid', 'UTF8')))->>'email', 'shared@harbour.example',
    'The first confirmation of an address wins');
select throws_ok(format($$ select portal_api.confirm_email_change(sha256(convert_to('race-' || %L, 'UTF8'))) $$, :'other_uid'), 'PA002', null,
    'The second is refused as email_taken');
select is((select email from portal.portal_users where id = :'other_uid'), 'mate@ketch.example', 'and keeps its address');

-- Activation and reset sign the client in when the gateway passes a session.
select portal_api.resend_activation(:'invited_client');
select id as act from portal.portal_auth_tokens where portal_user_id = :'invited_uid' and type = 'activation' and revoked_at is null \gset
select portal_api.seal_token(:'act', sha256('act-raw'));
select is(portal_api.consume_token('activation', sha256('act-raw'), :'hash', '192.0.2.9', 'ua', 'jti-activated', now() + interval '1 hour')->>'sessionEpoch',
    (select (session_epoch + 1)::text from portal.portal_users where id = :'invited_uid'),
    'Activation with a session returns the user with its new epoch');
select ok(portal_api.session_check(:'invited_uid', (select session_epoch from portal.portal_users where id = :'invited_uid'), 'jti-activated') is not null,
    'The session recorded by activation is live');
select ok((select last_login_at is not null from portal.portal_users where id = :'invited_uid'),
    'and counts as a sign-in');

select * from finish();
rollback;
