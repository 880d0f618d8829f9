-- A repository's first scheduled sync goes on from where its first backfill started (not a day
-- back), and every sync asks GitHub from a whole second less a margin for clock skew (GitHub's
-- timestamps have no fraction of a second).
begin;
select plan(3);
\ir _dataset.psql

-- free7's acme/free-only (7003) was never synced; its initial backfill runs and completes.
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, tracked_repository_ids) values
  ('00000000-0000-4000-8000-0000000007c1', '00000000-0000-4000-8000-000000000703', 'initial', 30, array['repository'],
   array['00000000-0000-4000-8000-000000007003']::uuid[]);
update public.backfill_tasks set status = 'running', started_at = '2026-11-30 12:00:00.654321+00'
where job_id = '00000000-0000-4000-8000-0000000007c1';
select engine.close_backfill_task(id, 'completed', null) from public.backfill_tasks where job_id = '00000000-0000-4000-8000-0000000007c1';
select is((select last_sync_at from public.workspace_tracked_repositories
           where workspace_id = '00000000-0000-4000-8000-000000000703' and tracked_repository_id = '00000000-0000-4000-8000-000000007003'),
  '2026-11-30 12:00:00.654321+00'::timestamptz, 'the completed initial backfill starts the repository''s sync history');
update public.workspace_tracked_repositories set next_sync_at = now()
where tracked_repository_id = '00000000-0000-4000-8000-000000007003';
select is((select since from public.get_workspace_repos_for_sync(50) where repository_id = 7003),
  '2026-11-30 11:58:00+00'::timestamptz, 'its first sync asks from the whole second less 2 minutes');
select is((select count(*)::int from public.workspace_tracked_repositories
           where tracked_repository_id = '00000000-0000-4000-8000-000000007001' and last_sync_at is null), 0,
  'other repositories'' sync history is untouched');

select * from finish();
rollback;
