-- The role matrix: login roles can call only their own portal_api functions and read no table.
begin;
select plan(27);

select set_eq(
    $$ select p.proname::text collate "C" from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'portal_api' and has_function_privilege('portal_gateway', p.oid, 'execute')
        $$,
    $$ values ('change_password'), ('change_password_lookup'), ('consume_token'), ('key_client_action'),
              ('key_client_status'), ('key_invite'), ('outbox_stats'), ('rate_limit_hit'), ('session_check'),
              ('sign_in_gate'), ('sign_in_lookup'), ('sign_in_record'), ('sign_out'), ('help'),
              ('token_status'), ('upgrade_password_hash'), ('request_password_reset'), ('key_put_client'),
              ('hash_census'), ('request_email_change'), ('confirm_email_change'), ('key_change_email'),
              ('key_delete_client'), ('key_user_events'), ('set_portal_user_locale') $$,
    'The gateway role can execute exactly the gateway functions (and cannot seal tokens)');

select set_eq(
    $$ select p.proname::text collate "C" from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'portal_api' and has_function_privilege('portal_mailer', p.oid, 'execute')
        $$,
    $$ values ('claim_mail'), ('complete_mail'), ('dispatch_mail'), ('fail_mail'), ('maintenance'), ('outbox_stats'),
              ('release_mail'), ('skip_mail'), ('help'), ('prune') $$,
    'The mailer role can execute exactly the outbox functions, renewing and sealing only through dispatch_mail');

select set_eq(
    $$ select p.proname::text collate "C" from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'portal_api' and has_function_privilege('portal_reader', p.oid, 'execute')
        $$,
    $$ values ('session_check') $$,
    'The reader group can execute session_check and nothing else');

select set_eq(
    $$ select p.proname::text collate "C" from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'portal_api' and has_function_privilege('portal_admin', p.oid, 'execute')
        $$,
    $$ values ('audit_events'), ('create_admin_key'), ('create_client'), ('create_port'),
              ('disable_portal_user'), ('enable_portal_user'), ('invite'), ('list_admin_keys'),
              ('maintenance'), ('outbox_stats'), ('portal_user_status'), ('resend_activation'),
              ('revoke_admin_key'), ('revoke_sessions'), ('set_rate_limit'), ('set_setting'),
              ('unlock_portal_user'), ('settings'), ('rate_limits'), ('help'), ('prune'), ('after_restore'),
              ('set_port_contact'), ('import_port'), ('import_client'), ('import_portal_user'), ('change_email'),
              ('delete_client'), ('send_activations'), ('set_port_locale') $$,
    'The admin group can execute exactly the DBA functions');

select is(
    (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('portal', 'portal_api') and has_function_privilege('public', p.oid, 'execute')),
    0, 'PUBLIC can execute no portal function');

select is(
    (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
       cross join (values ('portal_gateway'), ('portal_mailer'), ('portal_admin'), ('portal_reader')) r(role)
      where n.nspname = 'portal' and c.relkind in ('r', 'v', 'm', 'S')
        and (has_table_privilege(r.role, c.oid, 'select') or has_table_privilege(r.role, c.oid, 'insert')
             or has_table_privilege(r.role, c.oid, 'update') or has_table_privilege(r.role, c.oid, 'delete'))),
    0, 'No portal role has any privilege on any table');

select is(has_schema_privilege('portal_gateway', 'portal', 'usage'), false, 'The gateway cannot even look into schema portal');
select is(has_schema_privilege('portal_mailer', 'portal', 'usage'), false, 'The mailer cannot look into schema portal');

select is(
    (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'portal_api' and not p.prosecdef),
    0, 'Every portal_api function is SECURITY DEFINER');
select is(
    (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('portal', 'portal_api')
        and not coalesce(p.proconfig @> array['search_path=pg_catalog, pg_temp'], false)),
    0, 'Every portal function pins search_path to pg_catalog, pg_temp');
select is(
    (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'portal_api' and obj_description(p.oid, 'pg_proc') is null),
    0, 'Every portal_api function has a comment');
select is(
    (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('portal', 'portal_api') and pg_get_userbyid(p.proowner) <> 'portal_owner'),
    0, 'portal_owner owns every function');
select is(
    (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'portal' and c.relkind = 'r' and pg_get_userbyid(c.relowner) <> 'portal_owner'),
    0, 'portal_owner owns every table');

-- Behaviour, not just catalogue: switch to each role and try.
set local role portal_gateway;
select throws_ok($$ select * from portal.portal_users $$, '42501', null, 'The gateway cannot select from portal_users');
select throws_ok($$ select portal_api.create_port('x') $$, '42501', null, 'The gateway cannot call DBA functions');
select throws_ok($$ select * from portal_api.claim_mail('w', 1) $$, '42501', null, 'The gateway cannot claim mail');
select lives_ok($$ select portal_api.token_status('\x00'::bytea) $$, 'The gateway can call its own functions');
select throws_ok($$ select portal_api.seal_token('t', sha256('x')) $$, '42501', null,
    'The gateway cannot seal tokens (only the mailer, which holds the token key, can)');
reset role;

set local role portal_mailer;
select throws_ok($$ select * from portal.mail_outbox $$, '42501', null, 'The mailer cannot read the outbox table directly');
select throws_ok($$ select * from portal_api.sign_in_lookup('a@b.co') $$, '42501', null, 'The mailer cannot call sign-in functions');
select lives_ok($$ select * from portal_api.claim_mail('w', 1) $$, 'The mailer can claim mail');
reset role;

set local role portal_admin;
select throws_ok($$ delete from portal.auth_events $$, '42501', null, 'The admin group cannot touch tables directly');
select throws_ok($$ select portal_api.consume_token('reset', '\x00'::bytea, 'x') $$, '42501', null,
    'The admin group cannot consume tokens');
select lives_ok($$ select portal_api.create_port('Privilege Port') $$, 'The admin group can create a port');
reset role;

-- help() lists every portal_api function, each with its one-line comment (as the owner: all of them).
select is(
    (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'portal_api'
        and not exists (select from portal_api.help() h where h.function = p.oid::regprocedure::text)),
    0, 'help() lists every portal_api function to its owner');
select is((select count(*)::int from portal_api.help() where description is null or description = ''), 0,
    'Each function help() lists comes with what it does');

-- Nothing in the two schemas but what the SQL files define: no functions left over in public.
select is(
    (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and pg_get_userbyid(p.proowner) = 'portal_owner'),
    0, 'portal_owner defines nothing in schema public');

select * from finish();
rollback;
