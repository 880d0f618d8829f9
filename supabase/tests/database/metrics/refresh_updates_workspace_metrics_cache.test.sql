-- When the daily refresh recomputes days, the cached numbers of the workspaces tracking those
-- repositories are recomputed too, so members do not wait for the hourly run to see them.
begin;
select plan(2);
\ir _dataset.psql

select private.refresh_workspace_metrics_cache('00000000-0000-4000-8000-000000000501');
update public.workspace_metrics_cache set computed_at = now() - interval '30 minutes';
insert into public.commits (repository_id, sha, author_id, committed_at) values (5002, repeat('e', 40), 901, now());
select private.refresh_daily_activity_metrics();

select tests.authenticate_as('member5');
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 7) ->> 'commits')::int, 1,
  'the cached 7-day activity counts the commit as soon as its day is refreshed');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.workspace_metrics_cache
           where workspace_id = '00000000-0000-4000-8000-000000000501' and computed_at > now() - interval '1 minute'), 4,
  'all four periods of the workspace were recomputed by the refresh');

select * from finish();
rollback;
