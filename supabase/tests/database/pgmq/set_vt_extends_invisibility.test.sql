-- set_vt() moves a message's visibility timeout: a consumer that needs more time extends it, or
-- releases the message early with 0. As in pgmq 1.4.4 the new vt counts from the start of the
-- transaction (now()), not from the moment of the call.
begin;
select plan(8);

select has_function('pgmq', 'set_vt', array['text', 'bigint', 'integer'],
  'pgmq.set_vt(queue_name, msg_id, vt) exists.');

select pgmq.create('pgtap_set_vt');
select pgmq.send('pgtap_set_vt', '{"task": "slow"}');

-- read with vt 0: the message would be visible again immediately
select count(*) from pgmq.read('pgtap_set_vt', 0, 1);

select results_eq(
  $$select msg_id, read_ct, message, vt from pgmq.set_vt('pgtap_set_vt', 1, 120)$$,
  $$values (1::bigint, 1, '{"task": "slow"}'::jsonb, now() + interval '120 seconds')$$,
  'set_vt returns the updated message, visible 120 seconds after the transaction''s now().');

-- the clock has moved on since the transaction started; set_vt still counts from its start
select is(
  (select vt from pgmq.set_vt('pgtap_set_vt', 1, 120)),
  now() + interval '120 seconds',
  'A later set_vt in the same transaction gives the same vt: it uses now(), not clock_timestamp().');

select is(
  (select count(*) from pgmq.read('pgtap_set_vt', 30, 1)),
  0::bigint,
  'A message whose visibility timeout was extended is not delivered.');

select is(
  (select read_ct from pgmq.q_pgtap_set_vt where msg_id = 1),
  1,
  'set_vt does not count as a read.');

select is((select vt from pgmq.set_vt('pgtap_set_vt', 1, 0)), now(),
  'set_vt with 0 makes the message visible as of the transaction start.');
select results_eq(
  $$select msg_id, read_ct from pgmq.read('pgtap_set_vt', 30, 1)$$,
  $$values (1::bigint, 2)$$,
  'So it is deliverable again at once.');

select is(
  (select count(*) from pgmq.set_vt('pgtap_set_vt', 999, 30)),
  0::bigint,
  'set_vt on a message that does not exist returns no row.');

select * from finish();
rollback;
