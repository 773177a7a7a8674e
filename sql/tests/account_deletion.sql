-- Deleting a client: the cascade, the sessions, the mail (a leased one refuses the delete), the
-- address freed, the person erased from the audit, and an audit nobody else can rewrite.
begin;
select plan(32);

select portal_api.create_port('Deletion Port') as port \gset
select portal_api.create_port('Other Deletion Port') as other_port \gset
select portal_api.create_client(:'port', 'Ketch Ltd', 'billing@ketch.example') as client \gset
select portal_api.create_client(:'port', 'Neighbour Ltd') as neighbour \gset
select portal_api.create_client(:'other_port', 'Elsewhere Ltd') as elsewhere \gset
-- Before the invite: a failed sign-in with the address (a row with no user id).
select portal_api.sign_in_record('owner@ketch.example', null, null, false, '198.51.100.20', 'Early/1.0');
select portal_api.invite(:'client', 'Owner@Ketch.example', 'Olga Owner', 'crm-staff') as uid \gset
select portal_api.invite(:'neighbour', 'next@door.example') as neighbour_uid \gset
select portal_api.create_admin_key(:'port', 'deletion key') as key \gset
select portal_api.create_admin_key(:'other_port', 'other key') as other_key \gset

-- Activated, signed in twice (two sessions), a forgot-password mail queued, a reset window.
update portal.portal_users set password_hash = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$b2xkb2xkb2xkb2xk', activated_at = now()
 where id = :'uid';
select portal_api.sign_in_record('owner@ketch.example', :'uid', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$b2xkb2xkb2xkb2xk', true,
    '198.51.100.21', 'Browser/2.0', null, 'jti-delete-1', now() + interval '1 hour');
select portal_api.sign_in_record('owner@ketch.example', :'uid', '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHQ$b2xkb2xkb2xkb2xk', true,
    '198.51.100.22', 'Phone/3.0', null, 'jti-delete-2', now() + interval '1 hour');
select portal_api.request_password_reset('owner@ketch.example', '198.51.100.23', 'Browser/2.0');
select session_epoch as epoch from portal.portal_users where id = :'uid' \gset

select throws_ok(format($$ select portal_api.key_delete_client(sha256(convert_to(%L, 'UTF8')), %L) $$, :'other_key', :'client'),
    'PA004', null, 'An admin key of another port cannot delete the client (not found)');
select is((select count(*)::int from portal.clients where id = :'client'), 1, 'and the client is still there');

-- A mail in a mailer's hands: the delete refuses and deletes nothing.
update portal.mail_outbox set run_at = now() + interval '1 day' where status = 'queued' and portal_user_id <> :'uid';
select id as leased from portal.mail_outbox where portal_user_id = :'uid' and kind = 'reset' \gset
update portal.mail_outbox set run_at = now() + interval '1 day' where portal_user_id = :'uid' and id <> :'leased' and status = 'queued';
select is((select count(*)::int from portal_api.claim_mail('mailer-del', 10)), 1, 'A mailer leases the reset mail');
create function pg_temp.delete_refusal(p_client text) returns text language plpgsql as $f$
declare
    v_state text;
    v_hint text;
begin
    perform portal_api.delete_client(p_client);
    return 'deleted';
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_hint = pg_exception_hint;
    return v_state || ': ' || v_hint;
end
$f$;
select matches(pg_temp.delete_refusal(:'client'), '^55P03: Try again in 1[0-9]{2} seconds',
    'While a mailer holds the lease on one of its mails, the delete is refused (55P03) with how long to wait');
select is((select count(*)::int from portal.portal_users where id = :'uid'), 1, 'A refused delete deletes nothing');
select is(portal_api.key_delete_client(sha256(convert_to(:'key', 'UTF8')), :'client') - 'retryAfter',
    '{"error": "mail_in_flight"}'::jsonb, 'The admin API''s delete answers mail_in_flight as a value');
select is(portal_api.release_mail(:'leased', 'mailer-del'), true, 'The mailer gives the mail back (its send never began)');
update portal.mail_outbox set run_at = now() where portal_user_id = :'uid' and status = 'queued';

select lives_ok(format($$ select portal_api.key_delete_client(sha256(convert_to(%L, 'UTF8')), %L, 'staff-17') $$, :'key', :'client'),
    'The key of the client''s port deletes it');
