-- Mail that survives a restore and a token key rotation; the email, password-hash and time rules
-- hold for every path that writes them.
begin;
select plan(49);

select portal_api.create_port('Rules Port') as port \gset
select portal_api.create_client(:'port', 'Ketch Ltd') as client \gset
select portal_api.invite(:'client', 'skipper@ketch.example') as uid \gset
select id as mail, token_id as token from portal.mail_outbox where portal_user_id = :'uid' \gset
update portal.mail_outbox set run_at = now() + interval '1 day' where id <> :'mail' and status = 'queued';

-- ---------------------------------------------------------------------------------------------
-- Message keys: one per mail, kept across attempts, new after a restore.

select message_key as key1 from portal_api.claim_mail('mailer-a', 10) where id = :'mail' \gset
select isnt(:'key1'::uuid, null, 'A claimed mail carries a message key');
select portal_api.renew_mail(:'mail', 'mailer-a');

-- ---------------------------------------------------------------------------------------------
-- Sealing through the lease, and re-sealing after the token key rotated.

select lives_ok(format($$ select portal_api.seal_mail_token(%s, 'mailer-a', %L, sha256('raw-under-k1')) $$, :'mail', :'token'),
    'The lease holder seals its mail''s token');
select is((select token_hash from portal.portal_auth_tokens where id = :'token'), sha256('raw-under-k1'),
    'The token is sealed with the hash of the first attempt');
select portal_api.fail_mail(:'mail', 'mailer-a', '451 try again later');
update portal.mail_outbox set run_at = now() where id = :'mail';
select is((select message_key from portal_api.claim_mail('mailer-b', 10) where id = :'mail'), :'key1'::uuid,
    'A retried mail keeps its message key (one Message-ID for every attempt)');
select is(portal_api.renew_mail(:'mail', 'mailer-b'), true, 'The mailer with the new key renews the retried mail');
select throws_ok(format($$ select portal_api.seal_mail_token(%s, 'mailer-a', %L, sha256('raw-under-k2')) $$, :'mail', :'token'),
    'PA009', null, 'A mailer that lost the lease cannot re-seal the token');
update portal.mail_outbox set locked_until = now() - interval '1 second' where id = :'mail';
select throws_ok(format($$ select portal_api.seal_mail_token(%s, 'mailer-b', %L, sha256('raw-under-k2')) $$, :'mail', :'token'),
    'PA009', null, 'A lease that has run out re-seals nothing, even for the mailer that held it');
select portal_api.renew_mail(:'mail', 'mailer-b');
select lives_ok(format($$ select portal_api.seal_mail_token(%s, 'mailer-b', %L, sha256('raw-under-k2')) $$, :'mail', :'token'),
    'The lease holder of the unsent mail re-seals its token under the new key');
select is((select token_hash from portal.portal_auth_tokens where id = :'token'), sha256('raw-under-k2'),
    'The token now carries the new key''s hash');
select lives_ok(format($$ select portal_api.seal_mail_token(%s, 'mailer-b', %L, sha256('raw-under-k2')) $$, :'mail', :'token'),
    'Sealing the same hash again is a no-op');
select is(portal_api.token_status(sha256('raw-under-k2'))->>'status', 'valid', 'The link of the mail now sent works');
select is(portal_api.token_status(sha256('raw-under-k1'))->>'status', 'invalid', 'The link of the failed attempt does not');
select throws_ok(format($$ select portal_api.seal_token(%L, sha256('raw-under-k3')) $$, :'token'),
    'PA009', null, 'The DBA''s seal_token still refuses a different hash');
select portal_api.complete_mail(:'mail', 'mailer-b');
select throws_ok(format($$ select portal_api.seal_mail_token(%s, 'mailer-b', %L, sha256('raw-under-k3')) $$, :'mail', :'token'),
    'PA009', null, 'A sent mail''s token is never re-sealed');
