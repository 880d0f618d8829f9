-- pg_cron refreshes daily activity every 5 minutes and the workspace metrics cache every hour:
-- each job's command, run as pg_cron runs it, does its work; the activity RPC answers from a fresh
-- cache entry and computes on the spot when it has expired. (That pg_cron itself runs the jobs is
-- supabase/tests/e2e/cron_jobs_run.test.ts.)
begin;
select plan(6);
\ir _dataset.psql

-- One commit of yesterday: a write that marks its day dirty.
insert into public.commits (repository_id, sha, author_id, committed_at, additions, deletions, changed_files)
values (5001, repeat('c', 40), 901, now() - interval '1 day', 3, 1, 1);

select is((select schedule from cron.job where jobname = 'refresh-daily-activity-metrics'), '*/5 * * * *',
  'a pg_cron job refreshes daily activity every 5 minutes');
do $$ begin execute (select command from cron.job where jobname = 'refresh-daily-activity-metrics'); end $$;
select results_eq(
  $$ select commits_count, additions, unique_authors from public.daily_activity_metrics
     where repository_id = 5001 and date = ((now() - interval '1 day') at time zone 'utc')::date $$,
  $$ values (1, 3, 1) $$,
  'its command computes the daily row of the day the commit touched');

select is((select schedule from cron.job where jobname = 'refresh-workspace-metrics-cache'), '7 * * * *',
  'a pg_cron job refreshes the workspace metrics cache every hour');
-- (The daily refresh above also refreshed the cache of the workspaces it touched: start empty.)
delete from public.workspace_metrics_cache where workspace_id = '00000000-0000-4000-8000-000000000501';
do $$ begin execute (select command from cron.job where jobname = 'refresh-workspace-metrics-cache'); end $$;
select set_eq($$ select period_days, (metrics ->> 'commits')::int from public.workspace_metrics_cache
                 where workspace_id = '00000000-0000-4000-8000-000000000501' $$,
  $$ values (7, 1), (30, 1), (90, 1), (365, 1) $$,
  'its command caches the 7, 30, 90 and 365 day periods of every workspace, with the commit counted');

update public.workspace_metrics_cache set metrics = metrics || '{"commits": 4242}'
where workspace_id = '00000000-0000-4000-8000-000000000501' and period_days = 30;
select tests.authenticate_as('member5');
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 30) ->> 'commits')::int, 4242,
  'a fresh cache entry is served as it is');
select tests.authenticate_as_service_role();
update public.workspace_metrics_cache set expires_at = now() - interval '1 minute'
where workspace_id = '00000000-0000-4000-8000-000000000501' and period_days = 30;
select tests.authenticate_as('member5');
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 30) ->> 'commits')::int, 1,
  'an expired cache entry is ignored and the activity computed from the data (the one commit)');

select * from finish();
rollback;
