-- Admin keys confine the admin API to one port; the audit trail is append-only; rate limits.
begin;
select plan(25);

select portal_api.create_port('Port North') as north \gset
select portal_api.create_port('Port South') as south \gset
select portal_api.create_client(:'north', 'North Client') as nc \gset
select portal_api.create_client(:'south', 'South Client') as sc \gset
select portal_api.create_admin_key(:'north', 'north crm') as north_key \gset
select portal_api.create_admin_key(:'south', 'south crm') as south_key \gset

select ok(:'north_key' ~ '^pak_[A-Za-z0-9_-]{43}$', 'An admin key is pak_ plus 43 base64url characters');
select is((select count(*)::int from portal.admin_keys where key_hash = sha256(convert_to(:'north_key', 'UTF8'))), 1,
    'Only the SHA-256 of the key is stored');
select is((select count(*)::int from portal.admin_keys k where k.label = 'north crm' and k.key_hash::text like '%' || :'north_key' || '%'), 0,
    'The raw key is not stored');

select is(portal_api.key_invite(sha256(convert_to(:'north_key', 'UTF8')), :'nc', 'harbour@north.example', 'H')->>'state', 'invited',
    'A key invites a client of its own port');
select is(portal_api.key_client_status(sha256(convert_to(:'north_key', 'UTF8')), :'nc')->'lastMail'->>'status', 'queued',
    'The status shows the queued activation mail');
select throws_ok(format($$ select portal_api.key_invite(sha256(convert_to(%L, 'UTF8')), %L, 'x@south.example') $$, :'north_key', :'sc'),
    'PA004', 'client not found: ' || :'sc', 'A key cannot invite another port''s client: it looks not found');
select portal_api.invite(:'sc', 'south@south.example');
select throws_ok(format($$ select portal_api.key_client_status(sha256(convert_to(%L, 'UTF8')), %L) $$, :'north_key', :'sc'),
    'PA004', null, 'A key cannot read another port''s portal user');
select throws_ok(format($$ select portal_api.key_client_action(sha256(convert_to(%L, 'UTF8')), %L, 'disable') $$, :'north_key', :'sc'),
    'PA004', null, 'A key cannot act on another port''s portal user');
select is(portal_api.key_client_status(sha256(convert_to(:'south_key', 'UTF8')), :'sc')->>'email', 'south@south.example',
    'The other port''s key reads its own client');
select throws_ok($$ select portal_api.key_client_status(sha256('pak_made_up'), 'x') $$, 'PA014', 'invalid admin key',
    'An unknown key is refused');
select throws_ok(format($$ select portal_api.key_client_action(sha256(convert_to(%L, 'UTF8')), %L, 'explode') $$, :'north_key', :'nc'),
    'PA008', null, 'An unknown action is refused as invalid input');
select is(portal_api.key_client_action(sha256(convert_to(:'north_key', 'UTF8')), :'nc', 'disable')->>'state', 'disabled',
    'A key disables its own port''s portal user');
select throws_ok(format($$ select portal_api.key_client_action(sha256(convert_to(%L, 'UTF8')), %L, 'resend') $$, :'north_key', :'nc'),
    'PA012', null, 'A disabled user gets no activation mail');

select id as north_key_id from portal_api.list_admin_keys(:'north') \gset
select portal_api.revoke_admin_key(:'north_key_id');
select throws_ok(format($$ select portal_api.key_client_status(sha256(convert_to(%L, 'UTF8')), %L) $$, :'north_key', :'nc'),
    'PA014', null, 'A revoked key is refused');
select throws_ok($$ select portal_api.revoke_admin_key('no-such-key') $$, 'PA011', null, 'Revoking an unknown key raises admin_key_not_found');

-- The actor is the database role that logged in (session_user); the role or name the caller
-- passes (by default the current role) is kept as "on behalf of" only.
set local role portal_admin;
select portal_api.enable_portal_user(:'nc');
select portal_api.unlock_portal_user(:'nc', 'the-ceo');
reset role;
select is((select array[actor, on_behalf_of] from portal.auth_events where client_id = :'nc' and event = 'enable'),
    array[session_user::text, 'portal_admin'], 'The actor is the session user; the current role is kept as on behalf of');
select is((select array[actor, on_behalf_of] from portal.auth_events where client_id = :'nc' and event = 'unlock'),
    array[session_user::text, 'the-ceo'], 'A passed actor cannot forge the actor, only the on-behalf-of note');

-- The audit trail cannot be rewritten, even by its owner.
select throws_ok($$ update portal.auth_events set event = 'invite' $$, '42501', null, 'Audit rows cannot be updated');
select throws_ok($$ delete from portal.auth_events $$, '42501', null, 'Audit rows cannot be deleted');
select throws_ok($$ truncate portal.auth_events $$, '42501', null, 'The audit table cannot be truncated');

-- Rate limits: a fixed window per bucket and key.
select portal_api.set_rate_limit('sign_in_ip', 2, '1 minute');
select is(array[portal_api.rate_limit_hit('sign_in_ip', '198.51.100.7'), portal_api.rate_limit_hit('sign_in_ip', '198.51.100.7'),
                portal_api.rate_limit_hit('sign_in_ip', '198.51.100.8')], array[0, 0, 0],
    'Hits within the limit are allowed, per key');
select ok(portal_api.rate_limit_hit('sign_in_ip', '198.51.100.7') between 1 and 60, 'A hit over the limit gets the seconds to wait');

-- The event vocabulary is declared once (portal.auth_event_kinds); any other kind is refused.
select throws_ok($$ insert into portal.auth_events (event) values ('sign_in_okay') $$, '23514', 'unknown audit event kind sign_in_okay',
    'An audit row of a kind the vocabulary does not declare is refused');
select is((select count(*)::int from portal.auth_events e where not exists (select from portal.auth_event_kinds() k where k.event = e.event)),
    0, 'Every audit row written so far is of a declared kind');
select is((select count(*)::int from portal.auth_event_kinds() where meaning is null or meaning = ''), 0,
    'Every kind says what it records');

select * from finish();
rollback;
