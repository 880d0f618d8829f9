-- Backfill engine, part 3: cancel and retry for owners/admins, the stuck-work sweeper, the
-- operator view of old jobs, and the pg_cron schedules (idempotent: unschedule, then schedule).

-- The service role (JWT) and direct database sessions of postgres (operators, SQL console) may
-- act on any job; everyone else needs the owner or admin role in the job's workspace.
create or replace function private.is_engine_operator() returns boolean
language sql
stable
set search_path = ''
as $$ select auth.role() = 'service_role' or (auth.role() is null and session_user in ('postgres', 'supabase_admin')) $$;
revoke all on function private.is_engine_operator() from public, anon;
grant execute on function private.is_engine_operator() to authenticated, service_role;

create or replace function private.cancel_backfill(p_job_id uuid) returns public.backfill_jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job public.backfill_jobs;
  v_task record;
begin
  select * into v_job from public.backfill_jobs where id = p_job_id for update;
  if v_job.id is null then
    raise exception 'backfill job % does not exist', p_job_id using errcode = 'P0002';
  end if;
  if not private.is_engine_operator() and not private.has_workspace_role(v_job.workspace_id, 'admin') then
    raise exception 'only owners and admins of the workspace can cancel backfill job %', p_job_id using errcode = '42501';
  end if;
  if v_job.status not in ('pending', 'running') then
    return v_job;
  end if;
  update public.backfill_jobs set status = 'cancelled', cancelled_at = now() where id = p_job_id;
  for v_task in select id from public.backfill_tasks where job_id = p_job_id and status in ('pending', 'running') order by id loop
    perform engine.close_backfill_task(v_task.id, 'cancelled', null);
  end loop;
  update public.backfill_jobs set finished_at = now() where id = p_job_id returning * into v_job;
  perform private.broadcast_workspace_event(v_job.workspace_id, 'backfill_finished',
    jsonb_build_object('job_id', v_job.id, 'status', 'cancelled', 'title', 'Backfill cancelled'));
  return v_job;
end;
$$;
revoke all on function private.cancel_backfill(uuid) from public, anon;
grant execute on function private.cancel_backfill(uuid) to authenticated, service_role;

create or replace function public.cancel_backfill(job_id uuid) returns public.backfill_jobs
language sql
security invoker
set search_path = ''
as $$ select private.cancel_backfill(job_id) $$;
comment on function public.cancel_backfill(uuid) is
  'Cancels a pending or running backfill job (owners and admins): queued tasks are dropped, running ones stop at their next chunk.';
revoke all on function public.cancel_backfill(uuid) from public, anon;
grant execute on function public.cancel_backfill(uuid) to authenticated, service_role;

create or replace function private.retry_backfill(p_job_id uuid, p_tracked_repository_id uuid default null)
returns public.backfill_jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job public.backfill_jobs;
  v_ids bigint[];
  v_queue text;
begin
  select * into v_job from public.backfill_jobs where id = p_job_id for update;
  if v_job.id is null then
    raise exception 'backfill job % does not exist', p_job_id using errcode = 'P0002';
  end if;
  if not private.is_engine_operator() and not private.has_workspace_role(v_job.workspace_id, 'admin') then
    raise exception 'only owners and admins of the workspace can retry backfill job %', p_job_id using errcode = '42501';
  end if;
  v_queue := engine.queue_for_job(v_job.kind, v_job.window_days);
  with retried as (
    update public.backfill_tasks t
    set status = 'pending', attempts = 0, last_error = null, finished_at = null, heartbeat_at = null
    where t.job_id = p_job_id and t.status = 'failed'
      and (p_tracked_repository_id is null or t.tracked_repository_id = p_tracked_repository_id)
    returning t.id
  )
  select array_agg(id order by id) into v_ids from retried;
  if v_ids is null then
    raise exception 'backfill job % has no failed task to retry%', p_job_id,
      case when p_tracked_repository_id is null then '' else ' for repository ' || p_tracked_repository_id end
      using errcode = 'P0002';
  end if;
  -- Resume from the stored cursors: only the data types that did not finish run again.
  update public.backfill_progress set status = 'pending', attempts = 0, last_error = null, updated_at = now()
  where task_id = any (v_ids) and status = 'failed';
  update public.tracked_repositories tr set status = 'pending', last_error = null
  from public.backfill_tasks t where t.id = any (v_ids) and tr.id = t.tracked_repository_id and tr.status in ('not_found', 'forbidden');
  perform engine.enqueue_backfill_tasks(v_ids, v_queue);
  update public.backfill_jobs
  set status = 'running', failed_tasks = failed_tasks - cardinality(v_ids), finished_at = null
  where id = p_job_id
  returning * into v_job;
  perform engine.kick_backfill_worker();
  return v_job;
