-- Live sessions: the session check answers only for a session the gateway recorded, and every
-- path that ends sessions deletes their rows (sign-out, sign-out everywhere, password change,
-- reset, activation, staff revoke-sessions and disable, a restore, expiry).
begin;
select plan(43);

\set hash '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo'
\set hash2 '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$c2Vjb25kaGFzaA'
select portal_api.create_port('Session Port') as port \gset
select portal_api.create_client(:'port', 'Yawl AG') as client \gset
select portal_api.create_client(:'port', 'Ketch KG') as other_client \gset
select portal_api.create_client(:'port', 'Cutter Co') as invited_client \gset
select portal_api.invite(:'client', 'skipper@yawl.example', 'Skipper') as uid \gset
select portal_api.invite(:'other_client', 'mate@ketch.example', 'Mate') as other_uid \gset
select portal_api.invite(:'invited_client', 'deckhand@cutter.example', 'Deckhand') as invited_uid \gset
update portal.portal_users set password_hash = :'hash', activated_at = now() where id in (:'uid', :'other_uid');
select session_epoch as epoch from portal.portal_users where id = :'uid' \gset

-- Issuing.
select is(portal_api.sign_in_record('skipper@yawl.example', :'uid', :'hash', true, '192.0.2.7', 'ua', '192.0.2.7',
                                    'jti-a', now() + interval '1 hour')->>'sessionEpoch',
    :'epoch', 'A sign-in that records a session returns the user with its epoch');
select is((select portal_user_id || '/' || session_epoch from portal.sessions where jti = 'jti-a'), :'uid' || '/' || :'epoch',
    'The session is recorded with its user and epoch');
select portal_api.sign_in_record('skipper@yawl.example', :'uid', :'hash', true, null, null, null, 'jti-b', now() + interval '1 hour');
select portal_api.sign_in_record('mate@ketch.example', :'other_uid', :'hash', true, null, null, null, 'jti-mate',
                                 now() + interval '1 hour');
select is(portal_api.sign_in_record('skipper@yawl.example', :'uid', null, false, null, null, null, 'jti-failed',
                                    now() + interval '1 hour'), null, 'A failed sign-in returns NULL');
select is((select count(*)::int from portal.sessions where jti = 'jti-failed'), 0, 'and records no session');
select throws_ok(format($$ select portal_api.sign_in_record('skipper@yawl.example', %L, %L, true, null, null, null,
                                                            'jti-late', now() - interval '1 second') $$, :'uid', :'hash'),
    'PA008', null, 'A session that would already have expired is refused');
select throws_ok(format($$ select portal_api.sign_in_record('skipper@yawl.example', %L, %L, true, null, null, null,
                                                            repeat('j', 65), now() + interval '1 hour') $$, :'uid', :'hash'),
    'PA008', null, 'A session id over 64 characters is refused');
select throws_ok(format($$ select portal_api.sign_in_record('skipper@yawl.example', %L, %L, true, null, null, null,
                                                            'jti-a', now() + interval '1 hour') $$, :'uid', :'hash'),
    'PA008', null, 'A session id already in use is refused');

-- The check: a recorded session only.
select is(portal_api.session_check(:'uid', :epoch, 'jti-a')->>'id', :'uid', 'A recorded session is valid');
select is(portal_api.session_check(:'uid', :epoch, 'jti-never-issued'), null, 'A made-up jti with the right user and epoch is refused');
select is(portal_api.session_check(:'uid', :epoch, 'jti-mate'), null, 'Another user''s session id does not answer for this user');
select is(portal_api.session_check(:'uid', :epoch + 1, 'jti-a'), null, 'A session presented with another epoch is refused');
select is((select session_valid from portal_api.change_password_lookup(:'uid', :epoch, 'jti-never-issued')), false,
    'change_password_lookup refuses a made-up jti');
select is((select session_valid from portal_api.change_password_lookup(:'uid', :epoch, 'jti-a')), true,
    'change_password_lookup accepts a recorded session');

-- A role holding only portal_reader (no JWT secret) cannot read a profile by looping sv.
set local role portal_reader;
select is((select count(*)::int from generate_series(1, 20) sv
            where portal_api.session_check(:'uid', sv, 'made-up-' || sv) is not null), 0,
    'portal_reader looping sv = 1..20 with made-up jtis reads nothing');
select is(portal_api.session_check(:'uid', :epoch, 'jti-a')->>'email', 'skipper@yawl.example',
    'portal_reader still reads the user of a real cookie''s claims');
reset role;

-- Expiry.
insert into portal.sessions (jti, portal_user_id, session_epoch, created_at, expires_at)
values ('jti-expired', :'uid', :epoch, now() - interval '2 hours', now() - interval '1 hour');
select is(portal_api.session_check(:'uid', :epoch, 'jti-expired'), null, 'An expired session is refused');
select throws_ok(format($$ insert into portal.sessions (jti, portal_user_id, session_epoch, expires_at)
                            values ('jti-backwards', %L, 1, now() - interval '1 minute') $$, :'uid'),
    '23514', null, 'A session cannot expire before it was created');
select is(portal_api.maintenance() >= 1, true, 'maintenance removes expired sessions');
select is((select count(*)::int from portal.sessions where jti = 'jti-expired'), 0, 'the expired row is gone');
select is((select count(*)::int from portal.sessions where jti = 'jti-a'), 1, 'and live ones stay');
insert into portal.sessions (jti, portal_user_id, session_epoch, created_at, expires_at)
values ('jti-expired-2', :'uid', :epoch, now() - interval '2 hours', now() - interval '1 hour');
select is((portal_api.prune('1 hour')->>'expiredSessions')::int, 1, 'prune removes expired sessions and counts them');

