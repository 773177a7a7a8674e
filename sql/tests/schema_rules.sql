-- Rules the tables enforce by themselves: uniqueness, port match, lifetimes, settings bounds.
begin;
select plan(18);

select portal_api.create_port('Port A') as port_a \gset
select portal_api.create_port('Port B') as port_b \gset
select portal_api.create_client(:'port_a', 'Client One') as c1 \gset
select portal_api.create_client(:'port_a', 'Client Two') as c2 \gset
select portal_api.create_client(:'port_b', 'Client Three') as c3 \gset

select lives_ok(format($$ select portal_api.invite(%L, '  Skipper@Example.COM ', 'Skip') $$, :'c1'),
    'An invite is accepted');
select is((select email from portal.portal_users where client_id = :'c1'), 'skipper@example.com',
    'The email is stored trimmed and lower-cased');
select throws_ok(format($$ select portal_api.invite(%L, 'SKIPPER@example.com') $$, :'c2'),
    'PA002', 'this email address is already used by another portal user',
    'The same email in another case is refused as email_taken');
select throws_ok(format($$ select portal_api.invite(%L, 'skipper@example.com') $$, :'c3'),
    'PA002', null, 'Email is unique across ports too');
select throws_ok(format($$ select portal_api.invite(%L, 'other@example.com') $$, :'c1'),
    'PA003', 'this client already has a portal user', 'A client has at most one portal user');
select throws_ok($$ select portal_api.invite('no-such-client', 'x@example.com') $$,
    'PA004', 'client not found: no-such-client', 'Inviting an unknown client raises client_not_found');
select throws_ok(format($$ select portal_api.invite(%L, 'not an email') $$, :'c2'),
    'PA008', 'invalid email address: it has no "@"', 'A malformed email raises invalid_input');
select throws_ok(format($$ insert into portal.portal_users (port_id, client_id, email) values (%L, %L, 'x@example.com') $$,
        :'port_b', :'c2'),
    '23503', null, 'A portal user''s port must be its client''s port (foreign key)');
select throws_ok(format($$ insert into portal.portal_users (port_id, client_id, email) values (%L, %L, 'Mixed@Example.com') $$,
        :'port_a', :'c2'),
    '23514', null, 'A direct insert of a non-normalised email is refused');

select id as u1 from portal.portal_users where client_id = :'c1' \gset
select throws_ok(format($$ insert into portal.portal_auth_tokens (portal_user_id, type, expires_at, created_at)
                            values (%L, 'activation', now() + interval '8 days', now()) $$, :'u1'),
    '23514', null, 'An activation token cannot live longer than 7 days');
select throws_ok(format($$ insert into portal.portal_auth_tokens (portal_user_id, type, expires_at, created_at)
                            values (%L, 'reset', now() + interval '25 hours', now()) $$, :'u1'),
    '23514', null, 'A reset token cannot live longer than 24 hours');
select throws_ok(format($$ insert into portal.portal_auth_tokens (portal_user_id, type, expires_at, created_at)
                            values (%L, 'reset', now() - interval '1 second', now()) $$, :'u1'),
    '23514', null, 'A token must expire after it was created');
select throws_ok(format($$ insert into portal.portal_auth_tokens (portal_user_id, type, expires_at)
                            values (%L, 'activation', now() + interval '1 hour') $$, :'u1'),
    '23505', null, 'A second live token of the same type is refused by the partial unique index');
select throws_ok(format($$ update portal.portal_auth_tokens set token_hash = '\x0102'::bytea where portal_user_id = %L $$, :'u1'),
    '23514', null, 'A token hash must be 32 bytes');

select throws_ok($$ select portal_api.set_setting('reset_ttl', '2 days') $$, 'PA010', 'value out of range for reset_ttl: 2 days',
    'A reset lifetime over 24 hours is refused with invalid_setting');
select throws_ok($$ select portal_api.set_setting('activation_ttl', 'soon') $$, 'PA010', null,
    'A malformed interval is refused with invalid_setting');
select throws_ok($$ select portal_api.set_setting('nope', '1') $$, 'PA010', 'unknown setting "nope"',
    'An unknown setting is refused');
select lives_ok($$ select portal_api.set_setting('reset_ttl', '30 minutes') $$, 'A setting within bounds is accepted');

select * from finish();
rollback;
