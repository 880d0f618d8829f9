-- A job's tasks go to backfill_recent when the work is recent or small (initial and scheduled
-- jobs, windows of 30 days or less), else to backfill_bulk, which the worker drains after; each
-- task's message lands in the queue its task names, and in no other.
begin;
select plan(3);

select pgmq.purge_queue('backfill_recent'), pgmq.purge_queue('backfill_bulk');
-- One job of each case, each in a workspace of its own (a workspace has one live addon job).
create temp table cases (n int, label text, kind text, window_days int, queue text);
insert into cases values
  (1, 'initial, 365 days', 'initial', 365, 'backfill_recent'),
  (2, 'scheduled, 365 days', 'scheduled', 365, 'backfill_recent'),
  (3, 'manual, 30 days', 'manual', 30, 'backfill_recent'),
  (4, 'addon, 30 days', 'addon', 30, 'backfill_recent'),
  (5, 'manual, 31 days', 'manual', 31, 'backfill_bulk'),
  (6, 'addon, 365 days', 'addon', 365, 'backfill_bulk');
insert into public.tracked_repositories (id, owner, name)
values ('00000000-0000-4000-8000-0000000005f1', 'routeco', 'lanes');
insert into public.workspaces (id, slug, name, tier)
select ('00000000-0000-4000-8000-0000000005f' || (n + 1))::uuid, 'queue-routing-' || n, label, 'pro' from cases;
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select ('00000000-0000-4000-8000-0000000005f' || (n + 1))::uuid, '00000000-0000-4000-8000-0000000005f1' from cases;
insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, source)
select ('00000000-0000-4000-8000-0000000005f' || (n + 1))::uuid, kind, window_days, array['repository'], jsonb_build_object('label', label)
from cases;

create temp view routed as
select j.source ->> 'label' as label, t.queue_name,
       exists (select 1 from pgmq.q_backfill_recent q where q.msg_id = t.msg_id) as in_recent,
       exists (select 1 from pgmq.q_backfill_bulk q where q.msg_id = t.msg_id) as in_bulk
from public.backfill_jobs j join public.backfill_tasks t on t.job_id = j.id
where j.source ->> 'label' in (select label from cases);

select set_eq($$ select label, queue_name from routed $$, $$ select label, queue from cases $$,
  'each job''s task names the queue its kind and window call for');
select set_eq($$ select label, in_recent, in_bulk from routed $$,
  $$ select label, queue = 'backfill_recent' as in_recent, queue = 'backfill_bulk' as in_bulk from cases $$,
  'each task''s message is in that queue and not in the other');
select results_eq(
  $$ select (select count(*)::int from pgmq.q_backfill_recent), (select count(*)::int from pgmq.q_backfill_bulk) $$,
  $$ values (4, 2) $$, 'four messages wait in backfill_recent, two in backfill_bulk');

select * from finish();
rollback;
