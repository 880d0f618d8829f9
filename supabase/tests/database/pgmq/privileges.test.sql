-- Nothing in pgmq is executable by PUBLIC (a deliberate, documented
-- difference from upstream): a role must be granted access explicitly, as
-- API roles on Supabase must be.  pg_monitor may read queue tables, as in
-- pgmq 1.4.
--
-- pgTAP's own bookkeeping belongs to the test's login role, so the calls
-- made as other roles run in DO blocks that record their outcome in a temp
-- table; the assertions run as the login role afterwards.
begin;
select plan(7);

create role pgtap_pgmq_nobody nologin;
create role pgtap_pgmq_worker nologin;
select pgmq.create('pgtap_privileges');
select pgmq.send('pgtap_privileges', '{"secret": 1}');

create temp table outcome (step text primary key, sqlstate text, detail text);
grant all on outcome to public;

select is(
  (select count(*) from information_schema.role_routine_grants
   where routine_schema = 'pgmq' and grantee = 'PUBLIC'
     and routine_name not in ('format_table_name', 'validate_queue_name')),
  0::bigint,
  'No pgmq function except the pure name helpers is executable by PUBLIC.');

select ok(not has_schema_privilege('pgtap_pgmq_nobody', 'pgmq', 'usage'),
  'A role without grants has no usage on schema pgmq.');

set local role pgtap_pgmq_nobody;
do $$
begin
  perform pgmq.send('pgtap_privileges', '{}');
  insert into pg_temp.outcome values ('nobody_send', '00000', null);
exception when others then
  insert into pg_temp.outcome values ('nobody_send', sqlstate, sqlerrm);
end $$;
reset role;

select is((select sqlstate from outcome where step = 'nobody_send'), '42501',
  'A role without grants cannot send messages (permission denied).');

grant usage on schema pgmq to pgtap_pgmq_worker;
grant select, insert, update, delete on all tables in schema pgmq to pgtap_pgmq_worker;
grant execute on function pgmq.read(text, integer, integer) to pgtap_pgmq_worker;

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

select is((select sqlstate from outcome where step = 'worker_read'), '00000',
  'A role granted schema usage, table access and execute on read() alone can call read().');
select is((select detail from outcome where step = 'worker_read'), '1:{"secret": 1}',
  'That role receives the queued message.');
select is((select sqlstate from outcome where step = 'worker_send'), '42501',
  'Execute on one pgmq function does not grant execute on the others.');

select ok(has_table_privilege('pg_monitor', 'pgmq.q_pgtap_privileges', 'select'),
  'pg_monitor can read queue tables created after the extension, as in pgmq 1.4.');

select * from finish();
rollback;
