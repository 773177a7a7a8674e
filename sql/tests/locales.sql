-- Languages and time zones: the one BCP 47 rule in the CHECKs and in every function that takes a
-- locale, set_port_locale's refusals, the client's own choice through a live session, and the
-- language and zone claim_mail resolves when it claims a mail (not when it was queued).
begin;
select plan(45);

\set hash '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo'
select portal_api.create_port('Marina Kaštela', 'port-hr') as port_hr \gset
select portal_api.create_port('Hafen Kiel', 'port-de') as port_de \gset
select portal_api.create_port('Plain Harbour', 'port-plain') as port_plain \gset
select portal_api.create_client(:'port_hr', 'Jadran d.o.o.') as c_hr \gset
select portal_api.create_client(:'port_de', 'Segler GmbH') as c_de \gset
select portal_api.create_client(:'port_de', 'Ionian Ltd') as c_el \gset
select portal_api.create_client(:'port_de', 'Later Ltd') as c_later \gset
select portal_api.create_client(:'port_plain', 'Plain Ltd') as c_plain \gset

-- The CHECKs hold the rule's normalised form, whoever writes.
select throws_ok(format($$ update portal.ports set locale = 'de_AT' where id = %L $$, :'port_de'), '23514', null,
    'ports.locale refuses an underscore (POSIX, not BCP 47)');
select throws_ok(format($$ update portal.ports set locale = 'DE' where id = %L $$, :'port_de'), '23514', null,
    'ports.locale refuses a tag that is not normalised');
select throws_ok(format($$ update portal.ports set locale = 'en-u-ca-buddhist' where id = %L $$, :'port_de'), '23514', null,
    'ports.locale refuses an extension');
select lives_ok(format($$ update portal.ports set locale = 'sr-Latn-RS' where id = %L $$, :'port_de'),
    'ports.locale takes language, script and region');
select throws_ok(format($$ update portal.ports set time_zone = 'Europe/Berlin; drop' where id = %L $$, :'port_de'), '23514', null,
    'ports.time_zone refuses what is not an IANA name''s shape');
select throws_ok(format($$ update portal.portal_users set locale = 'x-klingon' where id = (select id from portal.portal_users where client_id = %L) $$, :'c_de'),
    '23514', null, 'portal_users.locale refuses private use') from (select portal_api.invite(:'c_de', 'segler@kiel.example')) i;
select throws_ok(format($$ update portal.portal_users set locale = 'de-1996' where client_id = %L $$, :'c_de'), '23514', null,
    'portal_users.locale refuses a variant');

-- set_port_locale: normalises, refuses with a hint, clears with NULL.
select is(portal_api.set_port_locale(:'port_hr', 'HR', 'Europe/Zagreb'),
    jsonb_build_object('id', 'port-hr', 'name', 'Marina Kaštela', 'locale', 'hr', 'timeZone', 'Europe/Zagreb'),
    'set_port_locale stores the normalised tag and the zone, and returns the port');
select is(portal_api.set_port_locale(:'port_de', 'de-at', 'Europe/Berlin')->>'locale', 'de-AT', 'de-at is stored as de-AT');
select throws_ok($$ select portal_api.set_port_locale('no-such-port', 'de', 'Europe/Berlin') $$, 'PA005', 'port not found',
    'An unknown port is PA005');
select throws_ok(format($$ select portal_api.set_port_locale(%L, 'de_AT', 'Europe/Berlin') $$, :'port_de'), 'PA008',
    'locale must be a BCP 47 language tag: a language, optionally a script and a region', 'de_AT is PA008');
select throws_ok(format($$ select portal_api.set_port_locale(%L, 'de ', null) $$, :'port_de'), 'PA008', null,
    'Whitespace is not part of a tag');
select throws_ok(format($$ select portal_api.set_port_locale(%L, '', null) $$, :'port_de'), 'PA008', null,
    'The empty string is not a tag (NULL clears)');
select throws_ok(format($$ select portal_api.set_port_locale(%L, 'de', 'Mars/Olympus_Mons') $$, :'port_de'), 'PA008', null,
    'A zone pg_timezone_names does not list is PA008');
