-- A job cancelled while a worker fetches a chunk: the chunk's commit and the worker's next
-- heartbeat answer 'cancelled', and nothing of the chunk is written (rows, cursor, counters).
begin;
select plan(7);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005c0', 'cancel-mid-chunk', 'Cancel mid chunk', 'pro');
insert into public.tracked_repositories (id, owner, name)
values ('00000000-0000-4000-8000-0000000005c1', 'stopco', 'halt');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000005c0', '00000000-0000-4000-8000-0000000005c1');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000005c2', '00000000-0000-4000-8000-0000000005c0', 'manual', 7,
        array['repository', 'pull_requests']);

create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
select is(engine.commit_backfill_chunk((select task_id from c), 'repository', (select msg_id from c), null, null, true,
  '{"repository": {"id": 5105, "node_id": "R_5105", "owner": "stopco", "name": "halt", "full_name": "stopco/halt", "stargazer_count": 0, "fork_count": 0, "is_private": false}}'::jsonb,
  1, 1, 1, 300, (select claim_id from c)),
  'committed', 'the repository chunk commits; pull requests are being fetched');

-- The owner (here an operator session) cancels while the pull requests chunk is in flight.
select public.cancel_backfill('00000000-0000-4000-8000-0000000005c2');

select is(engine.commit_backfill_chunk((select task_id from c), 'pull_requests', (select msg_id from c), null, 'cursor-1', false,
  jsonb_build_object('pull_requests', jsonb_build_array(jsonb_build_object('id', 51051, 'node_id', 'PR_51051',
    'repository_id', 5105, 'number', 1, 'title', 'late', 'state', 'OPEN', 'is_draft', false,
    'created_at', '2026-11-01T00:00:00Z'))),
  1, 10, 2, 300, (select claim_id from c)),
  'cancelled', 'the chunk that was in flight is refused as cancelled');
select is(engine.heartbeat_backfill_task((select task_id from c), (select claim_id from c), 300), 'cancelled',
  'the worker''s next heartbeat says cancelled, so it stops');
select is((select count(*)::int from public.pull_requests where repository_id = 5105), 0, 'no row of the chunk is stored');
select results_eq(
  $$ select status, cursor, items_done from public.backfill_progress where task_id = (select task_id from c) and data_type = 'pull_requests' $$,
  $$ values ('cancelled'::text, null::text, 0::bigint) $$,
  'the data type is cancelled with its cursor and count untouched');
select results_eq(
  $$ select status, items_done, points_used, cancelled_tasks from public.backfill_jobs where id = '00000000-0000-4000-8000-0000000005c2' $$,
  $$ values ('cancelled'::text, 1::bigint, 1::bigint, 1) $$,
  'the job counts the repository chunk only');
select is_empty($$ select 1 from pgmq.q_backfill_recent where msg_id = (select msg_id from c) $$,
  'the task''s message is gone');

select * from finish();
rollback;
