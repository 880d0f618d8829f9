-- A repository three workspaces track is fetched once per due time: one task in one scheduled
-- job (of the highest-priority workspace), and every workspace's row is marked queued.
begin;
select plan(7);
\ir _dataset.psql

select is(private.enqueue_due_syncs(200), 3, 'three due repositories are enqueued');
select is((select count(*)::int from public.backfill_tasks t join public.backfill_jobs j on j.id = t.job_id
           where j.kind = 'scheduled' and t.tracked_repository_id = '00000000-0000-4000-8000-000000007001'), 1,
  'the shared repository gets exactly one task');
select results_eq(
  $$ select w.slug, j.tracked_repository_ids from public.backfill_jobs j join public.workspaces w on w.id = j.workspace_id
     where j.kind = 'scheduled' order by (j.source->>'priority')::int desc $$,
  $$ values ('ent', array['00000000-0000-4000-8000-000000007001']::uuid[]),
            ('pro7', array['00000000-0000-4000-8000-000000007002']::uuid[]),
            ('free7', array['00000000-0000-4000-8000-000000007003']::uuid[]) $$,
  'jobs are made in priority order, the shared repository carried by the enterprise workspace');
select is((select data_types from public.backfill_jobs j where j.kind = 'scheduled' and j.workspace_id = '00000000-0000-4000-8000-000000000701'),
  array['repository', 'pull_requests', 'issues', 'commits', 'stars', 'forks'],
  'the shared fetch covers what any of its workspaces wants (issues from ent, commits from pro)');
select is((select window_days from public.backfill_jobs j where j.kind = 'scheduled' and j.workspace_id = '00000000-0000-4000-8000-000000000701'), 2,
  'the window reaches back to the oldest last sync of the due workspaces (2 days)');
select is((select count(*)::int from public.workspace_tracked_repositories
           where tracked_repository_id = '00000000-0000-4000-8000-000000007001' and last_sync_status = 'queued'
             and next_sync_at > now() + interval '5 hours'), 3,
  'all three workspaces'' rows of the shared repository are queued and leased');
select is(private.enqueue_due_syncs(200), 0, 'a second tick enqueues nothing while they are queued');

select * from finish();
rollback;
