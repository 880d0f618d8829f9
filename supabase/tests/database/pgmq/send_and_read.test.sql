-- send() enqueues messages that read() hands out oldest first, hiding each
-- one for the requested visibility timeout.
begin;
select plan(9);

select has_function('pgmq', 'send', array['text', 'jsonb', 'integer'],
  'pgmq.send(queue_name, msg, delay) exists.');
select has_function('pgmq', 'read', array['text', 'integer', 'integer'],
  'pgmq.read(queue_name, vt, qty) exists.');

select lives_ok($$select pgmq.create('pgtap_send_read')$$,
  'A queue can be created.');

select is(
  (select pgmq.send('pgtap_send_read', '{"n": 1}')),
  1::bigint,
  'The first message sent to a new queue gets msg_id 1.');

select is(
  (select pgmq.send('pgtap_send_read', '{"n": 2}', 0)),
  2::bigint,
  'Message ids increase with every message sent.');

select results_eq(
  $$select msg_id, read_ct, message from pgmq.read('pgtap_send_read', 30, 10)$$,
  $$values (1::bigint, 1, '{"n": 1}'::jsonb), (2::bigint, 1, '{"n": 2}'::jsonb)$$,
  'Reading returns every visible message in msg_id order, with read_ct 1 and the original payload.');

select ok(
  (select bool_and(vt between clock_timestamp() + interval '25 seconds'
                          and clock_timestamp() + interval '31 seconds')
   from pgmq.q_pgtap_send_read),
  'Reading sets each message''s vt about vt seconds into the future.');

select is(
  (select count(*) from pgmq.read('pgtap_send_read', 30, 10)),
  0::bigint,
  'Messages that were just read are invisible to the next read.');

select pgmq.send('pgtap_send_read', '{"n": 3}');
select pgmq.send('pgtap_send_read', '{"n": 4}');

select results_eq(
  $$select msg_id from pgmq.read('pgtap_send_read', 30, 1)$$,
  $$values (3::bigint)$$,
  'A read returns at most qty messages, starting with the oldest visible one.');

select * from finish();
rollback;
