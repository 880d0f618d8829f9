-- Claiming is fair across workspaces: a workspace whose big job was queued first does not starve
-- one that queued two tasks later; the waiting workspace with the fewest running tasks (for its
-- tier's weight) goes first. Tried as the starved tenant: before, claims went oldest message first.
begin;
select plan(5);

select pgmq.purge_queue('backfill_bulk');
insert into public.workspaces (id, slug, name, tier) values
  ('00000000-0000-4000-8000-0000000fa001', 'big-tenant', 'Big', 'free'),
  ('00000000-0000-4000-8000-0000000fa002', 'small-tenant', 'Small', 'free');
insert into public.tracked_repositories (owner, name)
select 'bigco', 'repo-' || i from generate_series(1, 20) i
union all select 'smallco', 'repo-' || i from generate_series(1, 2) i;
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select case when owner = 'bigco' then '00000000-0000-4000-8000-0000000fa001'::uuid else '00000000-0000-4000-8000-0000000fa002'::uuid end, id
from public.tracked_repositories where owner in ('bigco', 'smallco');
-- The big job first (all 20 messages queued ahead), the small one after.
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types) values
  ('00000000-0000-4000-8000-0000000fb001', '00000000-0000-4000-8000-0000000fa001', 'manual', 90, array['pull_requests']);
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types) values
  ('00000000-0000-4000-8000-0000000fb002', '00000000-0000-4000-8000-0000000fa002', 'manual', 90, array['pull_requests']);

create temp table claimed (n serial, workspace_id uuid);
insert into claimed (workspace_id) select workspace_id from engine.claim_backfill_tasks('backfill_bulk', 1, 300);
insert into claimed (workspace_id) select workspace_id from engine.claim_backfill_tasks('backfill_bulk', 1, 300);
insert into claimed (workspace_id) select workspace_id from engine.claim_backfill_tasks('backfill_bulk', 1, 300);
insert into claimed (workspace_id) select workspace_id from engine.claim_backfill_tasks('backfill_bulk', 1, 300);

select is((select workspace_id from claimed where n = 1), '00000000-0000-4000-8000-0000000fa001'::uuid,
  'with nobody running, the oldest message goes first (the big workspace''s)');
select is((select workspace_id from claimed where n = 2), '00000000-0000-4000-8000-0000000fa002'::uuid,
  'the second slot goes to the small workspace, although 19 older messages of the big one wait');
select results_eq($$ select workspace_id, count(*)::int from claimed group by 1 order by 1 $$,
  $$ values ('00000000-0000-4000-8000-0000000fa001'::uuid, 2), ('00000000-0000-4000-8000-0000000fa002'::uuid, 2) $$,
  'four slots are shared two and two');
select is((select count(*)::int from public.backfill_tasks where job_id = '00000000-0000-4000-8000-0000000fb002' and status = 'running'), 2,
  'both tasks of the small job run after four claims');

-- A paid tier weighs more: a pro workspace gets a second slot before a free one gets its second.
update public.workspaces set tier = 'enterprise' where id = '00000000-0000-4000-8000-0000000fa001';
select is((select workspace_id from engine.claim_backfill_tasks('backfill_bulk', 1, 300)), '00000000-0000-4000-8000-0000000fa001'::uuid,
  'an enterprise workspace (weight 3) running two tasks is served before a free one running two');

select * from finish();
rollback;
