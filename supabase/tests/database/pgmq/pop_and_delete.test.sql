-- pop() reads and deletes the oldest visible message in one step; delete()
-- removes messages permanently without archiving them.
begin;
select plan(11);

select has_function('pgmq', 'pop', array['text'], 'pgmq.pop(queue_name) exists.');
select has_function('pgmq', 'delete', array['text', 'bigint'], 'pgmq.delete(queue_name, msg_id) exists.');
select has_function('pgmq', 'delete', array['text', 'bigint[]'], 'pgmq.delete(queue_name, msg_ids) exists.');

select pgmq.create('pgtap_pop');
select pgmq.send_batch('pgtap_pop', array['{"n": 1}', '{"n": 2}', '{"n": 3}', '{"n": 4}']::jsonb[]);

select results_eq(
  $$select msg_id, read_ct, message from pgmq.pop('pgtap_pop')$$,
  $$values (1::bigint, 0, '{"n": 1}'::jsonb)$$,
  'pop returns the oldest message as it was before the pop.');

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

select count(*) from pgmq.read('pgtap_pop', 30, 1);  -- hides msg 4
select pgmq.send('pgtap_pop', '{"later": true}', 30);  -- msg 5, delayed

select is((select count(*) from pgmq.pop('pgtap_pop')), 0::bigint,
  'pop does not take messages that are invisible (being processed or delayed).');

select results_eq(
  $$select msg_id from pgmq.q_pgtap_pop order by msg_id$$,
  $$values (4::bigint), (5::bigint)$$,
  'The invisible messages are still in the queue after the empty pop.');

select * from finish();
rollback;
