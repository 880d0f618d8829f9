-- archive() removes messages from the queue table and keeps them, with
-- their read count and payload, in the archive table.
begin;
select plan(10);

select has_function('pgmq', 'archive', array['text', 'bigint'],
  'pgmq.archive(queue_name, msg_id) exists.');
select has_function('pgmq', 'archive', array['text', 'bigint[]'],
  'pgmq.archive(queue_name, msg_ids) exists.');

select pgmq.create('pgtap_archive');
select pgmq.send_batch('pgtap_archive',
  array['{"n": 1}', '{"n": 2}', '{"n": 3}', '{"n": 4}']::jsonb[]);
select count(*) from pgmq.read('pgtap_archive', 30, 1);  -- msg 1 now has read_ct 1

select is(pgmq.archive('pgtap_archive', 1::bigint), true,
  'Archiving an existing message returns true.');

select is(
  (select count(*) from pgmq.q_pgtap_archive where msg_id = 1),
  0::bigint,
  'The archived message is no longer in the queue.');

select results_eq(
  $$select msg_id, read_ct, message, archived_at is not null
    from pgmq.a_pgtap_archive$$,
  $$values (1::bigint, 1, '{"n": 1}'::jsonb, true)$$,
  'The archive holds the message with its msg_id, read_ct, payload and an archived_at time.');

select is(pgmq.archive('pgtap_archive', 999::bigint), false,
  'Archiving a message that does not exist returns false.');

select results_eq(
  $$select * from pgmq.archive('pgtap_archive', array[2, 3, 999]::bigint[]) order by 1$$,
  $$values (2::bigint), (3::bigint)$$,
  'Archiving a list of ids returns the ids that were actually moved.');

select results_eq(
  $$select msg_id from pgmq.q_pgtap_archive$$,
  $$values (4::bigint)$$,
  'Only the message that was not archived remains in the queue.');

select results_eq(
  $$select msg_id from pgmq.a_pgtap_archive order by msg_id$$,
  $$values (1::bigint), (2::bigint), (3::bigint)$$,
  'All archived messages are in the archive table.');

select is(
  (select count(*) from pgmq.read('pgtap_archive', 30, 10)),
  1::bigint,
  'Archived messages are never delivered by read.');

select * from finish();
rollback;
