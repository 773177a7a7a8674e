-- Sign-in support: lookup, success/failure recording, lockout back-off, sessions, sign-out.
begin;
select plan(28);

select portal_api.create_port('Sign-in Port') as port \gset
select portal_api.create_client(:'port', 'Dinghy GmbH') as client \gset
select portal_api.invite(:'client', 'crew@dinghy.example', 'Crew') as uid \gset
select is((select password_hash from portal_api.sign_in_lookup('crew@dinghy.example')), null,
    'An invited (not activated) user has no hash to verify against');

update portal.portal_users set password_hash = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', activated_at = now()
 where id = :'uid';
select is((select password_hash from portal_api.sign_in_lookup(' CREW@Dinghy.example')), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    'Lookup is case-insensitive and returns the hash of an active user');
select is((select user_id from portal_api.sign_in_lookup('ghost@dinghy.example')), null, 'An unknown email yields no user');

select is(portal_api.sign_in_record('ghost@dinghy.example', null, null, false, '192.0.2.1', 'ua'), null,
    'Recording an unknown-email failure returns NULL');
select is((select detail->>'reason' from portal.auth_events where event = 'sign_in_failed' order by id desc limit 1), 'unknown_email',
    'and audits it');

select is(portal_api.sign_in_record('crew@dinghy.example', :'uid', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', true, '192.0.2.1', 'ua')->>'sessionEpoch',
    '1', 'A verified sign-in returns the user with its session epoch');
select ok((select last_login_at is not null from portal.portal_users where id = :'uid'), 'A sign-in records the last login');
select is(portal_api.sign_in_record('crew@dinghy.example', :'uid', 'stale-hash', true), null,
    'A success against a hash that has since changed is refused (and counts as a failure)');

-- Nine failures (the stale one above and eight more) do not lock; the tenth does, for one minute.
select portal_api.sign_in_record('crew@dinghy.example', :'uid', null, false) from generate_series(1, 8);
select is((select locked_until from portal.portal_users where id = :'uid'), null, 'Nine failures do not lock the account');
select portal_api.sign_in_record('crew@dinghy.example', :'uid', null, false);
select is((select locked_until - now() from portal.portal_users where id = :'uid'), interval '1 minute',
    'The tenth consecutive failure locks the account for one minute');
select is((select password_hash from portal_api.sign_in_lookup('crew@dinghy.example')), null,
    'A locked account yields no hash, so the gateway verifies a dummy');
select is(portal_api.portal_user_status(:'client')->>'state', 'locked', 'The status shows locked');
select portal_api.sign_in_record('crew@dinghy.example', :'uid', null, false);
select is((select failed_attempts from portal.portal_users where id = :'uid'), 10, 'Failures while locked do not extend the lock');
select is(portal_api.sign_in_record('crew@dinghy.example', :'uid', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', true), null,
    'Even the right password is refused while locked');

-- The lock runs out; the next failure locks for twice as long, and so on up to an hour.
update portal.portal_users set locked_until = now() - interval '1 second' where id = :'uid';
select portal_api.sign_in_record('crew@dinghy.example', :'uid', null, false);
select is((select locked_until - now() from portal.portal_users where id = :'uid'), interval '2 minutes',
    'The eleventh failure locks for two minutes');
update portal.portal_users set locked_until = now() - interval '1 second', failed_attempts = 30 where id = :'uid';
select portal_api.sign_in_record('crew@dinghy.example', :'uid', null, false);
select is((select locked_until - now() from portal.portal_users where id = :'uid'), interval '1 hour',
    'The back-off is capped at one hour');
select is((select count(*)::int from portal.auth_events where portal_user_id = :'uid' and event = 'lockout'), 3, 'Each lockout is audited');

select portal_api.unlock_portal_user(:'client');
select is(portal_api.sign_in_record('crew@dinghy.example', :'uid', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', true)->>'id', :'uid',
    'After an unlock the right password works');
select is((select failed_attempts from portal.portal_users where id = :'uid'), 0, 'A success resets the failure count');

-- Hash upgrade is a compare-and-swap.
select is(portal_api.upgrade_password_hash(:'uid', 'not-the-current', '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$dXBncmFkZWQ'), false,
    'An upgrade against a stale hash changes nothing');
select is(portal_api.upgrade_password_hash(:'uid', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$dXBncmFkZWQ'), true,
    'An upgrade against the current hash replaces it');

-- Sessions: three sign-ins, each recording its session (as the gateway does).
select portal_api.sign_in_record('crew@dinghy.example', :'uid', '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$dXBncmFkZWQ', true, null, null,
                                 null, 'jti-' || n, now() + interval '1 hour')
  from generate_series(1, 3) n;
select is(portal_api.session_check(:'uid', 1, 'jti-9'), null, 'A session that was never issued is refused');
select is(portal_api.session_check(:'uid', 1, 'jti-1')->>'id', :'uid', 'A session with the current epoch is valid');
select is(portal_api.sign_out(:'uid', 1, 'jti-1', now() + interval '1 hour'), true, 'Signing out one session succeeds');
select is(portal_api.session_check(:'uid', 1, 'jti-1'), null, 'A signed-out session (replayed cookie) is refused');
select is(portal_api.session_check(:'uid', 1, 'jti-2')->>'id', :'uid', 'Other sessions of the user live on');
select portal_api.sign_out(:'uid', 1, 'jti-2', now() + interval '1 hour', true);
select is(portal_api.session_check(:'uid', 1, 'jti-3'), null, 'Signing out everywhere ends every session of the old epoch');
select portal_api.disable_portal_user(:'client');
select is(portal_api.session_check(:'uid', 2, 'jti-4'), null, 'A disabled user has no valid session');

select * from finish();
rollback;
