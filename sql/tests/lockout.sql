-- Addresses, the per-address sign-in budget and the lock, hash upgrades and mail leases: the
-- rules that keep an attacker's inputs and retries from getting past the SQL, each proved here.
begin;
select plan(29);

select portal_api.create_port('Lockout Port') as port \gset
select portal_api.create_port('Other Port') as other_port \gset
select portal_api.create_client(:'port', 'Ketch Ltd') as client \gset
select portal_api.create_client(:'other_port', 'Yawl Ltd') as other_client \gset

-- Email syntax: one practical addr-spec, in SQL as in Swift.
select throws_ok(format($$ select portal_api.invite(%L, 'x>,<y@z.w') $$, :'client'), 'PA008', null,
    'An address that would break a To: header (x>,<y@z.w) is refused');
select throws_ok(format($$ select portal_api.invite(%L, 'a;b@example.com') $$, :'client'), 'PA008', null,
    'An address with a header special (;) is refused');
select throws_ok(format($$ select portal_api.invite(%L, 'a"b@example.com') $$, :'client'), 'PA008', null,
    'An address with a quote is refused');
select throws_ok(format($$ select portal_api.invite(%L, 'ab@localhost') $$, :'client'), 'PA008', null,
    'An address without a dot in the domain is refused');

select portal_api.invite(:'client', ' Ketch.Owner@Example.COM ', 'Ketch Owner') as uid \gset
select is((select email from portal.portal_users where id = :'uid'), 'ketch.owner@example.com',
    'The database trims and lower-cases the address (the one place that does)');
select throws_ok(format($$ select portal_api.invite(%L, 'KETCH.OWNER@example.com') $$, :'other_client'), 'PA002', null,
    'The same address in another case is the same account');

-- One index serves every email lookup (the old one, on lower(email), could not serve email = $1).
set local enable_seqscan = off;
select portal_api.request_password_reset('nobody@example.com');
select ok(pg_stat_get_xact_numscans('portal.portal_users_email_key'::regclass) > 0,
    'Forgot-password looks the address up through the unique email index');
reset enable_seqscan;

-- Activate the user (a PHC hash as the gateway would set it) and sign in once.
update portal.portal_users set password_hash = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', activated_at = now()
 where id = :'uid';
-- The session the gateway would have recorded at that sign-in.
insert into portal.sessions (jti, portal_user_id, session_epoch, expires_at) values ('jti-1', :'uid', 1, now() + interval '1 hour');

-- Failed password checks spend the address's budget before they count toward a lock.
select portal_api.set_rate_limit('sign_in_fail_ip', 3, '15 minutes');
select portal_api.sign_in_record('ghost@example.com', null, null, false, '203.0.113.5', 'ua', '203.0.113.5')
  from generate_series(1, 5);
select is(portal_api.sign_in_gate('203.0.113.5'), 0, 'Unknown emails spend no budget (they lock nothing)');
select portal_api.sign_in_record('ketch.owner@example.com', :'uid', null, false, '203.0.113.5', 'ua', '203.0.113.5')
  from generate_series(1, 3);
select is(portal_api.sign_in_gate('203.0.113.9'), 0, 'Another address may still try');
select ok(portal_api.sign_in_gate('203.0.113.5') > 0,
    'An address that used up its failed password checks is refused before it can count on more accounts');
select is((select failed_attempts from portal.portal_users where id = :'uid'), 3, 'The account counts its own failures');
delete from portal.rate_limits;
select portal_api.set_rate_limit('sign_in_fail_ip', 30, '15 minutes');

-- Change-password obeys the lock.
select portal_api.sign_in_record('ketch.owner@example.com', :'uid', null, false) from generate_series(1, 7);
select ok((select locked_until > now() from portal.portal_users where id = :'uid'), 'Ten failures lock the account');
select is((select array[session_valid::text, password_hash] from portal_api.change_password_lookup(:'uid', 1, 'jti-1')),
    array['true', null], 'While locked, change-password finds the session valid but no hash to verify against');
select throws_ok(format($$ select portal_api.change_password(%L, %L, %L) $$, :'uid',
        '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$bmV3bmV3bmV3bmV3'),
    'PA013', null, 'While locked, change_password refuses even the right current hash');
