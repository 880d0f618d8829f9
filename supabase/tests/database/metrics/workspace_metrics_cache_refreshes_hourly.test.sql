-- The hourly job fills the metrics cache for every workspace and period; the activity RPC
-- answers from a fresh cache entry and computes on the spot when it has expired.
begin;
select plan(5);
\ir _dataset.psql

select isnt_empty($$ select 1 from cron.job where jobname = 'refresh-workspace-metrics-cache' and schedule = '7 * * * *' $$,
  'a pg_cron job refreshes the workspace metrics cache every hour');
select isnt_empty($$ select 1 from cron.job where jobname = 'refresh-daily-activity-metrics' and schedule = '*/5 * * * *' $$,
  'a pg_cron job refreshes daily activity every 5 minutes');

select private.refresh_workspace_metrics_cache('00000000-0000-4000-8000-000000000501');
select set_eq($$ select period_days from public.workspace_metrics_cache where workspace_id = '00000000-0000-4000-8000-000000000501' $$,
  $$ values (7), (30), (90), (365) $$, 'the refresh caches the 7, 30, 90 and 365 day periods');

update public.workspace_metrics_cache set metrics = metrics || '{"commits": 4242}'
where workspace_id = '00000000-0000-4000-8000-000000000501' and period_days = 30;
select tests.authenticate_as('member5');
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 30) ->> 'commits')::int, 4242,
  'a fresh cache entry is served as it is');
select tests.authenticate_as_service_role();
update public.workspace_metrics_cache set expires_at = now() - interval '1 minute'
where workspace_id = '00000000-0000-4000-8000-000000000501' and period_days = 30;
select tests.authenticate_as('member5');
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 30) ->> 'commits')::int, 0,
  'an expired cache entry is ignored and the activity computed from the data');

select * from finish();
rollback;
