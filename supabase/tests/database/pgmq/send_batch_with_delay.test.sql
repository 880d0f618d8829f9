-- send_batch() enqueues a whole array in order; with a delay the messages
-- stay invisible until the delay has passed.
begin;
select plan(8);

select has_function('pgmq', 'send_batch', array['text', 'jsonb[]', 'integer'],
  'pgmq.send_batch(queue_name, msgs, delay) exists.');

select pgmq.create('pgtap_batch');

select results_eq(
  $$select * from pgmq.send_batch('pgtap_batch',
      array['{"n": 1}', '{"n": 2}', '{"n": 3}']::jsonb[])$$,
  $$values (1::bigint), (2::bigint), (3::bigint)$$,
  'send_batch returns one new msg_id per message, in array order.');

select results_eq(
  $$select msg_id, message from pgmq.read('pgtap_batch', 30, 10)$$,
  $$values (1::bigint, '{"n": 1}'::jsonb), (2::bigint, '{"n": 2}'::jsonb), (3::bigint, '{"n": 3}'::jsonb)$$,
  'Without a delay the batch is readable at once, each id carrying its own payload.');

select results_eq(
  $$select * from pgmq.send_batch('pgtap_batch', array['{"d": 1}', '{"d": 2}']::jsonb[], 60)$$,
  $$values (4::bigint), (5::bigint)$$,
  'A delayed batch is accepted and gets new ids.');

select ok(
  (select bool_and(vt >= enqueued_at + interval '59 seconds')
   from pgmq.q_pgtap_batch where msg_id in (4, 5)),
  'A delay of 60 seconds puts the visibility time 60 seconds after enqueueing.');

select is(
  (select count(*) from pgmq.read('pgtap_batch', 30, 10)),
  0::bigint,
  'Messages of a delayed batch are not delivered before the delay has passed.');

-- Real elapsed time with a short delay.
select pgmq.send_batch('pgtap_batch', array['{"s": 1}', '{"s": 2}']::jsonb[], 1);
select is(
  (select count(*) from pgmq.read('pgtap_batch', 30, 10)),
  0::bigint,
  'A batch sent with a 1 second delay is invisible right away.');
select pg_sleep(1);
select results_eq(
  $$select msg_id, message from pgmq.read('pgtap_batch', 30, 10)$$,
  $$values (6::bigint, '{"s": 1}'::jsonb), (7::bigint, '{"s": 2}'::jsonb)$$,
  'After the delay has passed the batch is delivered, while the 60 second batch stays hidden.');

select * from finish();
rollback;
