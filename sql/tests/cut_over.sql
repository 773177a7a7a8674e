-- The cut-over from the magic-link portal: forgot-password on an invited account mails a fresh
-- activation link, and send_activations mails every invited user of a port without a live one.
begin;
select plan(21);

select portal_api.create_port('Cut-over Port') as port \gset
select portal_api.create_port('Cut-over Other Port') as other_port \gset
select portal_api.create_client(:'port', 'Imported One', null, 'cut-1') as c1 \gset
select portal_api.create_client(:'port', 'Imported Two', null, 'cut-2') as c2 \gset
select portal_api.create_client(:'port', 'Imported Active', null, 'cut-3') as c3 \gset
select portal_api.create_client(:'port', 'Imported Disabled', null, 'cut-4') as c4 \gset
select portal_api.create_client(:'port', 'Invited Live', null, 'cut-5') as c5 \gset
select portal_api.create_client(:'other_port', 'Elsewhere', null, 'cut-6') as c6 \gset
-- As the import brings them: invited (no hash, no link), active (a Node hash), disabled.
select portal_api.import_portal_user('pu-cut-1', :'port', 'cut-1', 'one@cut.example', null, 'One', true, null, null, null);
select portal_api.import_portal_user('pu-cut-2', :'port', 'cut-2', 'two@cut.example', null, 'Two', true, null, null, null);
select portal_api.import_portal_user('pu-cut-3', :'port', 'cut-3', 'three@cut.example',
    'c2FsdHNhbHRzYWx0c2FsdA:' || repeat('A', 86), 'Three', true, null, null, null);
select portal_api.import_portal_user('pu-cut-4', :'port', 'cut-4', 'four@cut.example', null, 'Four', false, null, null, null);
select portal_api.invite('cut-5', 'five@cut.example');
select portal_api.import_portal_user('pu-cut-6', :'other_port', 'cut-6', 'six@cut.example', null, 'Six', true, null, null, null);

-- Forgot-password for an invited account.
select lives_ok($$ select portal_api.request_password_reset(' ONE@cut.example ', '203.0.113.9', 'Browser/1.0') $$,
    'Forgot-password for an invited account returns like any other');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = 'pu-cut-1' and type = 'activation'
             and used_at is null and revoked_at is null), 1, 'It issues a live activation token');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = 'pu-cut-1' and type = 'reset'), 0,
    'and no reset token (there is no password to reset)');
select is((select kind from portal.mail_outbox where portal_user_id = 'pu-cut-1'), 'activation', 'It queues an activation mail');
select is((select event || ' ' || host(ip) from portal.auth_events where portal_user_id = 'pu-cut-1' order by id desc limit 1),
    'activation_requested 203.0.113.9', 'It is audited, with the address it came from');
select portal_api.request_password_reset('one@cut.example');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = 'pu-cut-1' and revoked_at is not null), 1,
    'A second request revokes the first link');
select portal_api.request_password_reset('one@cut.example');
select portal_api.request_password_reset('one@cut.example');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = 'pu-cut-1'), 3,
    'It spends the same per-account limit as a reset (3 per hour): the fourth mails nothing');
select is((select event from portal.auth_events where portal_user_id = 'pu-cut-1' order by id desc limit 1), 'reset_throttled',
    'and the throttled request is audited');
select portal_api.request_password_reset('four@cut.example');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = 'pu-cut-4'), 0,
    'A disabled invited account gets nothing');
select is((select detail->>'reason' from portal.auth_events where portal_user_id = 'pu-cut-4' order by id desc limit 1), 'disabled',
    'and the audit says why');

-- send_activations.
select is(portal_api.send_activations(:'port', true) - 'port',
    '{"invited": 3, "withLiveLink": 2, "queued": 1, "disabled": 1, "dryRun": true}'::jsonb,
    'A dry run counts the invited users, those with a live link, those it would mail and the disabled');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = 'pu-cut-2'), 0, 'A dry run queues nothing');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = 'pu-cut-2'), 0, 'and issues no token');
select is(portal_api.send_activations(:'port', false, 'cut-over-operator') - 'port',
    '{"invited": 3, "withLiveLink": 2, "queued": 1, "disabled": 1, "dryRun": false}'::jsonb,
    'A run mails the invited user without a live link');
select is((select kind || ' ' || status from portal.mail_outbox where portal_user_id = 'pu-cut-2'), 'activation queued',
    'Its activation mail is queued for the mailers');
select is((select on_behalf_of || ' ' || (detail->>'reason') from portal.auth_events where portal_user_id = 'pu-cut-2' and event = 'resend'),
    'cut-over-operator send-activations', 'and audited as a resend by the operator');
select is(portal_api.send_activations(:'port') -> 'queued', '0'::jsonb, 'A second run mails nobody: every invited user has a live link');
select is((select count(*)::int from portal.mail_outbox m join portal.portal_users u on u.id = m.portal_user_id
            where u.port_id = :'port' and u.id in ('pu-cut-3', 'pu-cut-4')), 0,
    'Active and disabled users get nothing');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = 'pu-cut-6'), 0, 'Another port''s users get nothing');
update portal.portal_auth_tokens set created_at = now() - interval '4 days', expires_at = now() - interval '1 day'
 where portal_user_id = 'pu-cut-2';
select is(portal_api.send_activations(:'port') -> 'queued', '1'::jsonb, 'A user whose link expired gets a fresh one');
select throws_ok($$ select portal_api.send_activations('no-such-port') $$, 'PA005', null, 'An unknown port is refused');

select * from finish();
rollback;
