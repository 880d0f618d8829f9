-- The status views compute percent from items done of the estimate, an ETA from the observed
-- rate, and surface the last error.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(6);

-- acme's job: running for 100 s, pull_requests 250/500 => 50 %, 2.5 items/s => 100 s left.
update public.backfill_progress p set last_error = 'GitHub returned 502 for acme/widgets; will retry'
from public.backfill_tasks t where t.id = p.task_id and t.job_id = '00000000-0000-4000-8000-0000000000d1';

select tests.authenticate_as('member');

select results_eq(
  $$ select data_type, items_done, estimated_total, percent from public.backfill_data_type_status $$,
  $$ values ('pull_requests'::text, 250::bigint, 500::bigint, 50.0::numeric(5,1)) $$,
  'backfill_data_type_status shows pull_requests 250 of 500, 50 percent');
select results_eq(
  $$ select full_name, percent, last_error from public.backfill_repository_status $$,
  $$ values ('acme/widgets'::text, 50.0::numeric(5,1), 'GitHub returned 502 for acme/widgets; will retry'::text) $$,
  'backfill_repository_status shows the repository, its percent and last error');
select results_eq(
  $$ select percent, items_done, estimated_total, last_error from public.backfill_job_status $$,
  $$ values (50.0::numeric(5,1), 250::bigint, 500::bigint, 'GitHub returned 502 for acme/widgets; will retry'::text) $$,
  'backfill_job_status sums the job''s progress and shows the last error');
select ok((select eta_seconds between 95 and 105 from public.backfill_job_status),
  'the job''s ETA is the remaining items at the observed rate (about 100 s)');
select ok((select estimated_completion_at between now() + interval '95 seconds' and now() + interval '105 seconds'
           from public.backfill_job_status),
  'the job''s estimated completion time is now plus the ETA');
select results_eq(
  $$ select data_type, oldest_at, newest_at from public.workspace_data_coverage where data_type = 'pull_requests' $$,
  $$ values ('pull_requests'::text, '2026-01-01'::timestamptz, '2026-01-01'::timestamptz) $$,
  'workspace_data_coverage shows the oldest and newest pull request of the workspace''s repository');

select * from finish();
rollback;
