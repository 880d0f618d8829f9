-- purge_queue() empties a queue and reports how many messages it removed;
-- drop_queue() removes the queue, its archive and its catalogue entry.
begin;
select plan(11);

select has_function('pgmq', 'purge_queue', array['text'], 'pgmq.purge_queue(queue_name) exists.');
select has_function('pgmq', 'drop_queue', array['text', 'boolean'],
  'pgmq.drop_queue(queue_name, partitioned default false) exists, as in pgmq 1.4.');

select pgmq.create('pgtap_purge');
select pgmq.send_batch('pgtap_purge', array['{}', '{}', '{}', '{}', '{}']::jsonb[]);
select pgmq.archive('pgtap_purge', 5::bigint);

select is(pgmq.purge_queue('pgtap_purge'), 4::bigint,
  'purge_queue returns the number of messages it removed.');
select is((select count(*) from pgmq.q_pgtap_purge), 0::bigint,
  'After a purge the queue is empty.');
select is((select count(*) from pgmq.a_pgtap_purge), 1::bigint,
  'A purge leaves the archive alone.');
select is(pgmq.send('pgtap_purge', '{}'), 6::bigint,
  'Message ids keep increasing after a purge.');
select is(pgmq.purge_queue('pgtap_purge'), 1::bigint,
  'A queue can be purged repeatedly.');

select is(pgmq.drop_queue('pgtap_purge'), true,
  'drop_queue returns true when it drops a queue.');
select ok(
  to_regclass('pgmq.q_pgtap_purge') is null and to_regclass('pgmq.a_pgtap_purge') is null,
  'Dropping a queue removes both its queue table and its archive table.');
select is(
  (select count(*) from pgmq.list_queues() where queue_name = 'pgtap_purge'),
  0::bigint,
  'A dropped queue is no longer listed.');

select throws_ok($$select pgmq.drop_queue('pgtap_purge')$$, '42P01', null,
  'Dropping a queue that does not exist raises undefined_table, like pgmq 1.4.');

select * from finish();
rollback;
