-- A DBA's refusal names what was wrong and what to do: the client id, the part of the email rule
-- an address breaks, a duration read as seconds, every rate-limit bucket in help().
begin;
select plan(27);

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

select portal_api.create_port('Hints Port') as port \gset
select portal_api.create_port('Other Port') as other_port \gset
select portal_api.create_client(:'port', 'Ketch Ltd', null, 'Ketch-1') as client \gset
select portal_api.create_client(:'port', 'Yawl Ltd') as yawl \gset
select portal_api.create_admin_key(:'other_port', 'other crm') as other_key \gset

-- Client ids.
select throws_ok($$ select portal_api.invite('no-such-client', 'x@example.com') $$,
    'PA004', 'client not found: no-such-client', 'Inviting an unknown client names the id');
select ok(pg_temp.hint_of($$ select portal_api.invite('no-such-client', 'x@example.com') $$)
          like 'Client ids are the CRM''s, matched exactly (case included). Create a client with select portal_api.create_client(%',
    'and the hint says how ids match and how to create a client');
select is(pg_temp.hint_of($$ select portal_api.invite('ketch-1', 'x@example.com') $$),
    'Client ids match exactly, case included: did you mean ''Ketch-1''?',
    'An id in another case names the client that exists');
select throws_ok($$ select portal_api.portal_user_status('no-such-client') $$,
    'PA004', 'client not found: no-such-client', 'The status of an unknown client names the id');
select throws_ok(format($$ select portal_api.portal_user_status(%L) $$, :'yawl'),
    'PA006', format('client %s has no portal user', :'yawl'), 'The status of a client without a portal user names it');
select is(pg_temp.hint_of(format($$ select portal_api.portal_user_status(%L) $$, :'yawl')),
    format('Invite one: select portal_api.invite(%L, ''<email>'');', :'yawl'),
    'and the hint shows how to invite one');
select throws_ok($$ select portal_api.resend_activation('Ketch-1') $$,
    'PA006', 'client Ketch-1 has no portal user', 'Every client action names the client');
select throws_ok(format($$ select portal_api.key_invite(sha256(convert_to(%L, 'UTF8')), 'ketch-1', 'x@example.com') $$, :'other_key'),
    'PA004', 'client not found: ketch-1', 'An admin key''s refusal names only the id it sent');
select is(pg_temp.hint_of(format($$ select portal_api.key_invite(sha256(convert_to(%L, 'UTF8')), 'ketch-1', 'x@example.com') $$, :'other_key')),
    'Client ids are the CRM''s, matched exactly (case included), within this admin key''s port.',
    'and its hint names no client of another port');

-- Email addresses: the part of the rule broken.
select throws_ok(format($$ select portal_api.invite(%L, 'not an email') $$, :'yawl'),
    'PA008', 'invalid email address: it has no "@"', 'An address without "@" is refused saying so');
select ok(pg_temp.hint_of(format($$ select portal_api.invite(%L, 'skipper@localhost') $$, :'yawl'))
          like 'An address has an ASCII local part%', 'with the rule as the hint');
select throws_ok(format($$ select portal_api.invite(%L, 'skipper@localhost') $$, :'yawl'),
    'PA008', 'invalid email address: the domain has no "." (e.g. example.com)', 'A domain without a dot is named');
select is(portal.email_problem('ünal@example.com'), 'the part before the "@" is not ASCII (mail is sent without SMTPUTF8)',
    'A non-ASCII local part is named');
select is(portal.email_problem('a..b@example.com'), 'the part before the "@" has a dot first, last or twice in a row',
    'Two dots in a row are named');
select is(portal.email_problem('a@b@example.com'), 'it has more than one "@"', 'A second "@" is named');
select is(portal.email_problem('a%b@example.com'),
    'the part before the "@" has a character other than letters, digits and .!#$&''*+/=^_`{|}~-', 'A "%" is named');
select is(portal.email_problem('a@example.123'), 'the domain ends in a number', 'A numeric last label is named');
select is(portal.email_problem('a@exa' || chr(8203) || 'mple.com'),
    'the domain has an invisible character or a look-alike of "." or "@"', 'An invisible character is named');
select is(portal.email_problem('  '), 'it is empty', 'Only white space is called empty');
select is(portal.email_problem('  Skipper@Example.COM '), null, 'An address that follows the rule has no problem');
select is(
    (select count(*)::int
       from (values ('@example.com'), ('a@'), ('a@-x.com'), ('a@x-.com'), ('.a@example.com'), ('a.@example.com'),
                    ('a@example..com'), ('a@.example.com'), (repeat('a', 65) || '@example.com'),
                    ('a@' || repeat('b', 64) || '.com'), ('a b@example.com'), ('a@exa mple.com'),
                    ('a"b@example.com'), ('a@example.com' || chr(160) || 'x'), (repeat('a', 60) || '@' || repeat('b.', 100) || 'com'),
                    ('İ@example.com'), ('a@example.c_m')) v(address)
      where portal.email_normalized(v.address) is null
        and coalesce(portal.email_problem(v.address), 'it does not follow the email rule') = 'it does not follow the email rule'),
    0, 'Every refused address of a sample is refused for a named reason');

-- Durations.
select lives_ok($$ select portal_api.set_setting('reset_ttl', '3600') $$, 'A bare number for a duration is accepted');
select is((select value from portal_api.settings() where name = 'reset_ttl'), '01:00:00', 'and read as seconds');
select is(portal.bare_seconds_note('reset_ttl', ' 3600 '),
    'reset_ttl: the bare number 3600 was read as 3600 seconds (01:00:00); write the unit to be clear, e.g. ''1 hour''.',
    'The notice says a bare number was read as seconds and what it became');
select is(portal.bare_seconds_note('reset_ttl', '1 hour'), null, 'A duration with units has no notice');

-- help() and every rate-limit bucket.
select is(
    (select count(*)::int from portal.rate_limit_rules r
      where (select h.description from portal_api.help() h
              where h.function = 'portal_api.set_rate_limit(text,integer,interval)') not like '%' || r.bucket || '%'),
    0, 'help() names every rate-limit bucket beside set_rate_limit');
select ok((select h.description from portal_api.help() h
            where h.function = 'portal_api.set_rate_limit(text,integer,interval)') like '%bare number for the window is read as seconds%',
    'and says a bare window is read as seconds');

select * from finish();
rollback;
