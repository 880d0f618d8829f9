-- A scheduled (incremental) job's tasks start their window at their repository's last sync
-- (source.repositories[<tracked_repository_id>].since), never before the job's window; a
-- repository never synced, and every other kind of job, start at now() - window_days.
begin;
select plan(5);

insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000007c0', 'incremental-window', 'Incremental window', 'team');
insert into public.tracked_repositories (id, owner, name) values
  ('00000000-0000-4000-8000-0000000007c1', 'inc', 'synced'),
  ('00000000-0000-4000-8000-0000000007c2', 'inc', 'never'),
  ('00000000-0000-4000-8000-0000000007c3', 'inc', 'ancient');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-0000000007c0', id from public.tracked_repositories
where id in ('00000000-0000-4000-8000-0000000007c1', '00000000-0000-4000-8000-0000000007c2', '00000000-0000-4000-8000-0000000007c3');

insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, source)
values ('00000000-0000-4000-8000-0000000007d1', '00000000-0000-4000-8000-0000000007c0', 'scheduled', 3,
        array['repository', 'pull_requests', 'issues'],
        jsonb_build_object('entry_point', 'scheduled_sync', 'repositories', jsonb_build_object(
          '00000000-0000-4000-8000-0000000007c1', jsonb_build_object('since', now() - interval '30 hours'),
          '00000000-0000-4000-8000-0000000007c2', jsonb_build_object('since', null),
          '00000000-0000-4000-8000-0000000007c3', jsonb_build_object('since', now() - interval '30 days'))));

create temp view windows as
  select tr.name, p.data_type, p.window_start from public.backfill_progress p
  join public.backfill_tasks t on t.id = p.task_id
  join public.tracked_repositories tr on tr.id = t.tracked_repository_id;

select results_eq(
  $$ select data_type, window_start from windows where name = 'synced' and data_type <> 'repository' order by data_type $$,
  $$ values ('issues', now() - interval '30 hours'), ('pull_requests', now() - interval '30 hours') $$,
  'a synced repository''s PRs and issues start at its last sync');
select is((select window_start from windows where name = 'synced' and data_type = 'repository'), null,
  'repository metadata has no window');
select is((select max(window_start) from windows where name = 'never' and data_type <> 'repository'), now() - interval '3 days',
  'a repository never synced starts at now() - window_days');
select is((select max(window_start) from windows where name = 'ancient' and data_type <> 'repository'), now() - interval '3 days',
  'a last sync older than the job''s window is clamped to it');

insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, tracked_repository_ids, source)
values ('00000000-0000-4000-8000-0000000007d2', '00000000-0000-4000-8000-0000000007c0', 'manual', 7,
        array['pull_requests'], array['00000000-0000-4000-8000-0000000007c1']::uuid[],
        jsonb_build_object('repositories', jsonb_build_object(
          '00000000-0000-4000-8000-0000000007c1', jsonb_build_object('since', now() - interval '1 hour'))));
select is((select p.window_start from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
           where t.job_id = '00000000-0000-4000-8000-0000000007d2'), now() - interval '7 days',
  'other kinds of job ignore since and start at now() - window_days');

select * from finish();
rollback;
