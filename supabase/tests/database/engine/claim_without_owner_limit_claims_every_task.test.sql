-- Jobs without max_in_flight_per_owner (addon, manual, scheduled) are claimed as before: one
-- claim takes as many tasks of one owner as it asks for.
begin;
select plan(2);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005a1', 'no-owner-limit', 'No owner limit', 'pro');
insert into public.tracked_repositories (owner, name)
select 'bigco', 'repo-' || i from generate_series(1, 7) i;
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-0000000005a1', id from public.tracked_repositories where owner = 'bigco';
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000005b1', '00000000-0000-4000-8000-0000000005a1', 'manual', 30,
        array['pull_requests']);

select is((select count(*)::int from engine.claim_backfill_tasks('backfill_recent', 10, 300)), 7,
  'a claim for ten takes all seven tasks of one owner when the job has no per-owner limit');
select is((select count(*)::int from public.backfill_tasks
           where job_id = '00000000-0000-4000-8000-0000000005b1' and status = 'running'), 7,
  'all seven tasks are running');

select * from finish();
rollback;
