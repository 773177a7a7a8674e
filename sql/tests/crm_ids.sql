-- The CRM's ids: an id differing only in case is the same id; another port's id asked for
-- by PUT is audited and rate-limited; client_updated says what changed; imports lock only the
-- rows they change, and a dry run none that exists (checked from a second connection, dblink).
begin;
select plan(34);

select portal_api.create_port('Case Port', 'case-port-a') as port_a \gset
select portal_api.create_port('Other Case Port', 'case-port-b') as port_b \gset
select portal_api.create_admin_key(:'port_a', 'crm a') as key_a \gset
select portal_api.create_admin_key(:'port_b', 'crm b') as key_b \gset
select encode(sha256(convert_to(:'key_a', 'UTF8')), 'hex') as hash_a \gset
select encode(sha256(convert_to(:'key_b', 'UTF8')), 'hex') as hash_b \gset
select id as key_a_id from portal.admin_keys where port_id = :'port_a' \gset

-- An id differing only in case is the same id.
select throws_like($$ select portal_api.create_port('Shouting Port', 'CASE-PORT-A') $$, '%differs only in case%',
    'A port id differing only in case from an existing one is refused, saying so');
select throws_ok($$ select portal_api.import_port('Case-Port-A', 'Case Port') $$, 'PA015', null,
    'and the import refuses it with PA015 (id_taken)');
select is(portal_api.create_client(:'port_a', 'Upper Client', null, 'ABCDEF-0001'), 'ABCDEF-0001', 'A client id keeps its case');
select throws_like($$ select portal_api.import_client('abcdef-0001', 'case-port-a', 'Lower Client') $$,
    '%differs only in case from the existing client ABCDEF-0001 of this port%',
    'The same id in lower case in the same port is refused, naming the id it collides with');
select throws_like($$ select portal_api.import_client('abcdef-0001', 'case-port-b', 'Lower Client') $$,
    '%or an id differing only in case%', 'In another port it is refused without naming anything of that port');
select is((select count(*)::int from portal.clients where lower(id) = 'abcdef-0001'), 1, 'and no second client exists');
select has_index('portal', 'clients', 'clients_id_lower_key', 'Client ids are unique whatever their case (an index)');
select has_index('portal', 'ports', 'ports_id_lower_key', 'Port ids are unique whatever their case (an index)');

-- PUT with another port's id: 409 (as a value), audited, counted on its own bucket.
select portal_api.create_client(:'port_b', 'B Client', null, 'b-client-1');
select is(portal_api.key_put_client(decode(:'hash_a', 'hex'), 'b-client-1', 'Probe'), '{"error": "id_taken"}'::jsonb,
    'A key asking for another port''s client id is told only that the id is taken');
select is(portal_api.key_put_client(decode(:'hash_a', 'hex'), 'B-CLIENT-1', 'Probe'), '{"error": "id_taken"}'::jsonb,
    'and the same in another case');
select is((select count(*)::int from portal.auth_events
            where event = 'client_id_refused' and port_id = :'port_a' and on_behalf_of = 'admin_key:' || :'key_a_id'),
    2, 'Each refusal is audited with the asking key and its port');
select is((select array_agg(client_id order by id) from portal.auth_events where event = 'client_id_refused'),
    array['b-client-1', 'B-CLIENT-1'], 'and the id asked for');
select is((select name from portal.clients where id = 'b-client-1'), 'B Client', 'Nothing of the other port''s client changed');
select is(portal_api.key_put_client(decode(:'hash_a', 'hex'), 'abcdef-0001', 'Upper Client'),
    '{"error": "id_taken", "existingId": "ABCDEF-0001"}'::jsonb,
    'A key''s own client in another case is named, and is no probe');
select ok(exists (select from portal_api.rate_limits() where bucket = 'client_id_key' and max_hits = 10
                     and window_length = '1 hour' and description like '%audited%'),
    'rate_limits() lists the client_id_key bucket: 10 refusals an hour per key');
select portal_api.create_client(:'port_b', 'B ' || g, null, 'b-client-' || g) from generate_series(3, 10) g;
select is((select array_agg(distinct portal_api.key_put_client(decode(:'hash_a', 'hex'), 'b-client-' || g, 'Probe') ->> 'error')
             from generate_series(3, 10) g),
    array['id_taken'], 'Refusals up to the limit answer id_taken');
select is((select count(*)::int from portal.auth_events where event = 'client_id_refused'), 10,
    'Ten refusals, each audited');
select is(portal_api.key_put_client(decode(:'hash_a', 'hex'), 'b-client-1', 'Probe') ->> 'error', 'rate_limited',
    'The eleventh probe is answered rate_limited');
