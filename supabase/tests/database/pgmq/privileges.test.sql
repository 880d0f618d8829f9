-- Privileges as pgmq 1.4.4 sets them (and hosted Supabase keeps them): every function stays
-- executable by PUBLIC, but only the owner and pg_monitor have USAGE on schema pgmq, so a role
-- reaches the queues only once it is granted the schema and the tables. The API roles get
-- nothing from the extension itself (the project's migrations grant service_role what it needs).
--
-- pgTAP's own bookkeeping belongs to the test's login role, so the calls made as other roles run
-- in DO blocks that record their outcome in a temp table; the assertions run as the login role.
begin;
select plan(10);

create role pgtap_pgmq_nobody nologin;
create role pgtap_pgmq_worker nologin;
select pgmq.create('pgtap_privileges');
select pgmq.send('pgtap_privileges', '{"secret": 1}');

create temp table outcome (step text primary key, sqlstate text, detail text);
grant all on outcome to public;

select is_empty(
  $$ select p.proname from pg_proc p
     where p.pronamespace = 'pgmq'::regnamespace and not has_function_privilege('public', p.oid, 'execute') $$,
  'PUBLIC may execute every pgmq function, as in pgmq 1.4.4 (nothing is revoked).');

select is(
  (select array_agg(r order by r) from unnest(array['anon', 'authenticated', 'pgtap_pgmq_nobody', 'pg_monitor']) r
   where has_schema_privilege(r, 'pgmq', 'usage')),
  array['pg_monitor'],
  'Of anon, authenticated, a fresh role and pg_monitor, only pg_monitor has USAGE on schema pgmq.');

select ok(
  not exists (select from pg_namespace n, aclexplode(n.nspacl) a
              where n.nspname = 'pgmq' and a.privilege_type = 'CREATE' and a.grantee <> n.nspowner),
  'Only the owner may create objects in schema pgmq.');

set local role pgtap_pgmq_nobody;
do $$
begin
  perform pgmq.send('pgtap_privileges', '{}');
  insert into pg_temp.outcome values ('nobody_send', '00000', null);
exception when others then
  insert into pg_temp.outcome values ('nobody_send', sqlstate, sqlerrm);
end $$;
reset role;

select is((select sqlstate || ' ' || detail from outcome where step = 'nobody_send'),
  '42501 permission denied for schema pgmq',
  'A role without grants cannot send: it lacks USAGE on schema pgmq.');

grant usage on schema pgmq to pgtap_pgmq_worker;

set local role pgtap_pgmq_worker;
do $$
begin
  perform pgmq.read('pgtap_privileges', 30, 1);
  insert into pg_temp.outcome values ('worker_read_no_table', '00000', null);
exception when others then
  insert into pg_temp.outcome values ('worker_read_no_table', sqlstate, sqlerrm);
end $$;
reset role;

select is((select sqlstate || ' ' || detail from outcome where step = 'worker_read_no_table'),
  '42501 permission denied for table q_pgtap_privileges',
  'With USAGE alone the functions run but the queue table refuses the caller.');

grant select, update on pgmq.q_pgtap_privileges to pgtap_pgmq_worker;

set local role pgtap_pgmq_worker;
do $$
declare
  got text;
begin
  select string_agg(msg_id || ':' || message::text, ',') into got
  from pgmq.read('pgtap_privileges', 30, 1);
  insert into pg_temp.outcome values ('worker_read', '00000', got);
exception when others then
  insert into pg_temp.outcome values ('worker_read', sqlstate, sqlerrm);
end $$;
do $$
begin
  perform pgmq.send('pgtap_privileges', '{}');
  insert into pg_temp.outcome values ('worker_send', '00000', null);
exception when others then
  insert into pg_temp.outcome values ('worker_send', sqlstate, sqlerrm);
end $$;
reset role;

select is((select sqlstate || ' ' || detail from outcome where step = 'worker_read'), '00000 1:{"secret": 1}',
  'USAGE on the schema plus SELECT and UPDATE on the queue table are enough to read; no EXECUTE grant is needed.');
select is((select sqlstate || ' ' || detail from outcome where step = 'worker_send'),
  '42501 permission denied for table q_pgtap_privileges',
  'Sending needs INSERT on the queue table: the table privileges decide what a role may do.');

select ok(has_table_privilege('pg_monitor', 'pgmq.meta', 'select')
          and not has_table_privilege('pg_monitor', 'pgmq.meta', 'insert'),
  'pg_monitor may read pgmq.meta and nothing more.');

select ok(has_table_privilege('pg_monitor', 'pgmq.q_pgtap_privileges', 'select'),
  'pg_monitor may read a queue table created by the role that created the extension (default privileges).');

select ok(
  not has_table_privilege('anon', 'pgmq.q_pgtap_privileges', 'select')
  and not has_table_privilege('authenticated', 'pgmq.q_pgtap_privileges', 'select')
  and not has_table_privilege('service_role', 'pgmq.q_pgtap_privileges', 'select'),
  'The API roles have no privilege on a new queue table unless a migration grants it.');

select * from finish();
rollback;
