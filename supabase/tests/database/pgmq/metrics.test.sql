-- metrics() reports queue length, message ages and the number of messages
-- ever sent; metrics_all() reports every queue.
begin;
select plan(9);

select has_function('pgmq', 'metrics', array['text'], 'pgmq.metrics(queue_name) exists.');
select has_function('pgmq', 'metrics_all', array[]::text[], 'pgmq.metrics_all() exists.');

select pgmq.create('pgtap_metrics');
select pgmq.create('pgtap_metrics_empty');

select results_eq(
  $$select queue_name, queue_length, newest_msg_age_sec, oldest_msg_age_sec, total_messages
    from pgmq.metrics('pgtap_metrics_empty')$$,
  $$values ('pgtap_metrics_empty'::text, 0::bigint, null::int, null::int, 0::bigint)$$,
  'An empty, never used queue has length 0, no message ages and 0 total messages.');

select pgmq.send_batch('pgtap_metrics', array['{"n": 1}', '{"n": 2}', '{"n": 3}']::jsonb[]);
-- make msg 1 look 100 seconds old
update pgmq.q_pgtap_metrics set enqueued_at = now() - interval '100 seconds' where msg_id = 1;
select pgmq.delete('pgtap_metrics', 3::bigint);

select is((pgmq.metrics('pgtap_metrics')).queue_length, 2::bigint,
  'queue_length counts the messages still in the queue.');
select is((pgmq.metrics('pgtap_metrics')).total_messages, 3::bigint,
  'total_messages counts every message ever sent, including deleted ones.');
select is((pgmq.metrics('pgtap_metrics')).oldest_msg_age_sec, 100,
  'oldest_msg_age_sec is the age of the oldest message in seconds.');
select is((pgmq.metrics('pgtap_metrics')).newest_msg_age_sec, 0,
  'newest_msg_age_sec is the age of the newest message in seconds.');
select is((pgmq.metrics('pgtap_metrics')).scrape_time, now(),
  'scrape_time is the time of the measurement.');

select results_eq(
  $$select queue_name, queue_length, total_messages from pgmq.metrics_all()
    where queue_name like 'pgtap_metrics%' order by queue_name$$,
  $$values ('pgtap_metrics'::text, 2::bigint, 3::bigint),
           ('pgtap_metrics_empty'::text, 0::bigint, 0::bigint)$$,
  'metrics_all returns one row per queue with the same figures as metrics.');

select * from finish();
rollback;
