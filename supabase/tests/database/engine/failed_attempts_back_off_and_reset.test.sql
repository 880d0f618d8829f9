-- Failed attempts back off exponentially (30 s, 2 min, 8 min, capped), a committed chunk resets
-- the count (an outage that passed is forgotten), the last attempt says how to retry, and a
-- completed task keeps no error.
begin;
select plan(7);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000008b0', 'backoff', 'Backoff', 'pro');
insert into public.tracked_repositories (id, owner, name)
values ('00000000-0000-4000-8000-0000000008b1', 'backoffco', 'wait');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000008b0', '00000000-0000-4000-8000-0000000008b1');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000008b2', '00000000-0000-4000-8000-0000000008b0', 'manual', 7,
        array['repository', 'pull_requests']);

create function pg_temp.claim_and_fail(p_max int, p_type text default 'repository') returns table (outcome text, delay int) language plpgsql as $$
declare c record;
begin
  update pgmq.q_backfill_recent set vt = now();
  select * into c from engine.claim_backfill_tasks('backfill_recent', 1, 300);
  outcome := engine.fail_backfill_task(c.task_id, c.msg_id, p_type, 'GitHub answered 502', false, p_max, 30, c.claim_id, 480);
  select round(extract(epoch from q.vt - now()))::int into delay from pgmq.q_backfill_recent q where q.msg_id = c.msg_id;
  return next;
end $$;

select results_eq($$ select delay from pg_temp.claim_and_fail(5) union all select delay from pg_temp.claim_and_fail(5)
                     union all select delay from pg_temp.claim_and_fail(5) union all select delay from pg_temp.claim_and_fail(5) $$,
  array[30, 120, 480, 480], 'the delay grows ×4 from 30 s up to the 8-minute cap');
select matches((select last_error from public.backfill_tasks where job_id = '00000000-0000-4000-8000-0000000008b2'),
  'attempt 4 of 5, retried automatically in 480 s$', 'a retried attempt says so, with its number and delay');

update pgmq.q_backfill_recent set vt = now();
create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
select is(engine.commit_backfill_chunk((select task_id from c), 'repository', (select msg_id from c), null, null, true,
  '{}'::jsonb, 0, 0, 1, 300, (select claim_id from c)), 'committed', 'a chunk commits');
select is((select attempts from public.backfill_tasks where id = (select task_id from c)), 0,
  'a committed chunk resets the task''s attempts');

select is((select outcome from pg_temp.claim_and_fail(1, 'pull_requests')), 'failed',
  'out of attempts on its last open data type, the task fails');
select matches((select last_error from public.backfill_tasks where id = (select task_id from c)),
  'failed after 1 attempts: fix the cause, then retry with select retry_backfill\(''00000000-0000-4000-8000-0000000008b2'', ''[0-9a-f-]+''\)$',
  'the final failure says it failed and how to retry');

select private.retry_backfill('00000000-0000-4000-8000-0000000008b2');
update pgmq.q_backfill_recent set vt = now();
create temp table c2 as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
select engine.commit_backfill_chunk((select task_id from c2), 'pull_requests', (select msg_id from c2), null, null, true,
  '{}'::jsonb, 0, 0, 1, 300, (select claim_id from c2));
select is((select last_error from public.backfill_tasks where id = (select task_id from c2)), null,
  'a completed task keeps no error of earlier attempts');

select * from finish();
rollback;
