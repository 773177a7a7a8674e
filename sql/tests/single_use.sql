-- The activation token lifecycle: issue, re-issue, seal, consume exactly once, and refusals.
begin;
select plan(29);

select portal_api.create_port('Token Port') as port \gset
select portal_api.create_client(:'port', 'Sloop Ltd') as client \gset
select portal_api.invite(:'client', 'owner@sloop.example', 'Owner') as uid \gset

select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'uid' and type = 'activation'), 1,
    'An invite issues one activation token');
select ok((select token_hash is null from portal.portal_auth_tokens where portal_user_id = :'uid'),
    'The new token is unsealed: no hash, nothing usable at rest');
select is((select kind || '/' || status from portal.mail_outbox where portal_user_id = :'uid'), 'activation/queued',
    'An invite queues an activation mail in the same transaction');
select ok((select token_id is not null and not (data::text ~ '[A-Za-z0-9_-]{43}') from portal.mail_outbox where portal_user_id = :'uid'),
    'The queued mail references the token by id and holds no token');
select is((select event from portal.auth_events where portal_user_id = :'uid' order by id desc limit 1), 'invite',
    'The invite is audited');
select is(portal_api.portal_user_status(:'client')->>'state', 'invited', 'The status of a new portal user is invited');

select id as t1 from portal.portal_auth_tokens where portal_user_id = :'uid' \gset
select portal_api.resend_activation(:'client');
select ok((select revoked_at is not null from portal.portal_auth_tokens where id = :'t1'),
    'Resending revokes the old activation token');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'uid' and used_at is null and revoked_at is null), 1,
    'After a resend exactly one token is live');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid'), 2, 'A resend queues a second mail');
select id as t2 from portal.portal_auth_tokens where portal_user_id = :'uid' and revoked_at is null \gset

-- Sealing.
select lives_ok(format($$ select portal_api.seal_token(%L, sha256('raw-two')) $$, :'t2'), 'Sealing an unsealed token works');
select lives_ok(format($$ select portal_api.seal_token(%L, sha256('raw-two')) $$, :'t2'), 'Sealing again with the same hash is a no-op');
select throws_ok(format($$ select portal_api.seal_token(%L, sha256('raw-other')) $$, :'t2'), 'PA009', null,
    'Sealing with a different hash is refused');
select throws_ok($$ select portal_api.seal_token('no-such-token', sha256('x')) $$, 'PA001', null, 'Sealing an unknown token is refused');
select throws_ok(format($$ select portal_api.seal_token(%L, '\x01'::bytea) $$, :'t2'), 'PA008', null, 'A hash that is not 32 bytes is refused');
select portal_api.seal_token(:'t1', sha256('raw-one'));

select is(portal_api.token_status(sha256('raw-two')), '{"status": "valid", "type": "activation", "portName": "Token Port"}'::jsonb,
    'A live sealed token is valid (and names its marina)');
select is(portal_api.token_status(sha256('raw-one'))->>'status', 'invalid', 'A revoked token reports invalid');
select is(portal_api.token_status(sha256('never-issued'))->>'status', 'invalid', 'An unknown token reports invalid');

-- Consuming.
select throws_ok($$ select portal_api.consume_token('activation', sha256('raw-one'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5') $$,
    'PA001', 'invalid or expired token', 'A revoked token is refused');
select throws_ok($$ select portal_api.consume_token('reset', sha256('raw-two'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5') $$,
    'PA001', null, 'An activation token is refused as a reset token');
select throws_ok($$ select portal_api.consume_token('activation', sha256('raw-two'), 'plaintext-password') $$,
    'PA008', 'malformed password hash', 'A value that is not a password hash is refused');
select ok((select used_at is null from portal.portal_auth_tokens where id = :'t2'), 'A refused attempt leaves the token unused');
select is(portal_api.consume_token('activation', sha256('raw-two'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5')->>'id', :'uid',
    'A live activation token sets the password and returns the user');
select throws_ok($$ select portal_api.consume_token('activation', sha256('raw-two'), '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5') $$,
    'PA001', null, 'A used token is refused the second time');
select is(portal_api.portal_user_status(:'client')->>'state', 'active', 'After activation the portal user is active');
select is((select session_epoch from portal.portal_users where id = :'uid'), 2, 'Setting the password bumps the session epoch');
select throws_ok(format($$ select portal_api.resend_activation(%L) $$, :'client'), 'PA007', null,
    'Resending after activation raises already_active');

-- An unsealed token cannot be consumed: no hash matches NULL.
select portal_api.create_client(:'port', 'Ketch Co') as client2 \gset
select portal_api.invite(:'client2', 'ketch@sloop.example') as uid2 \gset
select throws_ok($$ select portal_api.consume_token('activation', null, '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5') $$,
    'PA001', null, 'An unsealed token cannot be consumed');

-- portal.use_token: the one place a token is used; a second use of the same token finds nothing.
select portal_api.create_client(:'port', 'Ketch Ltd') as once_client \gset
select portal_api.invite(:'once_client', 'owner@ketch.example') as once_uid \gset
select id as once_token from portal.portal_auth_tokens where portal_user_id = :'once_uid' \gset
update portal.portal_auth_tokens set token_hash = sha256('use-once') where id = :'once_token';
select is(portal.use_token(sha256('use-once'), 'activation'), true, 'use_token uses a live token');
select is(portal.use_token(sha256('use-once'), 'activation'), false, 'and the same token a second time is not used again');

select * from finish();
rollback;
