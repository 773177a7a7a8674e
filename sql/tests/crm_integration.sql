-- Fitting into the CRM: the CRM's ids, idempotent upserts, the old portal's rows imported
-- as they are, each marina's name and contact in the user JSON and its mails, state "none" and
-- the allowed actions, portal_reader.
begin;
select plan(42);

-- The CRM's ids are the ids.
select is(portal_api.create_port('North Harbour', 'crm-port-7'), 'crm-port-7', 'create_port takes the CRM''s id');
select throws_ok($$ select portal_api.create_port('Again', 'crm-port-7') $$, 'PA015', null, 'An id already in use is refused');
select throws_ok($$ select portal_api.create_port('Bad', 'has space') $$, 'PA008', null, 'An id with a space is refused');
select throws_ok($$ select portal_api.create_port('Bad', repeat('x', 201)) $$, 'PA008', null, 'An id over 200 characters is refused');
select ok(portal_api.create_port('South Quay') ~ '^[0-9a-f-]{36}$', 'Without an id, a port gets a UUID as before');
select portal_api.create_port('South Quay', 'crm-port-8') as other_port \gset
select is(portal_api.create_client('crm-port-7', 'Jane Boats', 'Billing@Jane.example', 'crm-client-1'), 'crm-client-1',
    'create_client takes the CRM''s id');
select throws_ok($$ select portal_api.create_client('crm-port-8', 'Twin', null, 'crm-client-1') $$, 'PA015', null,
    'A client id already in use (in any port) is refused');

-- Upserts: created, updated, unchanged; never moved to another port.
select is(portal_api.import_client('crm-client-2', 'crm-port-7', 'Bob Sails'), 'created', 'import_client creates');
select is(portal_api.import_client('crm-client-2', 'crm-port-7', 'Bob Sails'), 'unchanged', 'the same row again changes nothing');
select is(portal_api.import_client('crm-client-2', 'crm-port-7', 'Bob Sails Ltd'), 'updated', 'a new name updates');
select is((select name from portal.clients where id = 'crm-client-2'), 'Bob Sails Ltd', 'and is stored');
select throws_ok($$ select portal_api.import_client('crm-client-2', 'crm-port-8', 'Bob Sails Ltd') $$, 'PA015', null,
    'A client id of another port is refused, not moved');
select is(portal_api.import_port('crm-port-9', 'West Basin'), 'created', 'import_port creates');
select is(portal_api.import_port('crm-port-9', 'West Basin'), 'unchanged', 'and is re-runnable');
select is((select count(*)::int from portal.auth_events where event = 'client_updated' and client_id = 'crm-client-2'), 1,
    'An update is audited once');
select is((select detail from portal.auth_events where event = 'client_updated' and client_id = 'crm-client-2'),
    '{"name": {"from": "Bob Sails", "to": "Bob Sails Ltd"}}'::jsonb, 'and says what changed, from what to what');
select throws_ok($$ select portal_api.import_client('CRM-CLIENT-2', 'crm-port-7', 'Bob Sails Ltd') $$, 'PA015', null,
    'A client id differing only in case is the same id, refused');

-- The old portal's portal_users, as they are.
select is(portal_api.import_portal_user('old-user-1', 'crm-port-7', 'crm-client-1', 'Jane@Jane.example',
    '33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog', 'Jane', true,
    '2026-01-02 10:00+00', 'staff-3', '2025-06-01 09:00+00'), 'created', 'A legacy user is imported');
select is(portal_api.import_portal_user('old-user-1', 'crm-port-7', 'crm-client-1', 'Jane@Jane.example',
    '33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog', 'Jane', true,
    '2026-01-02 10:00+00', 'staff-3', '2025-06-01 09:00+00'), 'unchanged', 'and re-running skips it');
select row_eq($$ select email, password_hash = '33BaejFVlRY1npL4J77_5g:ziG3ou1pnOG-OCfSwa6bGYkCcVtcuKPJefXC0DGyEIlh4dn7BOm7AJ9LAeb56sPkrr7xcgHZoiuf-pH6zFdGog', is_active, activated_at, created_at, created_by
                   from portal.portal_users where id = 'old-user-1' $$,
    row('jane@jane.example'::text, true, true, '2026-01-02 10:00+00'::timestamptz, '2025-06-01 09:00+00'::timestamptz,
        'staff-3'::text),
    'Its Node hash, dates and creator are kept; it counts as activated when it last signed in');
select is(portal_api.import_portal_user('old-user-2', 'crm-port-7', 'crm-client-2', 'bob@sails.example', null, null, true,
    null, null, null), 'created', 'A user without a hash is imported');
select is(portal_api.portal_user_status('crm-client-2')->>'state', 'invited', 'as invited');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = 'old-user-2'), 0, 'and nothing is mailed');
select throws_ok($$ select portal_api.import_portal_user('old-user-3', 'crm-port-7', 'crm-client-2', 'c@sails.example',
    null, null, true, null, null, null) $$, 'PA003', null, 'A second user for a client is refused');
