-- The engine's broadcasts on workspace:<id>:backfill are backfill_progress (every chunk commit)
-- and backfill_finished (job end), with the payload fields docs/realtime.md documents.
begin;
select plan(6);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005e0', 'broadcasts', 'Broadcasts', 'pro');
insert into public.tracked_repositories (id, owner, name)
values ('00000000-0000-4000-8000-0000000005e1', 'castco', 'radio');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000005e0', '00000000-0000-4000-8000-0000000005e1');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000005e2', '00000000-0000-4000-8000-0000000005e0', 'manual', 7, array['repository']);

create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
select is(engine.commit_backfill_chunk((select task_id from c), 'repository', (select msg_id from c), null, null, true,
  '{"repository": {"id": 5005, "node_id": "R_5005", "owner": "castco", "name": "radio", "full_name": "castco/radio", "stargazer_count": 3, "fork_count": 1, "is_private": false}}'::jsonb,
  1, 1, 1), 'task_completed', 'the only chunk completes the task and the job');

create temp table sent as
select event, payload, topic, private from realtime.messages
where topic = 'workspace:00000000-0000-4000-8000-0000000005e0:backfill';

select is((select array_agg(event order by event) from realtime.messages
           where topic = 'workspace:00000000-0000-4000-8000-0000000005e0:backfill'),
  array['backfill_finished', 'backfill_progress'],
  'the workspace topic receives backfill_progress (the chunk) and backfill_finished (the job), nothing else');
select ok((select bool_and(private) from sent), 'both broadcasts are private');
select is((select array_agg(k order by k) from sent, jsonb_object_keys(payload) k where event = 'backfill_progress'),
  array['data_type', 'done', 'estimated_total', 'id', 'items_done', 'job_completed_tasks', 'job_id',
        'job_items_done', 'job_items_estimated', 'job_total_tasks', 'task_id', 'tracked_repository_id'],
  'backfill_progress carries the documented fields');
select is((select payload - 'id' from sent where event = 'backfill_progress'),
  jsonb_build_object('job_id', '00000000-0000-4000-8000-0000000005e2', 'task_id', (select task_id from c),
    'tracked_repository_id', '00000000-0000-4000-8000-0000000005e1', 'data_type', 'repository',
    'items_done', 1, 'estimated_total', 1, 'done', true, 'job_items_done', 1, 'job_items_estimated', 1,
    'job_completed_tasks', 0, 'job_total_tasks', 1),
  'backfill_progress reports the chunk''s data type and the job''s totals (completed tasks before this chunk closed its task)');
select is((select payload - 'id' from sent where event = 'backfill_finished'),
  jsonb_build_object('job_id', '00000000-0000-4000-8000-0000000005e2', 'status', 'completed',
    'title', 'Backfill of 1 repositories completed'),
  'backfill_finished carries the job id, its final status and the notification title');

select * from finish();
rollback;
