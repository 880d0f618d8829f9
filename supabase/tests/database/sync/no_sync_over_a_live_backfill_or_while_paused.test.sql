-- A scheduled sync never runs on a repository while a backfill of the same data types is live on
-- it (it would fetch the same pages again on the shared budget), and no sync is enqueued while
-- the operator has paused the worker's automatic invocations.
begin;
select plan(5);
\ir _dataset.psql
update engine.worker_settings set automatic_invocations = true;

-- A live manual backfill of every data type over acme/pro-only (7002).
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, tracked_repository_ids) values
  ('00000000-0000-4000-8000-0000000007b1', '00000000-0000-4000-8000-000000000702', 'manual', 30,
   array['repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks'],
   array['00000000-0000-4000-8000-000000007002']::uuid[]);
select ok(not exists (select 1 from public.get_workspace_repos_for_sync(50) where repository_id = 7002),
  'a repository under a live backfill of all its sync''s data types is not due');
select ok(exists (select 1 from public.get_workspace_repos_for_sync(50) where repository_id = 7001),
  'the other repositories stay due');

-- A live backfill of fewer types (stars only) does not cover the sync: it stays due.
update public.backfill_jobs set status = 'cancelled' where id = '00000000-0000-4000-8000-0000000007b1';
update public.backfill_tasks set status = 'cancelled' where job_id = '00000000-0000-4000-8000-0000000007b1';
insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, tracked_repository_ids) values
  ('00000000-0000-4000-8000-000000000702', 'manual', 30, array['stars'], array['00000000-0000-4000-8000-000000007002']::uuid[]);
select ok(exists (select 1 from public.get_workspace_repos_for_sync(50) where repository_id = 7002),
  'a live backfill of other data types does not hold the sync back');

-- The cron job's own command, as pg_cron runs it.
update engine.worker_settings set automatic_invocations = false, reason = 'test';
do $$ begin execute (select command from cron.job where jobname = 'enqueue-scheduled-syncs'); end $$;
select is((select count(*)::int from public.backfill_jobs where kind = 'scheduled'), 0,
  'with automatic invocations off, the cron job enqueues no sync');
update engine.worker_settings set automatic_invocations = true;
do $$ begin execute (select command from cron.job where jobname = 'enqueue-scheduled-syncs'); end $$;
select ok((select count(*)::int from public.backfill_jobs where kind = 'scheduled') > 0,
  'with them on, the same command enqueues the due syncs');

select * from finish();
rollback;