select is((select session_valid from portal_api.change_password_lookup(:'uid', 99, 'jti-1')), false,
    'A stale session epoch is not a valid session');

-- The lock does not stop the reset mail, and a completed reset clears the lock.
select portal_api.request_password_reset('ketch.owner@example.com');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'reset'), 1,
    'A locked account still gets its reset mail');
select id as reset_token from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'reset' \gset
select portal_api.seal_token(:'reset_token', sha256('lockout-reset'));
select portal_api.consume_token('reset', sha256('lockout-reset'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$cmVzZXRyZXNldHJlc2V0');
select is((select array[failed_attempts::text, locked_until::text] from portal.portal_users where id = :'uid'),
    array['0', null], 'A completed reset clears the lock and the failure count');

-- upgrade_password_hash: only an upgrade, only right after a sign-in.
select is(portal_api.upgrade_password_hash(:'uid', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$cmVzZXRyZXNldHJlc2V0',
        '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$dXBncmFkZWQ'), false, 'No upgrade without a sign-in in the last minute');
update portal.portal_users set last_login_at = now() where id = :'uid';
select is(portal_api.upgrade_password_hash(:'uid', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$cmVzZXRyZXNldHJlc2V0',
        '$scrypt$ln=12,r=8,p=1$c2FsdHNhbHQ$d2Vha3dlYWs'), false, 'A weaker hash is never written');
select throws_ok(format($$ select portal_api.upgrade_password_hash(%L, %L, %L) $$, :'uid',
        '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$cmVzZXRyZXNldHJlc2V0', 'c2FsdA:cGxhbnRlZA'),
    'PA008', null, 'An upgrade to anything but a PHC hash is refused');
update portal.portal_users set password_hash = '33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog' where id = :'uid';
select is(portal_api.upgrade_password_hash(:'uid', '33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog', '$scrypt$ln=13,r=8,p=1$c2FsdHNhbHQ$dXBncmFkZWQ'),
    false, 'A legacy hash is not replaced by a cheaper PHC one');
select is(portal_api.upgrade_password_hash(:'uid', '33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$dXBncmFkZWQ'),
    true, 'A legacy hash is upgraded to PHC of at least its cost right after a sign-in');

-- An admin key's invite that hits a taken address is audited, across ports.
select portal_api.create_admin_key(:'other_port', 'other crm') as other_key \gset
select is(portal_api.key_invite(sha256(convert_to(:'other_key', 'UTF8')), :'other_client', 'Ketch.Owner@example.com'),
    '{"error": "email_taken"}'::jsonb, 'A key''s invite of a taken address answers email_taken');
select is((select array[event, on_behalf_of, email] from portal.auth_events where event = 'invite_refused'),
    array['invite_refused', 'admin_key:' || (select id from portal.admin_keys where port_id = :'other_port'), 'ketch.owner@example.com'],
    'and leaves an invite_refused audit row naming the key');

-- renew_mail: the lease covers the send, a lost lease or a dead token sends nothing.
select portal_api.invite(:'other_client', 'yawl@example.com') as yawl_uid \gset
select id as yawl_mail from portal.mail_outbox where portal_user_id = :'yawl_uid' \gset
update portal.mail_outbox set status = 'sent', sent_at = now() where id <> :yawl_mail and status = 'queued';
select count(*) from portal_api.claim_mail('mailer-a', 10);
select is(portal_api.renew_mail(:yawl_mail, 'mailer-b'), false, 'Another worker cannot renew a lease it does not hold');
select is(portal_api.renew_mail(:yawl_mail, 'mailer-a', '60 seconds'), true, 'The holder renews its lease');
select ok((select locked_until >= now() + interval '70 seconds' from portal.mail_outbox where id = :yawl_mail),
    'The renewed lease outlasts the send timeout');
select portal_api.disable_portal_user(:'other_client');
select is(portal_api.renew_mail(:yawl_mail, 'mailer-a'), false, 'A mail whose user was disabled mid-batch is not sent');
select is((select status from portal.mail_outbox where id = :yawl_mail), 'skipped', 'and is marked skipped');

select * from finish();
rollback;
