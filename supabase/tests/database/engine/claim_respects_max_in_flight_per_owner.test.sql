-- A job with max_in_flight_per_owner = 5 never runs more than 5 tasks of one GitHub owner at
-- once: messages over the limit are deferred (left in the queue, invisible for a short while)
-- and other owners' tasks are claimed instead; a finished task frees a place.
begin;
select plan(10);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005a0', 'owner-limit', 'Owner limit', 'pro');
insert into public.tracked_repositories (owner, name)
select 'bigco', 'repo-' || i from generate_series(1, 7) i
union all select 'smallco', 'repo-' || i from generate_series(1, 2) i;
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-0000000005a0', id from public.tracked_repositories where owner in ('bigco', 'smallco');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, max_in_flight_per_owner)
values ('00000000-0000-4000-8000-0000000005b0', '00000000-0000-4000-8000-0000000005a0', 'initial', 30,
        array['repository', 'pull_requests'], 5);

-- The queue holds bigco's 7 messages first (fan-out order), then smallco's 2.
create temp table claimed (call int, task_id bigint, owner text);
create function pg_temp.claim(p_call int, p_qty int) returns int language sql as $$
  insert into claimed select p_call, c.task_id, c.owner
  from engine.claim_backfill_tasks('backfill_recent', p_qty, 300) c;
  select count(*)::int from claimed where call = p_call
$$;
create function pg_temp.running(p_owner text) returns int language sql as $$
  select count(*)::int from public.backfill_tasks t join public.tracked_repositories tr on tr.id = t.tracked_repository_id
  where t.job_id = '00000000-0000-4000-8000-0000000005b0' and t.status = 'running' and tr.owner = p_owner
$$;

select is((select sum(pg_temp.claim(i, 1))::int from generate_series(1, 5) i), 5,
  'five claims of one message each start five tasks');
select is((select array_agg(distinct owner) from claimed), array['bigco'],
  'the first five tasks claimed are bigco''s, in queue order');

select results_eq($$ select owner from engine.claim_backfill_tasks('backfill_recent', 1, 300) $$,
  $$ values ('smallco'::text) $$,
  'the sixth claim skips bigco''s two remaining messages and claims a smallco task instead');
select results_eq($$ select owner from engine.claim_backfill_tasks('backfill_recent', 5, 300) $$,
  $$ values ('smallco'::text) $$,
  'a claim for five more gets only the other smallco task');
select is(pg_temp.running('bigco'), 5, 'bigco has exactly five tasks running, the limit');

select results_eq(
  $$ select count(*)::int, bool_and(q.vt > now()), min(t.deliveries), max(t.deliveries)
     from public.backfill_tasks t
     join public.tracked_repositories tr on tr.id = t.tracked_repository_id
     join pgmq.q_backfill_recent q on q.msg_id = t.msg_id
     where t.job_id = '00000000-0000-4000-8000-0000000005b0' and t.status = 'pending' $$,
  $$ values (2, true, 0, 0) $$,
  'the two deferred bigco messages are still queued, invisible for now; a deferral is no delivery of their tasks');
select ok((select bool_and(q.vt <= clock_timestamp() + make_interval(secs => engine.owner_limit_defer_seconds()))
           from public.backfill_tasks t join pgmq.q_backfill_recent q on q.msg_id = t.msg_id
           where t.job_id = '00000000-0000-4000-8000-0000000005b0' and t.status = 'pending'),
  'a deferral is short: the message is back within owner_limit_defer_seconds');

-- Time passes: the deferred messages are visible again, but bigco still runs five.
select pgmq.set_vt('backfill_recent', t.msg_id, 0) from public.backfill_tasks t
where t.job_id = '00000000-0000-4000-8000-0000000005b0' and t.status = 'pending';
select is((select count(*)::int from engine.claim_backfill_tasks('backfill_recent', 10, 300)), 0,
  'while five bigco tasks run, a visible bigco message is deferred again and nothing is claimed');

-- One bigco task finishes: exactly one more may start.
select engine.close_backfill_task((select min(task_id) from claimed where owner = 'bigco'), 'completed', null);
select pgmq.set_vt('backfill_recent', t.msg_id, 0) from public.backfill_tasks t
where t.job_id = '00000000-0000-4000-8000-0000000005b0' and t.status = 'pending';
select results_eq($$ select owner from engine.claim_backfill_tasks('backfill_recent', 10, 300) $$,
  $$ values ('bigco'::text) $$,
  'after one bigco task completes, a claim for ten starts exactly one more bigco task');
select is(pg_temp.running('bigco'), 5, 'bigco is back at five running tasks, never more');

select * from finish();
rollback;
