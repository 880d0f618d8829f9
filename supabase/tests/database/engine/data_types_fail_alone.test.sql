-- Data types of one repository are independent: one that fails for good (star history GitHub
-- answers in a shape the worker cannot read, say) ends alone, the others go on under the same
-- claim and keep what they fetched, and the repository ends completed_with_errors with that
-- type's message. Before, the first failing type failed the whole repository.
begin;
select plan(8);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier) values ('00000000-0000-4000-8000-0000000e1001', 'types', 'Types', 'pro');
insert into public.tracked_repositories (id, owner, name) values ('00000000-0000-4000-8000-0000000e1002', 'typesco', 'repo');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000e1001', '00000000-0000-4000-8000-0000000e1002');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000e1003', '00000000-0000-4000-8000-0000000e1001', 'manual', 7,
        array['repository', 'stars', 'forks']);
create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);

select is(engine.commit_backfill_chunk((select task_id from c), 'repository', (select msg_id from c), null, null, true,
  '{}'::jsonb, 1, 1, 1, 300, (select claim_id from c)), 'committed', 'the metadata commits');
select is(engine.fail_backfill_task((select task_id from c), (select msg_id from c), 'stars',
  'star history of typesco/repo could not be read', true, 5, 30, (select claim_id from c)),
  'data_type_failed', 'star history fails for good, alone: the task goes on');
select is((select status from public.backfill_tasks where id = (select task_id from c)), 'running',
  'the task keeps running under the same claim');
select is(engine.commit_backfill_chunk((select task_id from c), 'forks', (select msg_id from c), null, null, true,
  '{}'::jsonb, 3, 3, 1, 300, (select claim_id from c)), 'task_failed', 'forks still commit; the last type closes the task as failed');
select results_eq($$ select data_type, status from public.backfill_progress where task_id = (select task_id from c) order by data_type $$,
  $$ values ('forks'::text, 'completed'::text), ('repository', 'completed'), ('stars', 'failed') $$,
  'each data type keeps its own outcome');
select results_eq($$ select status, last_error from public.backfill_repository_status where task_id = (select task_id from c) $$,
  $$ values ('completed_with_errors'::text, 'stars: star history of typesco/repo could not be read'::text) $$,
  'the repository ended completed_with_errors, with the failed type''s message');
select is((select status from public.backfill_jobs where id = '00000000-0000-4000-8000-0000000e1003'), 'completed_with_errors',
  'the job ends completed_with_errors');
select is((select items_done from public.backfill_jobs where id = '00000000-0000-4000-8000-0000000e1003'), 4::bigint,
  'what the other types fetched is kept');

select * from finish();
rollback;
