-- Deleting a tracked repository cascades to its backfill tasks. The deleted unfinished tasks
-- count as cancelled on their job; when nothing else is pending or running the job finishes
-- (notification, broadcast) instead of running forever, and the tasks' messages leave the queue.
-- Deleting a whole workspace with a running job still works.
begin;
select plan(10);

update engine.worker_settings set automatic_invocations = false, reason = 'test';
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000009b0', 'deleted-repo', 'Deleted repository', 'pro');
insert into auth.users (id, email) values ('00000000-0000-4000-8000-0000000009bf', 'owner@deleted-repo.test');
insert into public.workspace_members (workspace_id, user_id, role)
values ('00000000-0000-4000-8000-0000000009b0', '00000000-0000-4000-8000-0000000009bf', 'owner');
insert into public.tracked_repositories (id, owner, name) values
  ('00000000-0000-4000-8000-0000000009b1', 'delco', 'kept'),
  ('00000000-0000-4000-8000-0000000009b2', 'delco', 'gone'),
  ('00000000-0000-4000-8000-0000000009b3', 'delco', 'also-gone');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-0000000009b0', id from public.tracked_repositories
where id in ('00000000-0000-4000-8000-0000000009b1', '00000000-0000-4000-8000-0000000009b2');

-- Job 1 (before also-gone joins the workspace): kept + gone. kept completes; gone is still pending when its repository is deleted.
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000009c1', '00000000-0000-4000-8000-0000000009b0', 'manual', 7, array['repository']);
update public.backfill_tasks set status = 'completed', finished_at = now()
where job_id = '00000000-0000-4000-8000-0000000009c1' and tracked_repository_id = '00000000-0000-4000-8000-0000000009b1';
update public.backfill_jobs set status = 'running', completed_tasks = 1 where id = '00000000-0000-4000-8000-0000000009c1';
create temp table gone_msg as
  select queue_name, msg_id from public.backfill_tasks
  where job_id = '00000000-0000-4000-8000-0000000009c1' and tracked_repository_id = '00000000-0000-4000-8000-0000000009b2';

insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000009b0', '00000000-0000-4000-8000-0000000009b3');

-- Job 2: kept + gone + also-gone, all pending.
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, tracked_repository_ids)
values ('00000000-0000-4000-8000-0000000009c2', '00000000-0000-4000-8000-0000000009b0', 'manual', 7, array['repository'],
        array['00000000-0000-4000-8000-0000000009b1', '00000000-0000-4000-8000-0000000009b2',
              '00000000-0000-4000-8000-0000000009b3']::uuid[]);

delete from public.tracked_repositories where id in ('00000000-0000-4000-8000-0000000009b2', '00000000-0000-4000-8000-0000000009b3');

select is(
  (select (status, cancelled_tasks, completed_tasks, finished_at is not null)::text
   from public.backfill_jobs where id = '00000000-0000-4000-8000-0000000009c1'),
  '(cancelled,1,1,t)',
  'A job whose last unfinished task was deleted with its repository finishes, the deleted task counted as cancelled.');
select is(
  (select count(*)::int from public.notifications
   where kind = 'backfill_finished' and payload ->> 'job_id' = '00000000-0000-4000-8000-0000000009c1'),
  1,
  'The finished job notifies the workspace owner.');
select is(
  (select count(*)::int from realtime.messages
   where topic = 'workspace:00000000-0000-4000-8000-0000000009b0:backfill' and event = 'backfill_finished'
     and payload ->> 'job_id' = '00000000-0000-4000-8000-0000000009c1'),
  1,
  'The finished job is broadcast on the workspace topic.');
select is(
  (select count(*)::int from pgmq.q_backfill_recent q join gone_msg g on g.msg_id = q.msg_id),
  0,
  'The deleted task''s message is deleted from its queue.');

select is(
  (select (status, cancelled_tasks, finished_at is null)::text
   from public.backfill_jobs where id = '00000000-0000-4000-8000-0000000009c2'),
  '(pending,2,t)',
  'A job with a task still pending keeps going, both deleted tasks counted as cancelled.');
select is(
  (select count(*)::int from pgmq.q_backfill_recent q
   join public.backfill_tasks t on t.msg_id = q.msg_id
   where t.job_id = '00000000-0000-4000-8000-0000000009c2'),
  1,
  'Only the remaining task''s message stays queued.');

-- The remaining task completes: the job ends as its other tasks were cancelled.
update public.backfill_tasks set status = 'completed', finished_at = now()
where job_id = '00000000-0000-4000-8000-0000000009c2';
update public.backfill_jobs set completed_tasks = 1 where id = '00000000-0000-4000-8000-0000000009c2';
select is(engine.finish_backfill_job_if_done('00000000-0000-4000-8000-0000000009c2'), 'cancelled',
  'When its last task completes, the job ends with the deleted tasks counted.');

-- Deleting a finished task changes nothing.
delete from public.backfill_tasks where job_id = '00000000-0000-4000-8000-0000000009c2';
select is(
  (select (status, cancelled_tasks, completed_tasks)::text from public.backfill_jobs where id = '00000000-0000-4000-8000-0000000009c2'),
  '(cancelled,2,1)',
  'Deleting a finished task changes neither the job''s status nor its counters.');

-- A workspace deleted with a running job: everything goes, no notification for it.
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000009c3', '00000000-0000-4000-8000-0000000009b0', 'manual', 7, array['repository']);
delete from public.workspaces where id = '00000000-0000-4000-8000-0000000009b0';
select is((select count(*)::int from public.backfill_jobs where workspace_id = '00000000-0000-4000-8000-0000000009b0'), 0,
  'A workspace with a running job can be deleted, its jobs with it.');
select is(
  (select count(*)::int from public.notifications where payload ->> 'job_id' = '00000000-0000-4000-8000-0000000009c3'),
  0,
  'The job deleted with its workspace sends no notification.');

select * from finish();
rollback;
