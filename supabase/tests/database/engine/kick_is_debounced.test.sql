-- Kick storms: every job insert kicks the worker, but one kick per debounce window goes out
-- (the kicked worker drains everything queued meanwhile). 50 inserts in one transaction send one
-- kick; after a kick committed by another transaction within the window, 50 more send none;
-- once the window has passed, or the last kick's pass has ended, the next insert kicks again;
-- with the switch off nothing is sent. (Separate concurrent transactions: the e2e test
-- engine_kick_debounce.test.ts.)
begin;
select plan(7);

-- Whatever earlier runs left: switch on, no recent kick, nothing counted as live.
update engine.worker_settings
set automatic_invocations = true, last_kick_at = null, last_kick_request_id = null,
    kick_debounce_seconds = 5, max_concurrent_invocations = 8, invocation_seconds = 150;
delete from engine.worker_kicks;
delete from engine.worker_invocations;

create temp table kicks_before on commit drop as
  select coalesce(max(id), 0) as last_id from net.http_request_queue;
create or replace function pg_temp.kicks_since_start() returns int language sql as $$
  select count(*)::int from net.http_request_queue
  where url like '%/functions/v1/backfill-worker' and id > (select last_id from kicks_before) $$;

insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000009a0', 'kick-debounce', 'Kick debounce', 'team');
insert into public.tracked_repositories (id, owner, name)
values ('00000000-0000-4000-8000-0000000009a1', 'kick-debounce', 'one');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000009a0', '00000000-0000-4000-8000-0000000009a1');

create or replace function pg_temp.insert_jobs(n int) returns void language sql as $$
  insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
  select '00000000-0000-4000-8000-0000000009a0', 'manual', 1, array['repository']
  from generate_series(1, n) $$;

select pg_temp.insert_jobs(50);
select is(pg_temp.kicks_since_start(), 1, '50 job inserts in one transaction send one kick.');
select is(
  (select count(*)::int from engine.worker_kicks), 1,
  'The kick is recorded once in engine.worker_kicks.');

-- As another transaction leaves it: a kick sent 2 s ago, accepted, its pass draining.
insert into engine.worker_kicks (request_id, kicked_at, kick_id)
values (-1, now() - interval '2 seconds', '00000000-0000-4000-8000-0000000009af');
insert into net._http_response (id, status_code, content, timed_out) values (-1, 202, '{"accepted":true}', false);
insert into engine.worker_invocations (kick_id) values ('00000000-0000-4000-8000-0000000009af');
update engine.worker_settings set last_kick_at = now() - interval '2 seconds', last_kick_request_id = -1;
select pg_temp.insert_jobs(50);
select is(pg_temp.kicks_since_start(), 1,
  '50 job inserts within the debounce window of a kick whose pass drains send no further kick.');

-- That pass ended (the worker found the queues empty): a new kick is due.
update engine.worker_invocations set ended_at = now() where kick_id = '00000000-0000-4000-8000-0000000009af';
select pg_temp.insert_jobs(1);
select is(pg_temp.kicks_since_start(), 2,
  'Within the window, a job insert kicks again once the last kick''s pass has ended.');

-- The window has passed since a kick still in flight.
insert into engine.worker_kicks (request_id, kicked_at, kick_id) values (-2, now() - interval '6 seconds', gen_random_uuid());
update engine.worker_settings set last_kick_at = now() - interval '6 seconds', last_kick_request_id = -2;
select pg_temp.insert_jobs(50);
select is(pg_temp.kicks_since_start(), 3, 'After the debounce window, the next job inserts send one more kick.');

update engine.worker_settings set last_kick_at = null, automatic_invocations = false, reason = 'test';
select pg_temp.insert_jobs(50);
select is(pg_temp.kicks_since_start(), 3, 'With the switch off, job inserts send no kick.');

select is(
  (select last_kick_at from engine.worker_settings), null,
  'A kick refused by the switch records no kick time.');

select * from finish();
rollback;
