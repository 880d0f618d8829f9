-- A second claim of a task (after the first claim's visibility timeout) fences the first worker:
-- its commit, failed attempt, release and heartbeat are 'stale' and change nothing, progress
-- attempts included; the second worker's calls go through.
begin;
select plan(9);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000008a0', 'claim-fencing', 'Claim fencing', 'pro');
insert into public.tracked_repositories (id, owner, name)
values ('00000000-0000-4000-8000-0000000008a1', 'fenceco', 'gate');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000008a0', '00000000-0000-4000-8000-0000000008a1');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000008a2', '00000000-0000-4000-8000-0000000008a0', 'manual', 7,
        array['repository', 'pull_requests']);

-- Visibility timeout 0: the message is visible again at once, as after a timeout ran out.
create temp table first_claim as select * from engine.claim_backfill_tasks('backfill_recent', 1, 0);
create temp table second_claim as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
select is((select task_id from second_claim), (select task_id from first_claim), 'the same task is claimed twice');
select isnt((select claim_id from second_claim), (select claim_id from first_claim), 'each claim has its own claim id');

select is(engine.commit_backfill_chunk((select task_id from first_claim), 'repository', (select msg_id from first_claim),
  null, null, true, '{}'::jsonb, 0, 0, 1, 300, (select claim_id from first_claim)),
  'stale', 'the first claim''s commit is stale');
select is(engine.fail_backfill_task((select task_id from first_claim), (select msg_id from first_claim), 'repository',
  'boom', false, 5, 30, (select claim_id from first_claim)),
  'stale', 'the first claim''s failed attempt is stale');
select is((select sum(attempts)::int from public.backfill_progress where task_id = (select task_id from first_claim)), 0,
  'a stale failed attempt counts no attempt on the progress rows');
select is(engine.release_backfill_task((select task_id from first_claim), (select msg_id from first_claim), 0, 'bye',
  (select claim_id from first_claim)),
  'stale', 'the first claim''s release is stale');
select is(engine.heartbeat_backfill_task((select task_id from first_claim), (select claim_id from first_claim), 300),
  'stale', 'the first claim''s heartbeat is stale');
select is(engine.heartbeat_backfill_task((select task_id from second_claim), (select claim_id from second_claim), 300),
  'ok', 'the second claim''s heartbeat goes through');
select is(engine.commit_backfill_chunk((select task_id from second_claim), 'repository', (select msg_id from second_claim),
  null, null, true, '{}'::jsonb, 0, 0, 1, 300, (select claim_id from second_claim)),
  'committed', 'the second claim''s commit goes through');

select * from finish();
rollback;
