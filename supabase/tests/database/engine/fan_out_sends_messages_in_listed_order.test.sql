-- The fan-out sends a job's messages in the order of tracked_repository_ids (scheduled syncs
-- list them highest priority first), so pgmq hands them out in that order; a job without a
-- list sends them by full_name.
begin;
select plan(4);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005c0', 'fan-out-order', 'Fan-out order', 'team');
insert into public.tracked_repositories (id, owner, name) values
  ('00000000-0000-4000-8000-0000000005c1', 'alpha', 'a'),
  ('00000000-0000-4000-8000-0000000005c2', 'mid', 'm'),
  ('00000000-0000-4000-8000-0000000005c3', 'zeta', 'z');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-0000000005c0', id from public.tracked_repositories
where id in ('00000000-0000-4000-8000-0000000005c1', '00000000-0000-4000-8000-0000000005c2', '00000000-0000-4000-8000-0000000005c3');

-- Priority order: zeta/z, alpha/a, mid/m (neither alphabetical nor insertion order).
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, tracked_repository_ids)
values ('00000000-0000-4000-8000-0000000005d1', '00000000-0000-4000-8000-0000000005c0', 'scheduled', 1,
        array['repository', 'pull_requests'],
        array['00000000-0000-4000-8000-0000000005c3', '00000000-0000-4000-8000-0000000005c1',
              '00000000-0000-4000-8000-0000000005c2']::uuid[]);

select is(
  (select array_agg(tr.full_name order by t.msg_id) from public.backfill_tasks t
   join public.tracked_repositories tr on tr.id = t.tracked_repository_id
   where t.job_id = '00000000-0000-4000-8000-0000000005d1'),
  array['zeta/z', 'alpha/a', 'mid/m'],
  'the tasks'' msg_ids follow the order of tracked_repository_ids');
select is(
  (select array_agg(tr.full_name order by q.msg_id) from pgmq.q_backfill_recent q
   join public.backfill_tasks t on t.id = (q.message ->> 'task_id')::bigint
   join public.tracked_repositories tr on tr.id = t.tracked_repository_id),
  array['zeta/z', 'alpha/a', 'mid/m'],
  'the queued messages carry the tasks in the listed order');
select is(
  (select array_agg(tr.full_name order by ord) from pgmq.read('backfill_recent', 30, 3) with ordinality as m(msg_id, read_ct, enqueued_at, vt, message, ord)
   join public.backfill_tasks t on t.id = (m.message ->> 'task_id')::bigint
   join public.tracked_repositories tr on tr.id = t.tracked_repository_id),
  array['zeta/z', 'alpha/a', 'mid/m'],
  'a worker reading the queue receives the highest-priority repository first');

select pgmq.purge_queue('backfill_recent');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000005d2', '00000000-0000-4000-8000-0000000005c0', 'scheduled', 1,
        array['repository']);
select is(
  (select array_agg(tr.full_name order by t.msg_id) from public.backfill_tasks t
   join public.tracked_repositories tr on tr.id = t.tracked_repository_id
   where t.job_id = '00000000-0000-4000-8000-0000000005d2'),
  array['alpha/a', 'mid/m', 'zeta/z'],
  'a job without a list of repositories sends its messages by full_name');

select * from finish();
rollback;
