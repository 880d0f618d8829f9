-- purge_queue() deletes every message and reports how many; drop_queue() (hosted Supabase's
-- one-argument version) removes the queue, its archive and its catalogue entry, and also
-- succeeds for a queue that does not exist or whose archive was detached.
begin;
select plan(14);

select has_function('pgmq', 'purge_queue', array['text'], 'pgmq.purge_queue(queue_name) exists.');
select has_function('pgmq', 'drop_queue', array['text'], 'pgmq.drop_queue(queue_name) exists, as on hosted Supabase.');

select pgmq.create('pgtap_purge');
select pgmq.send_batch('pgtap_purge', array['{}', '{}', '{}', '{}', '{}']::jsonb[]);
select pgmq.archive('pgtap_purge', 5::bigint);
select pgmq.read('pgtap_purge', 60, 2);  -- invisible messages are purged too

select is(pgmq.purge_queue('pgtap_purge'), 4::bigint,
  'purge_queue returns the number of messages it deleted, visible or not.');
select is((select count(*) from pgmq.q_pgtap_purge), 0::bigint,
  'After a purge the queue is empty.');
select is((select count(*) from pgmq.a_pgtap_purge), 1::bigint,
  'A purge leaves the archive alone.');
select is(pgmq.send('pgtap_purge', '{}'), 6::bigint,
  'Message ids keep increasing after a purge.');
select is(pgmq.purge_queue('pgtap_purge'), 1::bigint,
  'A queue can be purged repeatedly.');
select is(pgmq.purge_queue('pgtap_purge'), 0::bigint,
  'Purging an empty queue returns 0.');

select is(pgmq.drop_queue('pgtap_purge'), true,
  'drop_queue returns true when it drops a queue.');
select ok(
  to_regclass('pgmq.q_pgtap_purge') is null and to_regclass('pgmq.a_pgtap_purge') is null,
  'Dropping a queue removes both its queue table and its archive table.');
select is(
  (select count(*) from pgmq.list_queues() where queue_name = 'pgtap_purge'),
  0::bigint,
  'A dropped queue is no longer listed.');

set local client_min_messages = warning;  -- "table ... does not exist, skipping"
select is(pgmq.drop_queue('pgtap_purge'), true,
  'Dropping a queue that does not exist returns true without an error, as on hosted Supabase.');

select pgmq.create('pgtap_detached');
select pgmq.detach_archive('pgtap_detached');
select is(pgmq.drop_queue('pgtap_detached'), true,
  'A queue whose archive was detached from the extension can still be dropped.');
select ok(
  to_regclass('pgmq.q_pgtap_detached') is null and to_regclass('pgmq.a_pgtap_detached') is null,
  'Dropping it removes the detached archive as well.');

select * from finish();
rollback;
