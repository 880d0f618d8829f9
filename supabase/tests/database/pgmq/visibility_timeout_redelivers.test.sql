-- A message that was read but not deleted or archived becomes visible again
-- once its visibility timeout (vt) has passed, and is redelivered with a
-- higher read_ct.
begin;
select plan(7);

select pgmq.create('pgtap_vt');
select pgmq.send('pgtap_vt', '{"job": "redeliver me"}');

select results_eq(
  $$select msg_id, read_ct from pgmq.read('pgtap_vt', 30, 1)$$,
  $$values (1::bigint, 1)$$,
  'The first read delivers the message with read_ct 1.');

select is(
  (select count(*) from pgmq.read('pgtap_vt', 30, 1)),
  0::bigint,
  'While its visibility timeout is running the message is not delivered again.');

-- Simulate the 30 s timeout expiring without waiting for it.
update pgmq.q_pgtap_vt set vt = clock_timestamp() - interval '1 second';

select results_eq(
  $$select msg_id, read_ct, message from pgmq.read('pgtap_vt', 30, 1)$$,
  $$values (1::bigint, 2, '{"job": "redeliver me"}'::jsonb)$$,
  'After the visibility timeout expires the same message is redelivered with read_ct 2.');

-- A zero-second timeout leaves the message visible straight away.
update pgmq.q_pgtap_vt set vt = clock_timestamp() - interval '1 second';
select results_eq(
  $$select msg_id, read_ct from pgmq.read('pgtap_vt', 0, 1)$$,
  $$values (1::bigint, 3)$$,
  'Reading with vt 0 delivers the message.');
select results_eq(
  $$select msg_id, read_ct from pgmq.read('pgtap_vt', 1, 1)$$,
  $$values (1::bigint, 4)$$,
  'A message read with vt 0 can be read again immediately.');

-- Real elapsed time: a 1 s timeout expires after sleeping 1 s.
select is(
  (select count(*) from pgmq.read('pgtap_vt', 1, 1)),
  0::bigint,
  'Right after a read with vt 1 the message is hidden.');
select pg_sleep(1);
select results_eq(
  $$select msg_id, read_ct from pgmq.read('pgtap_vt', 30, 1)$$,
  $$values (1::bigint, 5)$$,
  'One second later the message is delivered again.');

select * from finish();
rollback;