-- Signing out.
select is(portal_api.sign_out(:'uid', :epoch, 'jti-a', now() + interval '1 hour'), true, 'Signing out a live session succeeds');
select is((select count(*)::int from portal.sessions where jti = 'jti-a'), 0, 'Signing out deletes that session''s row');
select is(portal_api.session_check(:'uid', :epoch, 'jti-a'), null, 'A signed-out session (replayed cookie) is refused');
select is(portal_api.session_check(:'uid', :epoch, 'jti-b')->>'id', :'uid', 'The user''s other sessions live on');
select is(portal_api.sign_out(:'uid', :epoch, 'jti-a', now() + interval '1 hour'), false,
    'Signing out the same session again changes nothing');
select is(portal_api.sign_out(:'uid', :epoch, 'jti-never-issued', now() + interval '1 hour', true), false,
    'Signing out everywhere with a made-up jti is refused');
select is((select session_epoch from portal.portal_users where id = :'uid'), :epoch, 'and leaves the epoch alone');
select portal_api.sign_in_record('skipper@yawl.example', :'uid', :'hash', true, null, null, null, 'jti-c', now() + interval '1 hour');
select is(portal_api.sign_out(:'uid', :epoch, 'jti-b', now() + interval '1 hour', true), true, 'Signing out everywhere succeeds');
select is((select count(*)::int from portal.sessions where portal_user_id = :'uid'), 0,
    'Signing out everywhere deletes every session of the user');
select is(portal_api.session_check(:'uid', :epoch + 1, 'jti-c'), null, 'No session of the user answers at the new epoch either');
select is(portal_api.session_check(:'other_uid', :epoch, 'jti-mate')->>'id', :'other_uid', 'Other users'' sessions live on');

-- A password change ends every session and records the caller's new one.
select portal_api.sign_in_record('skipper@yawl.example', :'uid', :'hash', true, null, null, null, 'jti-d', now() + interval '1 hour');
select portal_api.sign_in_record('skipper@yawl.example', :'uid', :'hash', true, null, null, null, 'jti-e', now() + interval '1 hour');
select (portal_api.change_password(:'uid', :'hash', :'hash2', null, null, 'jti-new', now() + interval '1 hour')->>'sessionEpoch')::int
    as new_epoch \gset
select is(array(select jti from portal.sessions where portal_user_id = :'uid'), array['jti-new'],
    'A password change deletes every session of the user and records the caller''s new one');
select is(portal_api.session_check(:'uid', :new_epoch, 'jti-new')->>'id', :'uid', 'The new session is valid at the new epoch');

-- A reset ends every session.
select portal_api.request_password_reset('skipper@yawl.example');
select portal_api.seal_token(id, sha256('raw-reset')) from portal.portal_auth_tokens
 where portal_user_id = :'uid' and type = 'reset' and used_at is null and revoked_at is null;
select portal_api.consume_token('reset', sha256('raw-reset'), :'hash');
select is((select count(*)::int from portal.sessions where portal_user_id = :'uid'), 0, 'A reset ends every session of the user');

-- Activation (whatever rows an invited user might hold) ends them too.
insert into portal.sessions (jti, portal_user_id, session_epoch, expires_at)
values ('jti-invited', :'invited_uid', 1, now() + interval '1 hour');
select portal_api.seal_token(id, sha256('raw-activation')) from portal.portal_auth_tokens
 where portal_user_id = :'invited_uid' and type = 'activation' and used_at is null and revoked_at is null;
select portal_api.consume_token('activation', sha256('raw-activation'), :'hash');
select is((select count(*)::int from portal.sessions where portal_user_id = :'invited_uid'), 0,
    'An activation ends every session of the user');

-- Staff: revoke-sessions and disable.
select portal_api.sign_in_record('skipper@yawl.example', :'uid', :'hash', true, null, null, null, 'jti-f', now() + interval '1 hour');
select portal_api.revoke_sessions(:'client');
select is((select count(*)::int from portal.sessions where portal_user_id = :'uid'), 0, 'Staff revoke-sessions deletes every session');
select portal_api.disable_portal_user(:'other_client');
select is((select count(*)::int from portal.sessions where portal_user_id = :'other_uid'), 0, 'Disabling a user deletes every session');

-- A restore ends every session, whatever its epoch.
select session_epoch as restore_epoch from portal.portal_users where id = :'uid' \gset
select portal_api.sign_in_record('skipper@yawl.example', :'uid', :'hash', true, null, null, null, 'jti-after-dump',
                                 now() + interval '1 hour');
select count(*)::int as live_before from portal.sessions \gset
select portal_api.after_restore() as counts \gset
select is(portal_api.session_check(:'uid', :restore_epoch, 'jti-after-dump'), null,
    'After a restore, a session issued at the then current epoch is refused');
select is(portal_api.session_check(:'uid', :restore_epoch + 1, 'jti-after-dump'), null,
    'and so is the same session presented with the bumped epoch');
select is((:'counts'::jsonb ->> 'sessionsEnded')::int, :live_before, 'The restore''s counts say how many sessions it ended');
select is((select count(*)::int from portal.sessions), 0, 'After a restore no session is left');

select hasnt_table('portal', 'revoked_sessions', 'The list of signed-out jtis is gone (live sessions replace it)');

select * from finish();
rollback;
