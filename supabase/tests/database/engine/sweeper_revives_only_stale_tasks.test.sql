-- The sweeper (pg_cron, every minute) takes back what a dead worker held: a running task whose
-- heartbeat is older than 90 s is made visible again at once and its claim is revoked, so the
-- dead claim's commit is stale and the next claim delivers the task; a task heartbeated within
-- the 90 s keeps its claim and stays invisible.
begin;
select plan(8);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005a0', 'sweeper', 'Sweeper', 'pro');
insert into public.tracked_repositories (id, owner, name) values
  ('00000000-0000-4000-8000-0000000005a1', 'sweepco', 'dead'),
  ('00000000-0000-4000-8000-0000000005a2', 'sweepco', 'alive');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values
  ('00000000-0000-4000-8000-0000000005a0', '00000000-0000-4000-8000-0000000005a1'),
  ('00000000-0000-4000-8000-0000000005a0', '00000000-0000-4000-8000-0000000005a2');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, tracked_repository_ids)
values ('00000000-0000-4000-8000-0000000005a3', '00000000-0000-4000-8000-0000000005a0', 'manual', 7, array['repository'],
        array['00000000-0000-4000-8000-0000000005a1', '00000000-0000-4000-8000-0000000005a2']::uuid[]);

create temp table claimed as select * from engine.claim_backfill_tasks('backfill_recent', 2, 300);
create temp view dead as select * from claimed where tracked_repository_id = '00000000-0000-4000-8000-0000000005a1';
create temp view alive as select * from claimed where tracked_repository_id = '00000000-0000-4000-8000-0000000005a2';
-- The dead worker's last heartbeat was 91 s ago, the live one's 89 s ago.
update public.backfill_tasks set heartbeat_at = now() - interval '91 seconds' where id = (select task_id from dead);
update public.backfill_tasks set heartbeat_at = now() - interval '89 seconds' where id = (select task_id from alive);

select is(engine.sweep_stuck_backfill_tasks(), 1, 'the sweeper takes back one task: the one with a stale heartbeat');
select results_eq(
  $$ select status, claim_id, heartbeat_at from public.backfill_tasks where id = (select task_id from dead) $$,
  $$ values ('pending'::text, null::uuid, null::timestamptz) $$,
  'the stale task is pending again and its claim is revoked');
select ok((select vt from pgmq.q_backfill_recent where msg_id = (select msg_id from dead)) <= now(),
  'its message is visible again at once');
select results_eq(
  $$ select status, claim_id from public.backfill_tasks where id = (select task_id from alive) $$,
  $$ select 'running'::text, claim_id from alive $$,
  'the task heartbeated 89 s ago keeps its claim');
select ok((select vt from pgmq.q_backfill_recent where msg_id = (select msg_id from alive)) >= now() + interval '299 seconds',
  'and its message stays invisible');
select is(engine.commit_backfill_chunk((select task_id from dead), 'repository', (select msg_id from dead), null, null, true,
  '{}'::jsonb, 0, 0, 1, 300, (select claim_id from dead)),
  'stale', 'the dead claim''s late commit is refused');
select results_eq($$ select task_id from engine.claim_backfill_tasks('backfill_recent', 5, 300) $$,
  $$ select task_id from dead $$,
  'the next claim delivers the swept task, and only it');
select is(engine.sweep_stuck_backfill_tasks(), 0, 'a fresh claim is not swept again');

select * from finish();
rollback;
