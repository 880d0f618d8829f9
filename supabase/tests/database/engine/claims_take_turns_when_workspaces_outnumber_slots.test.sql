-- With more waiting workspaces than slots, a workspace whose task just ended does not take the
-- freed slot again while others wait: among workspaces running as many tasks, the one served
-- longest ago goes first. Tried as three workspaces and one slot: before, the workspace of the
-- oldest job took every freed slot until its job was done.
begin;
select plan(2);

select pgmq.purge_queue('backfill_bulk');
insert into public.workspaces (id, slug, name, tier) values
  ('00000000-0000-4000-8000-0000000fc001', 'turns-a', 'A', 'free'),
  ('00000000-0000-4000-8000-0000000fc002', 'turns-b', 'B', 'free'),
  ('00000000-0000-4000-8000-0000000fc003', 'turns-c', 'C', 'free');
insert into public.tracked_repositories (owner, name)
select 'turnsco-' || w, 'repo-' || i from generate_series(1, 3) w, generate_series(1, 3) i;
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select ('00000000-0000-4000-8000-0000000fc00' || substring(owner from 9))::uuid, id
from public.tracked_repositories where owner like 'turnsco-%';
insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
select id, 'manual', 90, array['pull_requests'] from public.workspaces where slug like 'turns-%' order by slug;

-- One slot: claim a task, finish it, claim the next, six times.
create temp table claimed (n serial, workspace_id uuid);
do $$
declare
  c record;
begin
  for i in 1..6 loop
    select * into c from engine.claim_backfill_tasks('backfill_bulk', 1, 300);
    insert into claimed (workspace_id) values (c.workspace_id);
    perform engine.close_backfill_task(c.task_id, 'completed', null);
  end loop;
end $$;

select results_eq($$ select workspace_id from claimed where n <= 3 order by n $$,
  $$ values ('00000000-0000-4000-8000-0000000fc001'::uuid), ('00000000-0000-4000-8000-0000000fc002'::uuid),
            ('00000000-0000-4000-8000-0000000fc003'::uuid) $$,
  'the first three slots go to three workspaces, oldest job first');
select results_eq($$ select workspace_id, count(*)::int from claimed group by 1 order by 1 $$,
  $$ values ('00000000-0000-4000-8000-0000000fc001'::uuid, 2), ('00000000-0000-4000-8000-0000000fc002'::uuid, 2),
            ('00000000-0000-4000-8000-0000000fc003'::uuid, 2) $$,
  'six slots in turn are shared two, two and two');

select * from finish();
rollback;