select throws_ok($$ select portal_api.import_portal_user('old-user-1', 'crm-port-9',
    portal_api.create_client('crm-port-9', 'Cleo'), 'cleo@x.example', null, null, true, null, null, null) $$, 'PA015', null,
    'A user id already in use by another client is refused');
select throws_ok($$ select portal_api.import_portal_user('old-user-4', 'crm-port-9',
    portal_api.create_client('crm-port-9', 'Dup'), 'JANE@jane.example', null, null, true, null, null, null) $$, 'PA002', null,
    'An email already in use is refused (case-insensitively)');
select throws_ok($$ select portal_api.import_portal_user('old-user-5', 'crm-port-9',
    portal_api.create_client('crm-port-9', 'Hash'), 'h@x.example', 'not a hash', null, true, null, null, null) $$, 'PA008', null,
    'A malformed hash is refused');
select throws_ok($$ select portal_api.import_portal_user('old-user-7', 'crm-port-9',
    portal_api.create_client('crm-port-9', 'Hex'), 'hex@x.example', 'deadbeef00112233:' || repeat('ab', 64), null, true, null,
    null, null) $$, 'PA008', null, 'A hex-encoded Node key (128 characters, not a 64-byte base64url key) is refused');
select throws_ok($$ select portal_api.create_port('Dots', '..') $$, 'PA008', null, 'An id of dots is refused');
select throws_ok($$ select portal_api.import_portal_user('old-user-6', 'crm-port-8', 'crm-client-1', 'z@x.example',
    null, null, true, null, null, null) $$, 'PA004', null, 'A client of another port is not found');

-- Names and contact in the portal's user JSON (sign-in, /me, session_check).
insert into portal.sessions (jti, portal_user_id, session_epoch, expires_at)
values ('some-jti', 'old-user-1', 1, now() + interval '1 hour');
select portal_api.set_port_contact('crm-port-7', 'Office@North.example', '+44 1632 960123');
select is(portal_api.session_check('old-user-1', 1, 'some-jti') - 'id' - 'email' - 'name',
    '{"clientId": "crm-client-1", "portId": "crm-port-7", "clientName": "Jane Boats", "portName": "North Harbour",
      "supportPhone": "+44 1632 960123", "supportEmail": "office@north.example"}'::jsonb,
    'session_check names the client and the marina, and the marina''s contact');
select throws_ok($$ select portal_api.set_port_contact('crm-port-7', 'not an email', null) $$, 'PA008', null,
    'A malformed reply-to is refused');
select throws_ok($$ select portal_api.set_port_contact('crm-port-7', null, '555-CALL-NOW') $$, 'PA008', null,
    'A phone with letters is refused');
select throws_ok($$ select portal_api.set_port_contact('no-such-port', null, null) $$, 'PA005', null, 'An unknown port is refused');

-- Mails carry the marina.
select portal_api.resend_activation('crm-client-2');
select is((select data - 'expiresAt' from portal.mail_outbox where portal_user_id = 'old-user-2' order by id desc limit 1),
    '{"clientName": "Bob Sails Ltd", "portName": "North Harbour", "replyTo": "office@north.example",
      "supportPhone": "+44 1632 960123"}'::jsonb,
    'A queued mail carries the marina''s name and contact');
select is(portal_api.token_status(sha256('no such token'))->'portName', null, 'token_status names no marina for an invalid token');

-- State "none" and the allowed actions.
select portal_api.create_admin_key('crm-port-7', 'crm') as key \gset
select lives_ok($$ select portal_api.create_client('crm-port-7', 'No Portal Yet', null, 'crm-client-9') $$, 'a client without a portal user');
select is(portal_api.key_client_status(sha256(:'key'::bytea), 'crm-client-9'),
    '{"clientId": "crm-client-9", "portId": "crm-port-7", "state": "none", "actions": ["invite"]}'::jsonb,
    'A client without a portal user is state none, and the one action is invite');
select is(portal_api.key_client_status(sha256(:'key'::bytea), 'crm-client-2')->'actions', '["resend", "disable"]'::jsonb,
    'An invited user: resend or disable');
select is(portal_api.key_client_status(sha256(:'key'::bytea), 'crm-client-1')->'actions', '["send-reset", "disable", "revoke-sessions"]'::jsonb,
    'An active user: send-reset, disable or revoke-sessions');
select portal_api.disable_portal_user('crm-client-1');
select is(portal_api.key_client_status(sha256(:'key'::bytea), 'crm-client-1')->'actions', '["enable"]'::jsonb,
    'A disabled user: enable');

-- portal_reader: the session check and nothing else.
select set_eq(
    $$ select p.proname::text collate "C" from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'portal_api' and has_function_privilege('portal_reader', p.oid, 'execute') $$,
    $$ values ('session_check') $$,
    'portal_reader can execute exactly session_check');

select * from finish();
rollback;