end;
$$;
revoke all on function private.retry_backfill(uuid, uuid) from public, anon;
grant execute on function private.retry_backfill(uuid, uuid) to authenticated, service_role;

create or replace function public.retry_backfill(job_id uuid, tracked_repository_id uuid default null)
returns public.backfill_jobs
language sql
security invoker
set search_path = ''
as $$ select private.retry_backfill(job_id, tracked_repository_id) $$;
comment on function public.retry_backfill(uuid, uuid) is
  'Retries the failed repositories of a backfill job, or only the given one (owners and admins); each resumes from its stored cursor.';
revoke all on function public.retry_backfill(uuid, uuid) from public, anon;
grant execute on function public.retry_backfill(uuid, uuid) to authenticated, service_role;

-- A failed repository's tracked status says why, for the UI.
create or replace function private.tg_backfill_tasks__after_fail() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.last_error like 'repository % was not found or is not visible%' then
    update public.tracked_repositories set status = 'not_found', last_error = new.last_error where id = new.tracked_repository_id;
  elsif new.last_error like 'GitHub refused access to %' then
    update public.tracked_repositories set status = 'forbidden', last_error = new.last_error where id = new.tracked_repository_id;
  end if;
  return null;
end;
$$;
drop trigger if exists tg_backfill_tasks__after_fail on public.backfill_tasks;
create trigger tg_backfill_tasks__after_fail
after update of status on public.backfill_tasks
for each row when (new.status = 'failed' and old.status is distinct from 'failed')
execute function private.tg_backfill_tasks__after_fail();

-- Stuck work: a running task whose heartbeat is older than p_stale (its worker died) is made
-- visible again at once instead of waiting out the visibility timeout.
create or replace function engine.sweep_stuck_backfill_tasks(p_stale interval default interval '3 minutes')
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task record;
  v_count int := 0;
begin
  for v_task in
    select id, queue_name, msg_id from public.backfill_tasks
    where status = 'running' and heartbeat_at < now() - p_stale and msg_id is not null
    for update skip locked
  loop
    update public.backfill_tasks set status = 'pending', heartbeat_at = null where id = v_task.id;
    perform pgmq.set_vt(v_task.queue_name, v_task.msg_id, 0);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function engine.sweep_stuck_backfill_tasks(interval) is
  'Makes the messages of running tasks with a stale heartbeat visible again; returns how many.';
revoke all on function engine.sweep_stuck_backfill_tasks(interval) from public;
grant execute on function engine.sweep_stuck_backfill_tasks(interval) to service_role;

create or replace view engine.stale_backfill_jobs as
select j.id, j.workspace_id, j.kind, j.status, j.created_at, now() - j.created_at as age,
  j.total_tasks, j.completed_tasks, j.failed_tasks, j.items_done, j.points_used
from public.backfill_jobs j
where j.status in ('pending', 'running') and j.created_at < now() - interval '24 hours';
comment on view engine.stale_backfill_jobs is
  'Operator view: jobs still unfinished 24 hours after creation; look at their tasks'' last_error.';
grant select on engine.stale_backfill_jobs to service_role;

-- Kicks the worker only when a queue holds visible work, so idle minutes cost nothing.
create or replace function engine.kick_backfill_worker_if_work() returns bigint
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from pgmq.q_backfill_recent where vt <= now())
     or exists (select 1 from pgmq.q_backfill_bulk where vt <= now()) then
    return engine.kick_backfill_worker();
  end if;
  return null;
end;
$$;
revoke all on function engine.kick_backfill_worker_if_work() from public;
grant execute on function engine.kick_backfill_worker_if_work() to service_role;

select cron.unschedule(jobid) from cron.job where jobname in ('backfill-worker', 'backfill-sweeper');
select cron.schedule('backfill-worker', '* * * * *', 'select engine.kick_backfill_worker_if_work()');
select cron.schedule('backfill-sweeper', '* * * * *', 'select engine.sweep_stuck_backfill_tasks()');
