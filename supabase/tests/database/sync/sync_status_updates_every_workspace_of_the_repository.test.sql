-- A finished task of a scheduled job records success for every workspace tracking the
-- repository; a failure backs off; the update RPC validates and is for the service role only.
begin;
select plan(7);
\ir _dataset.psql
select private.enqueue_due_syncs(200);

update public.backfill_tasks t set status = 'completed', started_at = now() - interval '1 minute', finished_at = now()
from public.backfill_jobs j where j.id = t.job_id and j.kind = 'scheduled'
  and t.tracked_repository_id = '00000000-0000-4000-8000-000000007001';
select results_eq(
  $$ select last_sync_status, sync_attempts, next_sync_at > now() + interval '23 hours' from public.workspace_tracked_repositories
     where tracked_repository_id = '00000000-0000-4000-8000-000000007001' $$,
  $$ values ('success', 0, true), ('success', 0, true), ('success', 0, true) $$,
  'the completed task marks the shared repository synced in all three workspaces, next in 24 h');

update public.backfill_tasks t set status = 'failed', last_error = 'repository not found'
from public.backfill_jobs j where j.id = t.job_id and j.kind = 'scheduled'
  and t.tracked_repository_id = '00000000-0000-4000-8000-000000007002';
select results_eq(
  $$ select last_sync_status, sync_attempts, next_sync_at between now() + interval '14 minutes' and now() + interval '16 minutes'
     from public.workspace_tracked_repositories where tracked_repository_id = '00000000-0000-4000-8000-000000007002' $$,
  $$ values ('failed: repository not found', 1, true) $$,
  'a failed task records the error and retries in 15 minutes');

select tests.authenticate_as_service_role();
select is(public.update_workspace_sync_status('00000000-0000-4000-8000-000000007003', 'success', '00000000-0000-4000-8000-000000000703'), 1,
  'the service role records a result for one workspace');
select throws_ok($$ select public.update_workspace_sync_status('00000000-0000-4000-8000-000000007003', 'done') $$,
  '22023', 'update_workspace_sync_status: status must be queued, success or failed, got done', 'an unknown status is refused');
select throws_ok($$ select public.update_workspace_sync_status('00000000-0000-4000-8000-000000007003', 'success', '00000000-0000-4000-8000-000000000701') $$,
  'P0002', 'update_workspace_sync_status: repository 00000000-0000-4000-8000-000000007003 is not tracked by workspace 00000000-0000-4000-8000-000000000701',
  'a repository the workspace does not track is refused');

select tests.create_supabase_user('someone');
select tests.authenticate_as('someone');
select throws_ok($$ select public.update_workspace_sync_status('00000000-0000-4000-8000-000000007003', 'success') $$,
  '42501', 'permission denied for function update_workspace_sync_status', 'signed-in users cannot record sync results');
select throws_ok($$ select * from public.get_workspace_repos_for_sync(5) $$,
  '42501', 'permission denied for function get_workspace_repos_for_sync', 'signed-in users cannot list due syncs');

select * from finish();
rollback;