select throws_ok(format($$ select portal_api.set_port_locale(%L, 'de', 'Europe/Berlin''--') $$, :'port_de'), 'PA008', null,
    'and so is one outside an IANA name''s shape');
select throws_ok(format($$ select portal_api.set_port_locale(%L, %L, null) $$, :'port_de', U&'\212Aa'), 'PA008', null,
    'A letter outside ASCII is refused, even one whose lower case is ASCII (the Kelvin sign)');
create function pg_temp.hint_of(p_sql text) returns text language plpgsql as $$
declare v_hint text;
begin
    execute p_sql;
    return null;
exception when others then
    get stacked diagnostics v_hint = pg_exception_hint;
    return v_hint;
end $$;
select ok(pg_temp.hint_of(format($$ select portal_api.set_port_locale(%L, 'de_AT', null) $$, :'port_de')) like '%de-AT%',
    'The locale''s refusal hints at the form it takes');
select ok(pg_temp.hint_of(format($$ select portal_api.set_port_locale(%L, 'de', 'Berlin') $$, :'port_de')) like '%Europe/Berlin%',
    'The zone''s refusal hints at an IANA name');
select ok(pg_temp.hint_of($$ select portal_api.set_port_locale('nope', 'de', null) $$) is not null, 'An unknown port''s refusal has a hint');
select is((select locale || ' ' || time_zone from portal.ports where id = :'port_de'), 'de-AT Europe/Berlin',
    'A refused call changed nothing');
select is((select detail from portal.auth_events where event = 'port_updated' and port_id = :'port_hr' order by id desc limit 1),
    '{"field": "locale", "locale": "hr", "timeZone": "Europe/Zagreb"}'::jsonb, 'The change is audited as port_updated');
select is(portal_api.set_port_locale(:'port_plain', null, null), jsonb_build_object('id', 'port-plain', 'name', 'Plain Harbour',
    'locale', null, 'timeZone', null), 'NULL clears both');
select is(portal_api.set_port_locale(:'port_de', 'de', 'Europe/Berlin')->>'locale', 'de', 'The German port speaks de');

-- Invites take the client's own language.
select portal_api.invite(:'c_hr', 'kapetan@jadran.example') as uid_hr \gset
select portal_api.invite(:'c_el', 'kapetanios@ionian.example', null, 'crm', 'EL') as uid_el \gset
select portal_api.invite(:'c_plain', 'plain@plain.example') as uid_plain \gset
select is((select locale from portal.portal_users where id = :'uid_el'), 'el', 'invite stores the client''s locale, normalised');
select is((select locale from portal.portal_users where id = :'uid_hr'), null, 'and none when not given');
select throws_ok(format($$ select portal_api.invite(%L, 'later@later.example', null, 'crm', 'greek') $$, :'c_later'), 'PA008', null,
    'invite refuses a locale outside the rule');
select is((select count(*)::int from portal.portal_users where client_id = :'c_later'), 0, 'and creates nobody');
select is(portal_api.portal_user_status(:'c_el') - array['actions', 'createdAt', 'link', 'lastMail', 'portalUserId', 'clientId',
                                                         'email', 'name', 'state', 'activatedAt', 'lastLoginAt', 'failedAttempts',
                                                         'lockedUntil', 'pendingEmail', 'portId'],
    '{"locale": "el", "portLocale": "de", "portTimeZone": "Europe/Berlin"}'::jsonb,
    'The status shows the client''s own language and the port''s language and zone');

-- The admin API: key_invite and PUT /api/v1/clients/:id.
select portal_api.create_admin_key(:'port_de', 'crm') as key_de \gset
select is(portal_api.key_invite(sha256(convert_to(:'key_de', 'UTF8')), :'c_later', 'later@later.example', null, null, 'fr')->>'locale',
    'fr', 'key_invite stores the locale and its status shows it');
