-- A task whose chunk takes longer than the visibility timeout keeps its message with heartbeats:
-- engine.heartbeat_backfill_task pushes the message's vt forward, so no second worker claims it
-- once the original timeout has passed, while a task without heartbeat is delivered again.
begin;
select plan(6);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005b0', 'heartbeats', 'Heartbeats', 'pro');
insert into public.tracked_repositories (id, owner, name) values
  ('00000000-0000-4000-8000-0000000005b1', 'beatco', 'beating'),
  ('00000000-0000-4000-8000-0000000005b2', 'beatco', 'silent');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values
  ('00000000-0000-4000-8000-0000000005b0', '00000000-0000-4000-8000-0000000005b1'),
  ('00000000-0000-4000-8000-0000000005b0', '00000000-0000-4000-8000-0000000005b2');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, tracked_repository_ids)
values ('00000000-0000-4000-8000-0000000005b3', '00000000-0000-4000-8000-0000000005b0', 'manual', 7, array['repository'],
        array['00000000-0000-4000-8000-0000000005b1', '00000000-0000-4000-8000-0000000005b2']::uuid[]);

-- Both tasks are claimed with the worker's visibility timeout (60 s); one heartbeats.
create temp table first as select * from engine.claim_backfill_tasks('backfill_recent', 2, 60);
create temp view beating as select * from first where tracked_repository_id = '00000000-0000-4000-8000-0000000005b1';

select is(engine.heartbeat_backfill_task((select task_id from beating), (select claim_id from beating), 300), 'ok',
  'the running claim''s heartbeat is accepted');
select is((select vt from pgmq.q_backfill_recent where msg_id = (select msg_id from beating)), now() + interval '300 seconds',
  'the heartbeat sets the message''s vt 300 s ahead');
select is((select heartbeat_at from public.backfill_tasks where id = (select task_id from beating)), now(),
  'and records the heartbeat on the task');

-- 61 s later (time inside a transaction stands still, so the messages' vt move back instead):
-- the claim's timeout has run out.
update pgmq.q_backfill_recent set vt = vt - interval '61 seconds' where msg_id in (select msg_id from first);
select ok((select vt > now() from pgmq.q_backfill_recent where msg_id = (select msg_id from beating)),
  'the heartbeated message is still invisible 61 s on, past the claim''s 60 s');
select results_eq($$ select tracked_repository_id from engine.claim_backfill_tasks('backfill_recent', 2, 60) $$,
  $$ values ('00000000-0000-4000-8000-0000000005b2'::uuid) $$,
  'a second worker gets the task without heartbeat, and not the heartbeated one');
select is((select claim_id from public.backfill_tasks where id = (select task_id from beating)), (select claim_id from beating),
  'the heartbeated task keeps its claim');

select * from finish();
rollback;
