-- Two consumers reading the same queue at the same time never receive the
-- same message: read() claims rows with FOR UPDATE SKIP LOCKED.
--
-- Approach: one pgTAP transaction cannot be two sessions, so this test opens
-- two extra connections to the same database with dblink:
--   * "pgmq_a" starts a transaction, reads 5 messages and keeps the
--     transaction open, so its claims are uncommitted and its row locks held;
--   * "pgmq_b" then reads (autocommit) while A's locks are held.
-- The queue is created and filled through pgmq_b (committed) so both
-- connections can see it; the pgTAP session itself never touches the queue
-- tables (so it holds no locks on them) and only compares the ids the two
-- connections received.  Finally A rolls back, which must make its messages
-- deliverable again, and the queue is dropped through pgmq_b.
--
-- Connection: by default the connections go to the server, port, database
-- and user of this session.  dblink demands a password from non-superusers;
-- then the password is taken from the custom setting
-- pgmq_tests.dblink_password (default 'postgres', the Supabase local default).
-- The whole connection string can be overridden with
-- pgmq_tests.dblink_connstr.
begin;
select plan(7);

create extension if not exists dblink;

create temp table pgmq_conn as
select
  coalesce(
    nullif(current_setting('pgmq_tests.dblink_connstr', true), ''),
    format('host=%s port=%s dbname=%s user=%s%s',
      coalesce(host(inet_server_addr()),
               trim(split_part(current_setting('unix_socket_directories'), ',', 1))),
      current_setting('port'),
      current_database(),
      current_user,
      case when (select rolsuper from pg_roles where rolname = current_user) then ''
           else ' password=' || coalesce(nullif(current_setting('pgmq_tests.dblink_password', true), ''), 'postgres')
      end)
  ) as connstr,
  'pgtap_concurrent_' || pg_backend_pid() as queue;

create temp table a_ids (msg_id bigint);
create temp table b_ids (msg_id bigint);
create temp table again_ids (msg_id bigint);

select dblink_connect('pgmq_a', connstr), dblink_connect('pgmq_b', connstr) from pgmq_conn;
select is(
  (select count(distinct pid)::int from (
     select pid from dblink('pgmq_a', 'select pg_backend_pid()') as a(pid int)
     union all select pid from dblink('pgmq_b', 'select pg_backend_pid()') as b(pid int)) p
   where pid <> pg_backend_pid()),
  2, 'Two independent connections to the database are open.');

-- If read() did not skip locked rows, B would wait for A forever (A only
-- finishes when this script tells it to); turn that into an error instead.
select dblink_exec('pgmq_b', 'set lock_timeout = ''3s''');

-- Setup through B, committed: a fresh queue holding 10 messages.
select dblink_exec('pgmq_b', format(
  $$do $setup$
    begin
      -- leftovers of this test from crashed earlier runs (their backend is gone)
      perform pgmq.drop_queue(m.queue_name)
      from pgmq.meta m
      where m.queue_name ~ '^pgtap_concurrent_[0-9]+$'
        and (m.queue_name = %1$L
             or substr(m.queue_name, 18)::int not in (select pid from pg_stat_activity));
      perform pgmq.create(%1$L);
      perform pgmq.send_batch(%1$L, array_fill('{"work": true}'::jsonb, array[10]));
    end
  $setup$
  $$,
  queue)) from pgmq_conn;

-- A: open a transaction and claim 5 messages; do not commit.
select dblink_exec('pgmq_a', 'begin');
insert into a_ids
select msg_id from pgmq_conn,
  dblink('pgmq_a', format('select msg_id from pgmq.read(%L, 60, 5)', queue)) as t(msg_id bigint);

-- B: read up to 10 while A's claims are still uncommitted.
insert into b_ids
select msg_id from pgmq_conn,
  dblink('pgmq_b', format('select msg_id from pgmq.read(%L, 60, 10)', queue)) as t(msg_id bigint);

select is((select count(*) from a_ids), 5::bigint,
  'The first reader receives the 5 messages it asked for.');
select is((select count(*) from b_ids), 5::bigint,
  'The concurrent second reader receives only the 5 messages the first reader has not claimed.');
select is((select count(*) from a_ids join b_ids using (msg_id)), 0::bigint,
  'No message is delivered to both readers.');
select is((select count(distinct msg_id) from (select msg_id from a_ids union all select msg_id from b_ids) s),
  10::bigint,
  'Together the two readers received every message exactly once.');

-- A aborts: its claims are undone, so its messages are deliverable again.
select dblink_exec('pgmq_a', 'rollback');
insert into again_ids
select msg_id from pgmq_conn,
  dblink('pgmq_b', format('select msg_id from pgmq.read(%L, 60, 10)', queue)) as t(msg_id bigint);
select results_eq(
  $$select msg_id from again_ids order by 1$$,
  $$select msg_id from a_ids order by 1$$,
  'When the first reader rolls back, exactly its messages become visible again.');

-- Cleanup of the committed queue.
select is(
  (select t.dropped from pgmq_conn,
     dblink('pgmq_b', format('select pgmq.drop_queue(%L)', queue)) as t(dropped boolean)),
  true,
  'The committed test queue is dropped again.');

select dblink_disconnect('pgmq_a');
select dblink_disconnect('pgmq_b');

select * from finish();
rollback;
