-- The database explains itself: policy with ranges, errors with hints, help, link state.
begin;
select plan(34);

-- The HINT of the error a statement raises (NULL when it raises none).
create function pg_temp.hint_of(p_sql text) returns text language plpgsql as $$
declare
    v_hint text;
begin
    execute p_sql;
    return null;
exception when others then
    get stacked diagnostics v_hint = pg_exception_hint;
    return v_hint;
end
$$;

select is((select count(*)::int from portal_api.settings()), 10, 'settings() lists every setting');
select is((select value from portal_api.settings() where name = 'reset_ttl'), '01:00:00', 'with its current value');
select is((select allowed from portal_api.settings() where name = 'reset_ttl'), '5 minutes to 24 hours', 'and its range');
select is((select count(*)::int from portal_api.settings() where description is null), 0, 'and what it is for');
select is((select count(*)::int from portal_api.rate_limits() where description is null), 0,
    'rate_limits() describes every bucket');

-- Every example value is accepted; the bounds of each range hold.
select lives_ok(format($$ select portal_api.set_setting(%L, %L) $$, c.name, c.example),
    format('The example for %s (%s) is accepted', c.name, c.example))
  from portal.setting_catalog() c order by c.name;
select lives_ok($$ select portal_api.set_setting('reset_ttl', '5 minutes') $$, 'reset_ttl accepts its lower bound');
select lives_ok($$ select portal_api.set_setting('reset_ttl', '24 hours') $$, 'and its upper bound');
select lives_ok($$ select portal_api.set_setting('activation_ttl', '7 days') $$, 'activation_ttl accepts its upper bound');
select portal_api.set_setting('reset_ttl', '1 hour');

-- PA010 says what is wrong, and the hint what is right.
select throws_ok($$ select portal_api.set_setting('reset_ttl', '1 second') $$, 'PA010',
    'value out of range for reset_ttl: 1 second', 'Out of range says so');
select is(pg_temp.hint_of($$ select portal_api.set_setting('reset_ttl', '1 second') $$),
    'reset_ttl allows 5 minutes to 24 hours.', 'and the hint names the range');
select throws_ok($$ select portal_api.set_setting('reset_ttl', 'thirty minutes') $$, 'PA010',
    'reset_ttl takes an interval, not "thirty minutes"', 'Not an interval says so');
select is(pg_temp.hint_of($$ select portal_api.set_setting('reset_ttl', 'thirty minutes') $$),
    'For example: select portal_api.set_setting(''reset_ttl'', ''1 hour'');', 'and the hint shows an example');
select ok(pg_temp.hint_of($$ select portal_api.set_setting('reset_tll', '1 hour') $$) like 'Settings: activation_ttl, %',
    'An unknown setting''s hint lists the valid names');
select ok(pg_temp.hint_of($$ select portal_api.set_rate_limit('sign_in', 5, '1 minute') $$) like 'Buckets: %sign_in_ip%',
    'An unknown bucket''s hint lists the buckets');

-- help(): what the login role may call.
set local session authorization portal_gateway;
select is((select count(*)::int from portal_api.help() where function like 'portal_api.consume_token(%'), 1,
    'help() lists the gateway''s own functions to the gateway');
select is((select count(*)::int from portal_api.help() where function like 'portal_api.create_port(%'), 0,
    'and not the ones it may not call');
reset session authorization;

-- The status tells the state of the newest link.
select portal_api.create_port('Link Port') as port \gset
select portal_api.create_client(:'port', 'Link Client') as client \gset
select portal_api.invite(:'client', 'link@example.com') as uid \gset
select is(portal_api.portal_user_status(:'client')->'link'->>'state', 'live', 'A fresh invite''s link is live');
update portal.portal_auth_tokens set created_at = now() - interval '4 days', expires_at = now() - interval '1 day'
 where portal_user_id = :'uid';
select is(portal_api.portal_user_status(:'client')->'link'->>'state', 'expired', 'An expired link says expired');
select portal_api.disable_portal_user(:'client');
select is(portal_api.portal_user_status(:'client')->'link'->>'state', 'revoked', 'After disable the link is revoked');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid'), 1, 'one mail so far');
select ok(portal.do_client_action(:'client', null, 'enable', 'test') ? 'note',
    'Enabling an invited user whose link died says a fresh link was mailed');
select is(portal_api.portal_user_status(:'client')->'link'->>'state', 'live', 'and the new link is live');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' and kind = 'activation'), 2,
    'and its mail is queued');

-- A status read locks nothing (SELECT … FOR UPDATE is refused in a read-only transaction).
set local transaction_read_only = on;
select lives_ok(format($$ select portal_api.portal_user_status(%L) $$, :'client'),
    'A status read takes no row lock, so it never waits behind a sign-in or a reset');
select * from finish();
rollback;