select is((select count(*)::int from portal.clients where id = :'client'), 0, 'The client is gone');
select is((select count(*)::int from portal.portal_users where id = :'uid'), 0, 'Its portal user is gone');
select is((select count(*)::int from portal.portal_auth_tokens where portal_user_id = :'uid'), 0, 'Its tokens are gone');
select is((select count(*)::int from portal.sessions where portal_user_id = :'uid'), 0, 'Its sessions are gone');
select is(portal_api.session_check(:'uid', :epoch, 'jti-delete-1'), null, 'Its cookie''s session check answers nothing');
select is((select count(*)::int from portal.mail_outbox where portal_user_id = :'uid' or recipient = 'owner@ketch.example'), 0,
    'Its mail is gone: nothing queued for it can be claimed');
select is((select count(*)::int from portal_api.claim_mail('mailer-del', 10)), 0, 'A mailer finds none of its mail');
select is(portal_api.dispatch_mail(:'leased', 'mailer-del', '30 seconds'), row(false, null::boolean),
    'A mailer that had leased one of its mails may not send it');
select is((select count(*)::int from portal.rate_limits where key in ('owner@ketch.example', :'uid')), 0,
    'No rate-limit window is keyed by its address or id');
select is((select count(*)::int from portal.portal_users where id = :'neighbour_uid'), 1, 'Another client of the port is untouched');
select is((select sign_in_lookup.user_id from portal_api.sign_in_lookup('owner@ketch.example')), null,
    'Sign-in finds no account for the address');
select throws_ok(format($$ select portal_api.key_delete_client(sha256(convert_to(%L, 'UTF8')), %L) $$, :'key', :'client'),
    'PA004', null, 'A second delete finds no client');

-- The audit: the rows stay, the person does not.
select ok((select count(*) from portal.auth_events where portal_user_id = :'uid') >= 4,
    'The user''s audit rows stay (sign-ins, the reset request, the invite)');
select is((select count(*)::int from portal.auth_events
            where (portal_user_id = :'uid' or client_id = :'client' or email = 'owner@ketch.example')
              and (email is not null or ip is not null or user_agent is not null)), 0,
    'None of them holds an address, a network address or a user agent');
select is((select count(*)::int from portal.auth_events e
            where e::text ilike '%ketch.example%' or e::text like '%Olga%' or e::text like '%Ketch Ltd%'), 0,
    'No audit row holds the address, the person''s name or the client''s name or billing address');
select is((select array_agg(event order by id) from portal.auth_events where portal_user_id = :'uid' and event like 'sign_in%'),
    array['sign_in_ok', 'sign_in_ok'], 'Event kinds are kept');
select is((select detail from portal.auth_events where portal_user_id = :'uid' and event = 'invite'), null,
    'A row without detail keeps none');
select is((select on_behalf_of || ' ' || staff_actor || ' ' || (detail->>'sessionsEnded')
             from portal.auth_events where event = 'client_deleted' and client_id = :'client'),
    'admin_key:' || (select id from portal.admin_keys where label = 'deletion key') || ' staff-17 2',
    'The deletion is audited with the key, the staff user it named and the counts');

select lives_ok($$ select portal_api.invite(current_setting('test.neighbour2'), 'owner@ketch.example') $$,
    'The address is free for a new invite')
  from (select set_config('test.neighbour2', portal_api.create_client(:'port', 'Ketch Again Ltd'), true)) s;

-- Append-only, but for exactly this erasure inside delete_client.
select id as row_id from portal.auth_events where portal_user_id = :'neighbour_uid' and event = 'invite' \gset
select throws_ok(format($$ update portal.auth_events set email = null where id = %s $$, :row_id), '42501', null,
    'Outside a delete, even erasing a row is refused');
set local portal.erasing = 'on';
select throws_ok(format($$ update portal.auth_events set email = 'someone@else.example', ip = null, user_agent = null,
                          detail = portal.erased_detail(detail) where id = %s $$, :row_id), '42501', null,
    'With the erasure flag, writing a value other than the erasure is refused');
select throws_ok(format($$ update portal.auth_events set email = null, ip = null, user_agent = null,
                          detail = '{"reason": "made up"}' where id = %s $$, :row_id), '42501', null,
    'With the erasure flag, a detail other than the erased one is refused');
set local role portal_owner;
select throws_ok(format($$ update portal.auth_events set event = 'sign_in_ok' where id = %s $$, :row_id), '42501', null,
    'The owner may not change any column but the four erasable ones (the event kind)');
select throws_ok(format($$ delete from portal.auth_events where id = %s $$, :row_id), '42501', null,
    'Nor delete a row');
reset role;
set local portal.erasing = 'off';

select * from finish();
rollback;
