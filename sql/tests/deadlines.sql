-- Deadlines: the login roles carry their deadlines in this database only (a held row lock fails a
-- call instead of stalling the service), and hash_census counts stored hashes by parameters.
begin;
select plan(12);

select is(
    (select s.setconfig @> array['lock_timeout=500ms'] from pg_db_role_setting s
       join pg_database d on d.oid = s.setdatabase where s.setrole = 'portal_gateway'::regrole and d.datname = current_database()),
    true, 'The gateway role waits at most 500 ms for a lock in this database');
select is(
    (select s.setconfig @> array['statement_timeout=5s'] from pg_db_role_setting s
       join pg_database d on d.oid = s.setdatabase where s.setrole = 'portal_gateway'::regrole and d.datname = current_database()),
    true, 'A gateway statement is cancelled after 5 seconds in this database');
select is(
    (select s.setconfig @> array['lock_timeout=2s', 'statement_timeout=30s'] from pg_db_role_setting s
       join pg_database d on d.oid = s.setdatabase where s.setrole = 'portal_mailer'::regrole and d.datname = current_database()),
    true, 'The mailer role has a lock timeout of 2 s and a statement timeout of 30 s in this database');
select is(
    (select count(*)::int from pg_db_role_setting s
      where s.setrole in ('portal_gateway'::regrole, 'portal_mailer'::regrole) and s.setdatabase = 0),
    0, 'No deadline is set for every database of the cluster');

-- The census: three PHC parameter sets, a legacy hash, an account without a hash.
select portal_api.create_port('Census Port') as port \gset
select portal_api.invite(portal_api.create_client(:'port', 'Census ' || g), 'census-' || g || '@census.example')
  from generate_series(1, 7) g;
update portal.portal_users set password_hash = '$scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$' || repeat('A', 43), activated_at = now(), is_active = true
 where email in ('census-1@census.example', 'census-2@census.example', 'census-3@census.example');
update portal.portal_users set password_hash = '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$' || repeat('A', 43), activated_at = now(), is_active = true
 where email = 'census-4@census.example';
update portal.portal_users set password_hash = '$scrypt$ln=12,r=8,p=2$c2FsdHNhbHRzYWx0c2FsdA$' || repeat('A', 43), activated_at = now(), is_active = false
 where email = 'census-5@census.example';
update portal.portal_users set password_hash = 'c2FsdHNhbHRzYWx0c2FsdA:' || repeat('A', 86), activated_at = now(), is_active = true
 where email = 'census-6@census.example';

select is((select users from portal_api.hash_census() where (ln, r, p) = (17, 8, 1)) -
          (select count(*) from portal.portal_users u join portal.clients c on c.id = u.client_id
            where c.port_id <> :'port' and u.password_hash like '$scrypt$ln=17,r=8,p=1$%'),
          3::bigint, 'The census counts the accounts with ln=17, r=8, p=1 hashes');
select is((select users from portal_api.hash_census() where (ln, r, p) = (15, 8, 1)) -
          (select count(*) from portal.portal_users u join portal.clients c on c.id = u.client_id
            where c.port_id <> :'port' and u.password_hash like '$scrypt$ln=15,r=8,p=1$%'),
          1::bigint, 'and those with ln=15 apart from them');
select ok(exists (select from portal_api.hash_census() where (ln, r, p) = (12, 8, 2)),
    'A disabled account''s hash is counted too (enabling it must not meet a refusal)');
select is((select count(*)::int from portal_api.hash_census() where ln is null or r is null or p is null), 0,
    'Legacy Node hashes and accounts without a hash are not listed');
select is((select sum(users)::bigint from portal_api.hash_census()),
          (select count(*) from portal.portal_users where password_hash like '$scrypt$%'),
          'Every PHC hash is counted once');

set local role portal_gateway;
select lives_ok($$ select * from portal_api.hash_census() $$, 'The gateway role may take the census');
reset role;
set local role portal_mailer;
select throws_ok($$ select * from portal_api.hash_census() $$, '42501', null, 'The mailer role may not');
reset role;
set local role portal_reader;
select throws_ok($$ select * from portal_api.hash_census() $$, '42501', null, 'Nor may a backend holding portal_reader');
reset role;

select * from finish();
rollback;