set local role portal_mailer;
select throws_ok(format($$ select portal_api.seal_token(%L, sha256('raw-under-k2')) $$, :'token'),
    '42501', null, 'The mailer seals only through its leases, not with seal_token');
reset role;

-- A restore: the mail is gone from the backup and the outbox ids start over.
delete from portal.mail_outbox where id = :'mail';
select setval(pg_get_serial_sequence('portal.mail_outbox', 'id'), :'mail'::bigint - 1, :'mail'::bigint > 1);
select portal_api.resend_activation(:'client');
select is((select count(*)::int from portal.mail_outbox where id = :'mail'), 1, 'After the restore a new mail gets the old id');
select isnt((select message_key from portal.mail_outbox where id = :'mail'), :'key1'::uuid,
    'but another message key, so its Message-ID was never seen before');

-- ---------------------------------------------------------------------------------------------
-- The email rule.

select is(portal.normalize_email('  Jane@Example.COM '), 'jane@example.com', 'An address is trimmed and lower-cased');
select is(portal.normalize_email('jane@example.com' || chr(160)), 'jane@example.com', 'A trailing no-break space is stripped');
select is(portal.normalize_email(chr(12288) || 'jane@example.com' || chr(8239)), 'jane@example.com',
    'So is any other Unicode white space around the address');
select throws_ok($$ select portal.normalize_email('ja' || chr(8203) || 'ne@example.com') $$, 'PA008', null,
    'A zero-width space inside an address is refused');
select throws_ok($$ select portal.normalize_email('jane@exa' || chr(8238) || 'mple.com') $$, 'PA008', null,
    'A right-to-left override is refused');
select throws_ok($$ select portal.normalize_email(chr(65279) || 'jane@example.com') $$, 'PA008', null,
    'A byte-order mark is refused');
select throws_ok($$ select portal.normalize_email('evil%40attacker.example?x=@north.example') $$, 'PA008', null,
    'A local part with % and ? is refused');
select is(portal.normalize_email('Info@Hafen-MÜRITZ.de'), 'info@hafen-müritz.de', 'An internationalised domain is accepted, lower-cased');
select throws_ok($$ select portal.normalize_email('jürgen@hafen.de') $$, 'PA008', null, 'A non-ASCII local part is refused');
select throws_ok($$ select portal.normalize_email('a..b@hafen.de') $$, 'PA008', null, 'A double dot in the local part is refused');
select throws_ok($$ select portal.normalize_email('a@-hafen.de') $$, 'PA008', null, 'A label starting with a hyphen is refused');
select throws_ok($$ select portal.normalize_email('a@hafen.123') $$, 'PA008', null, 'An all-digit top-level label is refused');

select portal_api.create_client(:'port', 'Yawl Ltd') as client2 \gset
select portal_api.invite(:'client2', 'deckhand@yawl.example' || chr(160)) as uid2 \gset
select is((select email from portal.portal_users where id = :'uid2'), 'deckhand@yawl.example',
    'An invite stores the address without the no-break space');
select is((portal.user_by_email('DeckHand@Yawl.example' || chr(160))).id, :'uid2',
    'A lookup finds the account whatever white space and case the address was typed with');
select throws_ok(format($$ update portal.portal_users set email = 'deck%%hand@yawl.example' where id = %L $$, :'uid2'),
    '23514', null, 'The table refuses an address that breaks the rule, whatever path writes it');
select throws_ok(format($$ insert into portal.mail_outbox (kind, portal_user_id, recipient) values ('password_changed', %L, 'a%%b@yawl.example') $$, :'uid2'),
    '23514', null, 'The outbox refuses a recipient that breaks the rule');

select throws_like(format($$ select portal_api.set_port_contact(%L, 'jürgen@hafen-müritz.de', null) $$, :'port'),
    '%must be ASCII%SMTPUTF8%', 'A reply-to with a non-ASCII local part is refused, saying why');
