-- Token checks by key: the mailer's token checks (claim_mail, renew_mail) read the token by its primary key,
-- whatever the statistics say — never a scan of the live-token index — and portal.token_live
-- answers as the checks did.
begin;
select plan(9);

select portal_api.create_port('Key Port') as port \gset
select portal_api.invite(portal_api.create_client(:'port', 'Keel ' || g), 'keel-' || g || '@key.example') from generate_series(1, 50) g;
select portal_api.invite(portal_api.create_client(:'port', 'Ketch'), 'ketch@key.example') as uid \gset
select id as mail, token_id as token from portal.mail_outbox where portal_user_id = :'uid' \gset
update portal.mail_outbox set run_at = now() + interval '1 day' where id <> :'mail' and status = 'queued';

-- The planner without statistics (a new database, a bulk invite before autovacuum's ANALYZE):
-- what made it scan portal_auth_tokens_one_live for every check before 0013.
delete from pg_statistic where starelid = 'portal.portal_auth_tokens'::regclass;
select pg_stat_get_xact_numscans('portal.portal_auth_tokens_one_live'::regclass) as live_scans \gset
select is((select count(*)::int from portal_api.claim_mail('mailer-k', 10)), 1, 'The mail is claimed');
select is(portal_api.renew_mail(:'mail', 'mailer-k'), true, 'and renewed');
select is(pg_stat_get_xact_numscans('portal.portal_auth_tokens_one_live'::regclass) - :live_scans, 0::bigint,
    'Neither the claim nor the renewal scanned the live-token index');

select is(portal.token_live(:'token'), true, 'A fresh token is live');
select is(portal.token_live('no-such-token'), false, 'An unknown token is not');
update portal.portal_auth_tokens set expires_at = now() - interval '1 second', created_at = now() - interval '1 hour' where id = :'token';
select is(portal.token_live(:'token'), false, 'An expired token is not');
update portal.portal_auth_tokens set expires_at = now() + interval '1 hour', used_at = now() where id = :'token';
select is(portal.token_live(:'token'), false, 'A used token is not');
update portal.portal_auth_tokens set used_at = null, revoked_at = now() where id = :'token';
select is(portal.token_live(:'token'), false, 'A revoked token is not');
select is(portal_api.renew_mail(:'mail', 'mailer-k'), false, 'and a mail whose token died is not renewed');

select * from finish();
rollback;
