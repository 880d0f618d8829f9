-- Priority adds tier points (<= 30), staleness (<= 20) and popularity (<= 10), and due
-- repositories come out highest priority first.
begin;
select plan(6);
\ir _dataset.psql

select is(private.workspace_repo_priority(30, now() - interval '24 hours', 24, 50000), 30 + 10 + 9,
  'enterprise, just due, 50,000 stars: 30 + 10 + 9');
select is(private.workspace_repo_priority(0, null, 24, 0), 0 + 20 + 0, 'free and never synced: staleness is full');
select is(private.workspace_repo_priority(99, now() - interval '30 days', 24, 10000000), 60, 'each part is capped: at most 60');

select is(public.calculate_workspace_repo_priority(), 5, 'the priority of all five workspace repositories is stored');
select results_eq(
  $$ select w.slug, t.full_name, wtr.priority_score from public.workspace_tracked_repositories wtr
     join public.workspaces w on w.id = wtr.workspace_id join public.tracked_repositories t on t.id = wtr.tracked_repository_id
     where w.id::text like '00000000-0000-4000-8000-00000000070%' order by wtr.priority_score desc, t.full_name $$,
  $$ values ('ent', 'acme/shared', 49), ('pro7', 'acme/shared', 44), ('pro7', 'acme/pro-only', 32),
            ('free7', 'acme/free-only', 20), ('free7', 'acme/shared', 19) $$,
  'shared: 30+10+9 (ent), 15+20+9 (pro, 2 days stale), 0+10+9 (free); pro-only 15+15+2; free-only 0+20+0');

select results_eq(
  $$ select full_name, priority_score from public.get_workspace_repos_for_sync(10) $$,
  $$ values ('acme/shared', 49), ('acme/pro-only', 32), ('acme/free-only', 20) $$,
  'due repositories come highest priority first, a shared one with its best score');

select * from finish();
rollback;