select is((select count(*)::int from portal.auth_events where event = 'client_id_refused'), 10,
    'without looking the id up (nothing more is audited)');
select ok((portal_api.key_put_client(decode(:'hash_a', 'hex'), 'fresh-id-1', 'Fresh') ->> 'retryAfter')::int > 0,
    'Past the limit, a PUT of an id the key does not hold answers rate_limited with the seconds to wait');
select is((select count(*)::int from portal.clients where id = 'fresh-id-1'), 0, 'and creates nothing');
select is(portal_api.key_put_client(decode(:'hash_a', 'hex'), 'ABCDEF-0001', 'Upper Client Ltd') ->> 'outcome', 'updated',
    'The key''s own clients can still be updated');
select is(portal_api.key_put_client(decode(:'hash_b', 'hex'), 'fresh-id-2', 'Fresh') ->> 'outcome', 'created',
    'Another key is not limited by the first one''s refusals');

-- client_updated and port_updated say what changed.
select is((select detail from portal.auth_events where event = 'client_updated' and client_id = 'ABCDEF-0001'),
    '{"name": {"from": "Upper Client", "to": "Upper Client Ltd"}}'::jsonb, 'A rename is audited with the old and new name');
select portal_api.import_client('ABCDEF-0001', :'port_a', 'Upper Client Ltd', 'Accounts@Upper.example');
select is((select detail from portal.auth_events where event = 'client_updated' and client_id = 'ABCDEF-0001' order by id desc limit 1),
    '{"billingEmail": {"from": null, "to": "accounts@upper.example"}}'::jsonb, 'A new billing address is audited, and only it');
select portal_api.import_port(:'port_a', 'Case Port Marina');
select is((select detail from portal.auth_events where event = 'port_updated' and port_id = :'port_a' order by id desc limit 1),
    '{"field": "name", "name": {"from": "Case Port", "to": "Case Port Marina"}}'::jsonb, 'A port''s rename is audited with both names');

-- Imports lock only what they change: a port and a client committed by a second connection, then
-- imported here while this transaction stays open.
create extension if not exists dblink;
select 'lock-' || md5(random()::text) as lock_port \gset
select dblink_connect('second', format('host=%s port=%s dbname=%s user=%s', split_part(current_setting('unix_socket_directories'), ',', 1),
    current_setting('port'), current_database(), current_user));
select dblink_exec('second', 'set lock_timeout = ''2s''');
select dblink_exec('second', format('insert into portal.ports (id, name) values (%L, ''Lock Marina'')', :'lock_port'));
select dblink_exec('second', format('insert into portal.clients (id, port_id, name) values (%L, %L, ''Lock Client'')',
    :'lock_port' || '-c', :'lock_port'));

select is(portal_api.import_port(:'lock_port', 'Lock Marina'), 'unchanged', 'An unchanged port imports as unchanged');
select is(portal_api.import_client(:'lock_port' || '-c', :'lock_port', 'Lock Client'), 'unchanged', 'and so does its client');
select lives_ok(format($$ select * from dblink('second', %L) as t(id text) $$,
    format('select id from portal.ports where id = %L for update nowait', :'lock_port')), 'and the port row stays free for another connection (for update nowait)');
select lives_ok(format($$ select * from dblink('second', %L) as t(id text) $$,
    format('select id from portal.clients where id = %L for update nowait', :'lock_port' || '-c')), 'and so does the client row');
select is(portal_api.import_port(:'lock_port', 'Lock Marina Renamed', p_dry_run => true), 'updated',
    'A dry run of a rename says updated');
select lives_ok(format($$ select * from dblink('second', %L) as t(id text) $$,
    format('select id from portal.ports where id = %L for update nowait', :'lock_port')), 'and locks nothing');
-- (The rename is rolled back to a savepoint so the second connection can remove its rows; the
-- outcomes are asserted after it.)
savepoint renamed;
select portal_api.import_port(:'lock_port', 'Lock Marina Renamed') as renamed \gset
select count(*) from dblink('second', format('select id from portal.ports where id = %L for key share nowait', :'lock_port'), false)
    as t(id text);
select dblink_error_message('second') as key_share \gset
rollback to savepoint renamed;
select is(:'renamed'::text, 'updated', 'A real rename updates');
select is(:'key_share'::text, 'OK', 'and leaves the port open to invites and new clients (their foreign-key checks)');

select dblink_exec('second', format('delete from portal.ports where id = %L', :'lock_port'));
select dblink_disconnect('second');

select * from finish();
rollback;
