-- Staff helping a client on the phone: send-reset (listed in actions, limited, audited), the
-- staff user an admin-key call names (X-Portal-Actor), and the user's history for support.
begin;
select plan(22);

select portal_api.create_port('Help Port') as port \gset
select portal_api.create_port('Help Other Port') as other_port \gset
select portal_api.create_client(:'port', 'Sloop GmbH') as client \gset
select portal_api.create_client(:'port', 'Invited GmbH') as invited \gset
select portal_api.invite(:'client', 'skipper@sloop.example') as uid \gset
select portal_api.invite(:'invited', 'new@sloop.example') as invited_uid \gset
select portal_api.create_admin_key(:'port', 'help key') as key \gset
select portal_api.create_admin_key(:'other_port', 'other help key') as other_key \gset
select id as key_id from portal.admin_keys where label = 'help key' \gset
select sha256(convert_to(:'key', 'UTF8')) as kh \gset
select sha256(convert_to(:'other_key', 'UTF8')) as okh \gset
update portal.portal_users set password_hash = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$b2xkb2xkb2xkb2xk', activated_at = now()
 where id = :'uid';
update portal.portal_auth_tokens set revoked_at = now() where portal_user_id = :'uid';

select is(portal_api.portal_user_status(:'client')->'actions', '["send-reset", "disable", "revoke-sessions"]'::jsonb,
    'An active user''s actions include send-reset');
select is(portal_api.portal_user_status(:'invited')->'actions', '["resend", "disable"]'::jsonb,
    'An invited user''s do not (resend is its way in)');

select is(portal_api.key_client_action(:'kh', :'client', 'send-reset', 'crm-user-42')->>'state', 'active',
    'send-reset answers the user''s status');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'reset'), 1,
    'send-reset queues a reset mail');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'reset'
             and used_at is null and revoked_at is null), 1, 'with a live reset token');
select is((select event || ' ' || on_behalf_of || ' ' || staff_actor from portal.auth_events
            where portal_user_id = :'uid' order by id desc limit 1),
    'reset_sent admin_key:' || :'key_id' || ' crm-user-42', 'It is audited with the key and the staff user it named');
update portal.portal_users set locked_until = now() + interval '10 minutes', failed_attempts = 12 where id = :'uid';
select portal_api.key_client_action(:'kh', :'client', 'send-reset');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'reset'), 2,
    'A locked user gets one too (a reset is how its owner gets back in)');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'reset'
             and revoked_at is not null), 1, 'and the earlier link is revoked');
select portal_api.key_client_action(:'kh', :'client', 'send-reset');
select portal_api.key_client_action(:'kh', :'client', 'send-reset');
select portal_api.key_client_action(:'kh', :'client', 'send-reset');
select is(portal_api.key_client_action(:'kh', :'client', 'send-reset', 'crm-user-42') - 'retryAfter',
    '{"error": "rate_limited"}'::jsonb, 'The sixth within the hour is refused as rate_limited');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'reset'), 5,
    'and mails nothing');
select is((select event || ' ' || staff_actor from portal.auth_events where portal_user_id = :'uid' order by id desc limit 1),
    'reset_throttled crm-user-42', 'The refusal is audited');
select is(portal_api.key_client_action(:'kh', :'invited', 'send-reset')->>'note',
    'This account was never activated: a fresh activation link was mailed instead of a reset link.',
    'For an invited user, send-reset mails a fresh activation link and says so');
select portal_api.disable_portal_user(:'invited');
select throws_ok(format($$ select portal_api.key_client_action(%L, %L, 'send-reset') $$, :'kh', :'invited'), 'PA012', null,
    'A disabled user gets nothing (enable it first)');

-- The staff actor: checked, recorded on every row of the call, and only of that call.
select throws_ok(format($$ select portal_api.key_client_action(%L, %L, 'unlock', %L) $$, :'kh', :'client', repeat('x', 201)),
    'PA008', null, 'A staff actor over 200 bytes is refused');
select throws_ok(format($$ select portal_api.key_client_action(%L, %L, 'unlock', %L) $$, :'kh', :'client', 'ann' || chr(10) || 'forged'),
    'PA008', null, 'A staff actor with a control character is refused');
select throws_ok(format($$ select portal_api.key_client_action(%L, %L, 'unlock', %L) $$, :'kh', :'client', 'ann' || chr(8238) || 'nimda'),
    'PA008', null, 'A staff actor with a bidi override is refused');
select lives_ok(format($$ select portal_api.key_client_action(%L, %L, 'unlock', %L) $$, :'kh', :'client', 'Zoë Støvring'),
    'A printable staff actor (any script) is taken');
select is((select staff_actor from portal.auth_events where portal_user_id = :'uid' and event = 'unlock'), 'Zoë Støvring',
    'and recorded beside the key');
select portal_api.unlock_portal_user(:'client');
select is((select staff_actor from portal.auth_events where portal_user_id = :'uid' and event = 'unlock' order by id desc limit 1), null,
    'The name holds for that call only: a later call in the same transaction records nobody');

-- The history for support.
select is(jsonb_array_length(portal_api.key_user_events(:'kh', :'client', 3)), 3, 'The history honours the limit');
select is((select array_agg(e->>'event') from jsonb_array_elements(portal_api.key_user_events(:'kh', :'client', 3)) e),
    (select array_agg(event order by id desc) from (select id, event from portal.auth_events where portal_user_id = :'uid'
                                                     order by id desc limit 3) x),
    'Newest first');
select throws_ok(format($$ select portal_api.key_user_events(%L, %L) $$, :'okh', :'client'), 'PA004', null,
    'Another port''s key finds no client');

select * from finish();
rollback;