select lives_ok(format($$ select portal_api.set_port_contact(%L, 'Info@Hafen-Müritz.de', null) $$, :'port'),
    'A reply-to on an internationalised domain is accepted');
select is((select reply_to from portal.ports where id = :'port'), 'info@hafen-müritz.de', 'and stored normalised');
select throws_ok(format($$ select portal_api.set_port_contact(%L, 'info' || chr(8203) || '@north.example', null) $$, :'port'),
    'PA008', null, 'A reply-to with a zero-width space is refused');

-- ---------------------------------------------------------------------------------------------
-- The password-hash rule.

select is(portal.is_password_hash('$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'), true,
    'A PHC hash the gateway writes follows the rule');
select is(portal.is_password_hash('33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog'),
    true, 'A Node hash as Node wrote it follows the rule');
select is(array[
        portal.is_password_hash('$scrypt$ln=5,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'),
        portal.is_password_hash('$scrypt$ln=99,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'),
        portal.is_password_hash('$scrypt$ln=17,r=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'),
        portal.is_password_hash('$scrypt$ln=17,r=8,p=1$c2Fs$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g')],
    array[false, false, false, false], 'PHC hashes with ln=5, ln=99, r=0 or a 3-byte salt are refused');
select is(array[
        portal.is_password_hash('$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'),
        portal.is_password_hash('$scrypt$r=8,ln=17,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'),
        portal.is_password_hash('$scrypt$ln=22,r=32,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g')],
    array[false, false, false], 'Padded base64, parameters out of order and over 2 GiB of memory are refused');
select is(array[
        portal.is_password_hash('33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGo'),
        portal.is_password_hash('33BaejFVlRY1npL4J77_5h:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog'),
        portal.is_password_hash('c2FsdA:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog')],
    array[false, false, false], 'Non-canonical Node hashes (a short key, stray bits, a short salt) are refused');

select portal_api.create_client(:'port', 'Sloop Ltd') as client3 \gset
select throws_ok(format($$ select portal_api.import_portal_user('imp-1', %L, %L, 'imp1@sloop.example',
        '$scrypt$ln=5,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g', 'Imp', true, null, 'staff', null) $$,
        :'port', :'client3'),
    'PA008', null, 'The import refuses a hash the gateway could never verify');
select throws_ok(format($$ update portal.portal_users set password_hash = 'c2FsdA:cGxhbnRlZA', activated_at = now() where id = %L $$, :'uid2'),
    'PA008', null, 'Any path that writes a malformed hash is refused');

-- ---------------------------------------------------------------------------------------------
-- Times.

select throws_ok(format($$ select portal_api.import_portal_user('imp-2', %L, %L, 'imp2@sloop.example', null, 'Imp', true,
        'infinity', 'staff', null) $$, :'port', :'client3'),
    'PA008', null, 'The import refuses an infinite last sign-in');
select throws_ok(format($$ select portal_api.import_portal_user('imp-3', %L, %L, 'imp3@sloop.example', null, 'Imp', true,
        null, 'staff', '-infinity') $$, :'port', :'client3'),
    'PA008', null, 'and a creation at minus infinity');
select throws_ok(format($$ select portal_api.import_portal_user('imp-4', %L, %L, 'imp4@sloop.example', null, 'Imp', true,
        null, 'staff', '4713-01-01 BC') $$, :'port', :'client3'),
    'PA008', null, 'and a date before Christ');
select throws_ok(format($$ update portal.portal_users set last_login_at = 'infinity' where id = %L $$, :'uid2'),
    'PA008', null, 'Any path that writes an infinite time is refused');
select lives_ok(format($$ select portal_api.import_portal_user('imp-5', %L, %L, 'imp5@sloop.example', null, 'Imp', true,
        '2026-03-01 10:00+00', 'staff', '2025-05-01 09:00+00') $$, :'port', :'client3'),
    'Plausible times import');

select * from finish();
rollback;
