-- set_vt() moves a message's visibility timeout: a consumer that needs more
-- time can extend it, or release the message early with 0.
begin;
select plan(7);

select has_function('pgmq', 'set_vt', array['text', 'bigint', 'integer'],
  'pgmq.set_vt(queue_name, msg_id, vt) exists.');

select pgmq.create('pgtap_set_vt');
select pgmq.send('pgtap_set_vt', '{"task": "slow"}');

-- read with vt 0: the message would be visible again immediately
select count(*) from pgmq.read('pgtap_set_vt', 0, 1);

select results_eq(
  $$select msg_id, read_ct, message from pgmq.set_vt('pgtap_set_vt', 1, 120)$$,
  $$values (1::bigint, 1, '{"task": "slow"}'::jsonb)$$,
  'set_vt returns the updated message.');

select ok(
  (select vt between clock_timestamp() + interval '115 seconds'
                 and clock_timestamp() + interval '121 seconds'
   from pgmq.q_pgtap_set_vt where msg_id = 1),
  'set_vt puts the visibility time vt seconds in the future.');

select is(
  (select count(*) from pgmq.read('pgtap_set_vt', 30, 1)),
  0::bigint,
  'A message whose visibility timeout was extended is not delivered.');

select is(
  (select read_ct from pgmq.q_pgtap_set_vt where msg_id = 1),
  1,
  'set_vt does not count as a read.');

select count(*) from pgmq.set_vt('pgtap_set_vt', 1, 0);
select results_eq(
  $$select msg_id, read_ct from pgmq.read('pgtap_set_vt', 30, 1)$$,
  $$values (1::bigint, 2)$$,
  'Setting the visibility timeout to 0 makes the message deliverable again.');

select is(
  (select count(*) from pgmq.set_vt('pgtap_set_vt', 999, 30)),
  0::bigint,
  'set_vt on a message that does not exist returns no row.');

select * from finish();
rollback;
