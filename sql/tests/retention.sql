-- Retention: prune deletes what can no longer matter, keeps everything else, and is the only
-- way an audit row is ever deleted.
begin;
select plan(12);

select portal_api.create_port('Retention Port') as port \gset
select portal_api.create_client(:'port', 'Old Client') as old_client \gset
select portal_api.create_client(:'port', 'New Client') as new_client \gset
select portal_api.invite(:'old_client', 'old@retention.example') as old_user \gset
select portal_api.invite(:'new_client', 'new@retention.example') as new_user \gset

-- Age the old user's history: its mail sent, its token used, 60 days ago; one audit row 500 days old.
update portal.mail_outbox set status = 'sent', sent_at = now() - interval '60 days', created_at = now() - interval '60 days'
 where portal_user_id = :'old_user';
update portal.portal_auth_tokens set created_at = now() - interval '60 days', expires_at = now() - interval '57 days',
       used_at = now() - interval '59 days'
 where portal_user_id = :'old_user';
alter table portal.auth_events disable trigger auth_events_no_update;
update portal.auth_events set occurred_at = now() - interval '500 days' where portal_user_id = :'old_user' and event = 'invite';
alter table portal.auth_events enable trigger auth_events_no_update;

select throws_ok($$ delete from portal.auth_events where event = 'invite' $$, '42501', null,
    'Outside prune, audit rows still cannot be deleted');
select throws_ok($$ select portal_api.prune('5 minutes') $$, 'PA008', null, 'prune keeps at least the last hour');

select portal_api.prune() as counts \gset
select is((:'counts'::jsonb ->> 'mails')::int >= 1, true, 'Finished mail older than 30 days is deleted');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'old_user'), 0, 'all of the old user''s mail');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'old_user'), 0,
    'A used token older than 30 days is deleted');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'new_user' and status = 'queued'), 1,
    'Pending mail is kept');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'new_user'), 1, 'A live token is kept');
select is((select count(*)::int from portal.auth_events where portal_user_id = :'old_user' and event = 'invite'), 0,
    'Audit events older than audit_retention (400 days) are deleted');
select ok((select count(*)::int from portal.auth_events where portal_user_id = :'new_user') >= 1, 'Recent audit events are kept');
select is((select detail->>'auditEvents' from portal.auth_events where event = 'pruned' order by id desc limit 1), '1',
    'A prune leaves one audit row with its counts');
select throws_ok($$ delete from portal.auth_events where event = 'pruned' $$, '42501', null,
    'After prune, the table is append-only again');
select portal_api.set_setting('audit_retention', '10 years');
select is((select value from portal_api.settings() where name = 'audit_retention'), '10 years', 'audit_retention is a setting');

select * from finish();
rollback;