select is(portal_api.key_put_client(sha256(convert_to(:'key_de', 'UTF8')), :'c_later', 'Later Ltd', null, null, 'it')->>'outcome',
    'updated', 'PUT with a new locale updates the client''s portal user');
select is((select locale from portal.portal_users where client_id = :'c_later'), 'it', 'to that language');
select is(portal_api.key_put_client(sha256(convert_to(:'key_de', 'UTF8')), :'c_later', 'Later Ltd')->>'outcome',
    'unchanged', 'PUT without one leaves it as it is');
select throws_ok(format($$ select portal_api.key_put_client(sha256(convert_to(%L, 'UTF8')), %L, 'Later Ltd', null, null, 'it_IT') $$,
    :'key_de', :'c_later'), 'PA008', null, 'PUT refuses a malformed locale');

-- The import: a locale column, empty for none.
select portal_api.create_client(:'port_hr', 'Imported d.o.o.', null, 'imp-hr') as c_imp \gset
select is(portal_api.import_portal_user('pu-imp-hr', :'port_hr', 'imp-hr', 'imp@jadran.example', null, 'Imp', true, null, null, null,
    'crm', 'sl'), 'created', 'The import takes a locale');
select is((select locale from portal.portal_users where id = 'pu-imp-hr'), 'sl', 'and stores it');

-- claim_mail resolves the language and zone when it claims.
create temp table claimed as select * from portal_api.claim_mail('lang-test', 1000) with no data;
insert into claimed select * from portal_api.claim_mail('lang-test', 1000);
select is((select language || ' ' || time_zone from claimed where recipient = 'kapetan@jadran.example'), 'hr Europe/Zagreb',
    'A client without a language of their own gets the port''s, in the port''s zone');
select is((select language || ' ' || time_zone from claimed where recipient = 'kapetanios@ionian.example'), 'el Europe/Berlin',
    'A client''s own language wins over the port''s');
select is((select language || ' ' || time_zone from claimed where recipient = 'plain@plain.example'), 'en UTC',
    'Neither: English, in UTC');

-- A change between queueing and claiming: the mail is rendered in the language at the claim.
select portal_api.resend_activation(:'c_hr');
select portal_api.set_port_locale(:'port_hr', 'it', 'Europe/Rome');
select is((select language || ' ' || time_zone from portal_api.claim_mail('lang-test', 1000) where recipient = 'kapetan@jadran.example'),
    'it Europe/Rome', 'A mail queued before the port changed its language is claimed in the new one');
update portal.portal_users set password_hash = :'hash', activated_at = now() where id = :'uid_el';
select portal_api.sign_in_record('kapetanios@ionian.example', :'uid_el', :'hash', true, null, null, null, 'jti-el',
                                 now() + interval '1 hour');
select session_epoch as epoch_el from portal.portal_users where id = :'uid_el' \gset
select portal_api.key_client_action(sha256(convert_to(:'key_de', 'UTF8')), :'c_el', 'send-reset');

-- The client's own choice, through a live session only.
select is(portal_api.set_portal_user_locale(:'uid_el', :epoch_el, 'jti-never-issued', 'fr'), null,
    'set_portal_user_locale answers NULL for a session that was not issued');
select is(portal_api.set_portal_user_locale(:'uid_el', :epoch_el + 1, 'jti-el', 'fr'), null, 'or for another epoch');
select is((select locale from portal.portal_users where id = :'uid_el'), 'el', 'and changes nothing');
select is(portal_api.set_portal_user_locale(:'uid_el', :epoch_el, 'jti-el', 'FR')->>'locale', 'fr',
    'A live session sets the client''s language, normalised, and gets the user back with it');
select throws_ok(format($$ select portal_api.set_portal_user_locale(%L, %s, 'jti-el', 'français') $$, :'uid_el', :epoch_el),
    'PA008', null, 'A tag outside the rule is PA008');
select is((select language from portal_api.claim_mail('lang-test', 1000) where recipient = 'kapetanios@ionian.example'), 'fr',
    'The reset mail queued while the client read Greek is claimed in the French they chose since');

select * from finish();
rollback;
