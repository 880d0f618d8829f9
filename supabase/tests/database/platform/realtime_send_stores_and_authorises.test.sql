-- realtime.send stores a broadcast message in realtime.messages and sets realtime.topic();
-- an RLS policy on realtime.messages decides which topics an authenticated user may read.
begin;
select plan(10);

select tests.create_supabase_user('rt_member');

select realtime.send('{"done": 3}'::jsonb, 'progress', 'workspace:platform-a', true);

select results_eq(
  $$ select topic, event, extension, private, payload ->> 'done'
       from realtime.messages where topic = 'workspace:platform-a' $$,
  $$ values ('workspace:platform-a'::text, 'progress'::text, 'broadcast'::text, true, '3'::text) $$,
  'the message is stored with its topic, event, extension broadcast, private flag and payload');

select ok(
  (select payload ? 'id' from realtime.messages where topic = 'workspace:platform-a'),
  'realtime.send adds an id to the payload, as on Supabase');

select is(realtime.topic(), 'workspace:platform-a', 'realtime.topic() returns the topic of the last send');

select set_config('realtime.topic', 'workspace:platform-b', true);
select is(realtime.topic(), 'workspace:platform-b', 'realtime.topic() reads the realtime.topic setting');

select realtime.send('{"done": 1}'::jsonb, 'progress', 'workspace:platform-b');
select is(
  (select private from realtime.messages where topic = 'workspace:platform-b'),
  true,
  'messages are private unless said otherwise');

select ok(tests.rls_enabled('realtime', 'messages'), 'row level security is enabled on realtime.messages');

create policy "platform test: members read topic a" on realtime.messages
  for select to authenticated
  using (realtime.topic() = 'workspace:platform-a' and topic = 'workspace:platform-a');

select tests.authenticate_as('rt_member');
select set_config('realtime.topic', 'workspace:platform-a', true);
select is(
  (select count(*)::int from realtime.messages where topic like 'workspace:platform-%'),
  1,
  'an authenticated user sees the messages of the topic the policy allows');

select set_config('realtime.topic', 'workspace:platform-b', true);
select is(
  (select count(*)::int from realtime.messages where topic like 'workspace:platform-%'),
  0,
  'an authenticated user sees no messages of another topic');

-- Without an insert policy the insert is refused by RLS; send warns instead of failing.
select lives_ok(
  $$ select realtime.send('{"x": 1}'::jsonb, 'e', 'workspace:platform-c') $$,
  'realtime.send never fails the caller''s transaction, even when RLS refuses the insert');
reset role;
select is((select count(*)::int from realtime.messages where topic = 'workspace:platform-c'), 0,
  'and the refused message is not stored');

select * from finish();
rollback;
