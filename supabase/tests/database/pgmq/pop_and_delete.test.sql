-- pop() reads and deletes the oldest message in one step, counting visibility from the start of
-- the transaction (now()), as pgmq 1.4.4 does; delete() removes messages without archiving them.
begin;
select plan(13);

select has_function('pgmq', 'pop', array['text'], 'pgmq.pop(queue_name) exists.');
select has_function('pgmq', 'delete', array['text', 'bigint'], 'pgmq.delete(queue_name, msg_id) exists.');
select has_function('pgmq', 'delete', array['text', 'bigint[]'], 'pgmq.delete(queue_name, msg_ids) exists.');

select pgmq.create('pgtap_pop');
select pgmq.send_batch('pgtap_pop', array['{"n": 1}', '{"n": 2}', '{"n": 3}', '{"n": 4}']::jsonb[]);

-- send() stamps vt with clock_timestamp(), which is later than this transaction's now().
select is((select count(*) from pgmq.pop('pgtap_pop')), 0::bigint,
  'pop does not see messages that became visible after the transaction started.');
select is((select count(*) from pgmq.read('pgtap_pop', 0, 10)), 4::bigint,
  'read, which uses clock_timestamp(), does see them.');

-- Make the four messages visible since before the transaction began.
update pgmq.q_pgtap_pop set vt = now() - interval '1 second';

select results_eq(
  $$select msg_id, read_ct, message from pgmq.pop('pgtap_pop')$$,
  $$values (1::bigint, 1, '{"n": 1}'::jsonb)$$,
  'pop returns the oldest visible message as it was before the pop.');

select is(
  (select count(*) from pgmq.q_pgtap_pop where msg_id = 1)
    + (select count(*) from pgmq.a_pgtap_pop),
  0::bigint,
  'A popped message is gone from the queue and is not archived.');

select is(pgmq.delete('pgtap_pop', 2::bigint), true,
  'Deleting an existing message returns true.');
select is(pgmq.delete('pgtap_pop', 2::bigint), false,
  'Deleting the same message again returns false.');

select results_eq(
  $$select * from pgmq.delete('pgtap_pop', array[3, 99]::bigint[])$$,
  $$values (3::bigint)$$,
  'Deleting a list of ids returns only the ids that existed.');

select is((select count(*) from pgmq.a_pgtap_pop), 0::bigint,
  'Deleted messages are not archived.');

update pgmq.q_pgtap_pop set vt = now() + interval '30 seconds' where msg_id = 4;  -- being processed
select is((select count(*) from pgmq.pop('pgtap_pop')), 0::bigint,
  'pop does not take a message whose visibility timeout is running.');

select results_eq(
  $$select msg_id from pgmq.q_pgtap_pop order by msg_id$$,
  $$values (4::bigint)$$,
  'The invisible message is still in the queue after the empty pop.');

select * from finish();
rollback;
