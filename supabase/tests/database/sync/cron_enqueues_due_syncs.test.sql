-- A pg_cron job enqueues due syncs every 10 minutes: its command, run as pg_cron runs it, turns
-- every due repository into a scheduled job and marks it queued, so it is no longer due.
-- (That pg_cron itself runs the project's jobs is supabase/tests/e2e/cron_jobs_run.test.ts.)
begin;
select plan(4);
\ir _dataset.psql
update engine.worker_settings set automatic_invocations = true;

create temp table ours as select id from public.tracked_repositories
where id in ('00000000-0000-4000-8000-000000007001', '00000000-0000-4000-8000-000000007002', '00000000-0000-4000-8000-000000007003');
create temp table due_before as
select tracked_repository_id from public.get_workspace_repos_for_sync(200) where tracked_repository_id in (select id from ours);

select is((select schedule from cron.job where jobname = 'enqueue-scheduled-syncs'), '*/10 * * * *',
  'the job runs every 10 minutes');
select is((select count(*)::int from due_before), 3, 'the dataset''s three repositories are due');
do $$ begin execute (select command from cron.job where jobname = 'enqueue-scheduled-syncs'); end $$;
select set_eq(
  $$ select r from public.backfill_jobs j, unnest(j.tracked_repository_ids) r where j.kind = 'scheduled' and r in (select id from ours) $$,
  $$ select tracked_repository_id from due_before $$,
  'the job''s command enqueues a scheduled sync of each due repository, each once');
select is_empty(
  $$ select 1 from public.get_workspace_repos_for_sync(200) where tracked_repository_id in (select id from ours) $$,
  'and none of them is due any more');

select * from finish();
rollback;
