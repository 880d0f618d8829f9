-- A task released to wait for the GitHub budget is not counted as a delivery without a commit: a
-- rate-bound task may wait through many windows without reaching max deliveries; a release at
-- the end of a pass still counts.
begin;
select plan(2);

select pgmq.purge_queue('backfill_bulk');
insert into public.workspaces (id, slug, name, tier) values ('00000000-0000-4000-8000-0000000fd001', 'waits', 'Waits', 'free');
insert into public.tracked_repositories (owner, name) values ('waitsco', 'repo');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-0000000fd001', id from public.tracked_repositories where owner = 'waitsco';
insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000fd001', 'manual', 90, array['pull_requests']);

do $$
declare
  c record;
begin
  for i in 1..5 loop
    select * into c from engine.claim_backfill_tasks('backfill_bulk', 1, 300);
    perform engine.release_backfill_task(c.task_id, c.msg_id, 0, 'waiting for the GitHub rate limit', c.claim_id, false);
  end loop;
end $$;
select is((select deliveries from public.backfill_tasks t join public.backfill_jobs j on j.id = t.job_id
           where j.workspace_id = '00000000-0000-4000-8000-0000000fd001'), 0,
  'five claims released for budget waits leave no delivery counted');

do $$
declare
  c record;
begin
  select * into c from engine.claim_backfill_tasks('backfill_bulk', 1, 300);
  perform engine.release_backfill_task(c.task_id, c.msg_id, 0, 'released at the end of the pass', c.claim_id);
  select * into c from engine.claim_backfill_tasks('backfill_bulk', 1, 300);
end $$;
select is((select deliveries from public.backfill_tasks t join public.backfill_jobs j on j.id = t.job_id
           where j.workspace_id = '00000000-0000-4000-8000-0000000fd001'), 2,
  'a release at the end of a pass counts, as does the claim after it');

select * from finish();
rollback;
