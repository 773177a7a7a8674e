-- The outbox: claim with a lease, complete, fail with back-off, dead, skip, release.
begin;
select plan(28);

select portal_api.create_port('Mail Port') as port \gset
select portal_api.create_client(:'port', 'Schooner SA') as client \gset
select portal_api.invite(:'client', 'mate@schooner.example') as uid \gset
select id as mail from portal.mail_outbox where portal_user_id = :'uid' \gset
-- Run every other queued mail later, so this test sees only its own.
update portal.mail_outbox set run_at = now() + interval '1 day' where id <> :'mail' and status = 'queued';

select is((select count(*)::int from portal_api.claim_mail('mailer-a', 10)), 1, 'A queued mail is claimed');
select is((select status || '/' || locked_by || '/' || attempts from portal.mail_outbox where id = :'mail'), 'sending/mailer-a/1',
    'A claim marks the mail sending, leases it and counts the attempt');
select is((select count(*)::int from portal_api.claim_mail('mailer-b', 10)), 0, 'A leased mail is not claimed twice');
select is(portal_api.complete_mail(:'mail', 'mailer-b'), false, 'Only the lease holder can complete a mail');

select is(portal_api.fail_mail(:'mail', 'mailer-a', 'connection refused'), 'queued', 'A transient failure requeues the mail');
select is((select run_at - now() from portal.mail_outbox where id = :'mail'), interval '30 seconds',
    'The first retry waits the base back-off');
update portal.mail_outbox set run_at = now() where id = :'mail';
select portal_api.claim_mail('mailer-a', 10);
select portal_api.fail_mail(:'mail', 'mailer-a', 'connection refused');
select is((select run_at - now() from portal.mail_outbox where id = :'mail'), interval '60 seconds',
    'The second retry waits twice as long');

-- The lease runs out (the mailer died): the mail is due again for another mailer.
update portal.mail_outbox set run_at = now() where id = :'mail';
select portal_api.claim_mail('mailer-a', 10);
update portal.mail_outbox set locked_until = now() - interval '1 second' where id = :'mail';
select is((select count(*)::int from portal_api.claim_mail('mailer-b', 10)), 1, 'A mail whose lease expired is claimed again');
select is(portal_api.complete_mail(:'mail', 'mailer-a'), false, 'The old lease holder can no longer complete it');
select is(portal_api.complete_mail(:'mail', 'mailer-b'), true, 'The new lease holder completes it');
select is((select status from portal.mail_outbox where id = :'mail'), 'sent', 'The mail is sent');
select is(portal_api.portal_user_status(:'client')->'lastMail'->>'status', 'sent', 'The admin status shows the delivery state');

-- Permanent failure, and running out of attempts, end dead.
select portal_api.resend_activation(:'client');
select max(id) as mail2 from portal.mail_outbox where portal_user_id = :'uid' \gset
select portal_api.claim_mail('mailer-a', 10);
select is(portal_api.fail_mail(:'mail2', 'mailer-a', '550 no such user', true), 'dead', 'A permanent failure ends dead');
select is(portal_api.portal_user_status(:'client')->'lastMail'->>'status', 'dead', 'A dead mail shows in the admin status');

select portal_api.resend_activation(:'client');
select max(id) as mail3 from portal.mail_outbox where portal_user_id = :'uid' \gset
update portal.mail_outbox set attempts = 7 where id = :'mail3';
select portal_api.claim_mail('mailer-a', 10);
select is(portal_api.fail_mail(:'mail3', 'mailer-a', '421 try later'), 'dead', 'The last allowed attempt failing ends dead');

-- A mail whose token was revoked before sending is skipped at claim time.
select portal_api.resend_activation(:'client');
select max(id) as mail4 from portal.mail_outbox where portal_user_id = :'uid' \gset
select portal_api.resend_activation(:'client');
select max(id) as mail5 from portal.mail_outbox where portal_user_id = :'uid' \gset
select is((select array_agg(id order by id) from portal_api.claim_mail('mailer-a', 10)), array[:mail5]::bigint[],
    'Only the mail with the live token is handed out');
select is((select status from portal.mail_outbox where id = :'mail4'), 'skipped', 'The mail with the revoked token is skipped');

select is(portal_api.release_mail(:'mail5', 'mailer-a'), true, 'A claimed mail can be released on shutdown');
select is((select status || '/' || attempts from portal.mail_outbox where id = :'mail5'), 'queued/0',
    'A released mail is queued again without spending an attempt');
select is(portal_api.skip_mail(:'mail5', 'mailer-a', 'x'), false, 'An unclaimed mail cannot be skipped');

-- dispatch_mail: the mailer's one call per mail. It renews the lease, seals the token only under
-- that lease, and completes the mail sent before, in one statement.
select portal_api.resend_activation(:'client');
select max(id) as d1 from portal.mail_outbox where portal_user_id = :'uid' \gset
select token_id as d1_token from portal.mail_outbox where id = :'d1' \gset
select portal_api.claim_mail('mailer-a', 10);
select is((select row(renewed, completed)::text from portal_api.dispatch_mail(:'d1', 'mailer-b', '30 seconds', :'d1_token', sha256('dispatch-b'))),
    '(f,)', 'dispatch_mail for a mail another mailer holds renews nothing');
select is((select token_hash from portal.portal_auth_tokens where id = :'d1_token'), null,
    'and seals nothing: no mailer seals under a lease it does not hold');
select is((select row(renewed, completed)::text from portal_api.dispatch_mail(:'d1', 'mailer-a', '30 seconds', :'d1_token', sha256('dispatch-a'))),
    '(t,)', 'The lease holder renews (and nothing was to be completed)');
select is((select token_hash from portal.portal_auth_tokens where id = :'d1_token'), sha256('dispatch-a'),
    'and seals the token under its lease');
select throws_ok(format($$ select * from portal_api.dispatch_mail(%s, 'mailer-a', '30 seconds', %L, null) $$, :'d1', :'d1_token'),
    'PA008', null, 'A token id without its hash is refused');
-- The next mail's call completes this one.
select portal_api.resend_activation(:'client');
select max(id) as d2 from portal.mail_outbox where portal_user_id = :'uid' \gset
update portal.mail_outbox set status = 'queued', locked_by = null, locked_until = null where id = :'d1';
update portal.mail_outbox set run_at = now() + interval '1 day' where id = :'d1';
select portal_api.claim_mail('mailer-a', 10);
update portal.mail_outbox set status = 'sending', locked_by = 'mailer-a', locked_until = now() + interval '1 minute', run_at = now() where id = :'d1';
select is((select row(renewed, completed)::text from portal_api.dispatch_mail(:'d2', 'mailer-a', '30 seconds', null, null, :'d1')),
    '(t,t)', 'One call renews the next mail and completes the one before');
select is((select status from portal.mail_outbox where id = :'d1'), 'sent', 'The mail before is sent');
select is((select row(renewed, completed)::text from portal_api.dispatch_mail(:'d2', 'mailer-b', '30 seconds', null, null, :'d1')),
    '(f,f)', 'A completion without the lease changes nothing and says so');

select * from finish();
rollback;
