-- Every delivery makes progress or counts: a chunk that did not fit in a pass is tried next with
-- half the items per page (not below the minimum), each claim counts a delivery until a chunk
-- commits, and a commit resets both and clears the task's stale error.
begin;
select plan(7);
select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier) values ('00000000-0000-4000-8000-0000000e2001', 'shrink', 'Shrink', 'pro');
insert into public.tracked_repositories (id, owner, name) values ('00000000-0000-4000-8000-0000000e2002', 'shrinkco', 'repo');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000e2001', '00000000-0000-4000-8000-0000000e2002');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000e2003', '00000000-0000-4000-8000-0000000e2001', 'manual', 7, array['discussions']);

create function pg_temp.claim_and_release() returns record language plpgsql as $$
declare c record;
begin
  update pgmq.q_backfill_recent set vt = now();
  select * into c from engine.claim_backfill_tasks('backfill_recent', 1, 300);
  perform engine.shrink_backfill_page(c.task_id, c.claim_id, 'discussions', 50, 5);
  perform engine.release_backfill_task(c.task_id, c.msg_id, 0, 'released at the end of the pass', c.claim_id);
  return c;
end $$;
select pg_temp.claim_and_release();
select pg_temp.claim_and_release();
select pg_temp.claim_and_release();
select results_eq($$ select p.page_size, t.deliveries from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
                     where t.job_id = '00000000-0000-4000-8000-0000000e2003' $$,
  $$ values (6, 3) $$, 'three passes that did not fit: 50 → 25 → 12 → 6 items a page, three deliveries counted');
select pg_temp.claim_and_release();
select pg_temp.claim_and_release();
select is((select page_size from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
           where t.job_id = '00000000-0000-4000-8000-0000000e2003'), 5, 'never below the minimum page size');

update pgmq.q_backfill_recent set vt = now();
create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
select is((select read_ct from c), 6, 'the claim reports the deliveries (6) to the worker');
select is(((select progress from c) -> 0 ->> 'page_size')::int, 5, 'and the page size to use');
select is(engine.commit_backfill_chunk((select task_id from c), 'discussions', (select msg_id from c), null, 'next', false,
  '{}'::jsonb, 5, 100, 1, 300, (select claim_id from c)), 'committed', 'a smaller chunk commits');
select results_eq($$ select p.page_size, t.deliveries, t.last_error from public.backfill_progress p
                     join public.backfill_tasks t on t.id = p.task_id where t.job_id = '00000000-0000-4000-8000-0000000e2003' $$,
  $$ values (5, 0, null::text) $$, 'the commit keeps the page size that fits, resets the deliveries and clears the stale error');
select is((select s.last_error from public.backfill_repository_status s join public.backfill_tasks t on t.id = s.task_id
           where t.job_id = '00000000-0000-4000-8000-0000000e2003'), null, 'the status views show no error that is over');

select * from finish();
rollback;
