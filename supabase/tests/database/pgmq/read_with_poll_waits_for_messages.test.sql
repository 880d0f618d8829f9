-- read_with_poll() returns as soon as a read finds messages, and otherwise keeps trying until
-- max_poll_seconds have passed, then returns nothing.
begin;
select plan(6);

select has_function('pgmq', 'read_with_poll', array['text', 'integer', 'integer', 'integer', 'integer'],
  'pgmq.read_with_poll(queue_name, vt, qty, max_poll_seconds, poll_interval_ms) exists.');

select pgmq.create('pgtap_poll');
select pgmq.send_batch('pgtap_poll', array['{"n": 1}', '{"n": 2}', '{"n": 3}']::jsonb[]);

select results_eq(
  $$select msg_id, read_ct, message from pgmq.read_with_poll('pgtap_poll', 30, 2)$$,
  $$values (1::bigint, 1, '{"n": 1}'::jsonb), (2::bigint, 1, '{"n": 2}'::jsonb)$$,
  'With visible messages it returns up to qty of them at once, oldest first, like read.');

select ok(
  (select bool_and(vt > clock_timestamp() + interval '25 seconds') from pgmq.q_pgtap_poll where msg_id in (1, 2)),
  'The messages it returns are hidden for vt seconds.');

select results_eq(
  $$select msg_id from pgmq.read_with_poll('pgtap_poll', 30, 5, 1, 1000)$$,
  $$values (3::bigint)$$,
  'It hands out what is visible (message 3), even when that is fewer than qty.');

create temp table poll_started as select clock_timestamp() as at;
select is(
  (select count(*) from pgmq.read_with_poll('pgtap_poll', 30, 5, 1, 1000)),
  0::bigint,
  'With nothing visible it returns no row...');
select ok((select clock_timestamp() - at >= interval '1 second' from poll_started),
  '...after trying for max_poll_seconds.');

select * from finish();
rollback;
