-- The per-owner in-flight limit of a job (backfill_jobs.max_in_flight_per_owner; bulk add sets 5):
-- a task is not started while its job already runs that many tasks of repositories of the same
-- GitHub owner. claim_backfill_tasks keeps its signature and result columns (the worker reads
-- them); what changes is which messages it turns into running tasks.
--
-- A message over the limit is deferred, not deleted: its visibility timeout is set to
-- engine.owner_limit_defer_seconds() and the claim reads further messages to fill p_qty, so
-- other owners' (and other jobs') work is claimed instead. When the message becomes visible
-- again it is reconsidered like any other. Consequences:
-- * pgmq's read_ct counts every delivery, deferrals included, so it is not an attempt count
--   (attempts live in backfill_tasks.attempts; the engine never uses read_ct for decisions).
-- * A worker whose slots find only deferred work stops as "empty"; the deferred messages are
--   picked up by its other slots, another invocation or the next pg_cron tick (at most a minute).
--
-- Concurrency: two claimers must not both see "4 running" and start a 5th and 6th task. The
-- check-and-start runs under a transaction advisory lock per (job, owner). A claim waits for
-- that lock only while it holds no other such lock; for any further (job, owner) in the same
-- call it only tries, and defers the message when the lock is taken, so claimers never wait on
-- each other in a cycle. The lock is taken before the task row is locked.

create or replace function engine.owner_limit_defer_seconds() returns int
language sql immutable
set search_path = ''
as $$ select 10 $$;
comment on function engine.owner_limit_defer_seconds() is
  'Seconds a message stays invisible when its job already runs max_in_flight_per_owner tasks of the repository''s owner.';
revoke all on function engine.owner_limit_defer_seconds() from public;
grant execute on function engine.owner_limit_defer_seconds() to service_role;

create or replace function engine.claim_backfill_tasks(p_queue text, p_qty int, p_vt_seconds int)
returns table (
  msg_id bigint, read_ct int, task_id bigint, job_id uuid, workspace_id uuid, job_kind text,
  window_days int, max_prs_per_repo int, tracked_repository_id uuid, owner text, name text,
  repository_id bigint, progress jsonb
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  m record;
  v_task public.backfill_tasks;
  v_job public.backfill_jobs;
  v_task_id bigint;
  v_job_id uuid;
  v_limit int;
  v_owner text;
  v_running int;
  v_holds_owner_lock boolean := false;
  v_claimed int := 0;
  v_read int;
  v_scanned int := 0;
  -- Deferred messages are skipped, so a claim may read more than p_qty; this bounds one call.
  v_max_scan int := greatest(p_qty, 0) + 50;
begin
  while v_claimed < p_qty and v_scanned < v_max_scan loop
    v_read := 0;
    for m in select * from pgmq.read(p_queue, p_vt_seconds, least(p_qty - v_claimed, v_max_scan - v_scanned)) loop
      v_read := v_read + 1;
      v_scanned := v_scanned + 1;
      v_task_id := (m.message ->> 'task_id')::bigint;

      -- The owner limit, checked under the (job, owner) lock before the task row is locked.
      select t.job_id, j.max_in_flight_per_owner, lower(tr.owner)
      into v_job_id, v_limit, v_owner
      from public.backfill_tasks t
      join public.backfill_jobs j on j.id = t.job_id
      join public.tracked_repositories tr on tr.id = t.tracked_repository_id
      where t.id = v_task_id and t.status in ('pending', 'running');
      if v_limit is not null then
        if v_holds_owner_lock then
          if not pg_try_advisory_xact_lock(hashtext('engine.claim_backfill_tasks'), hashtext(v_job_id::text || '/' || v_owner)) then
            perform pgmq.set_vt(p_queue, m.msg_id, engine.owner_limit_defer_seconds());
            continue;
          end if;
        else
          perform pg_advisory_xact_lock(hashtext('engine.claim_backfill_tasks'), hashtext(v_job_id::text || '/' || v_owner));
          v_holds_owner_lock := true;
        end if;
        select count(*) into v_running
        from public.backfill_tasks t
        join public.tracked_repositories tr on tr.id = t.tracked_repository_id
        where t.job_id = v_job_id and t.status = 'running' and t.id <> v_task_id and lower(tr.owner) = v_owner;
        if v_running >= v_limit then
          perform pgmq.set_vt(p_queue, m.msg_id, engine.owner_limit_defer_seconds());
          continue;
        end if;
      end if;

      select * into v_task from public.backfill_tasks t where t.id = v_task_id for update;
      if v_task.id is null or v_task.status in ('completed', 'failed', 'cancelled') then
        perform pgmq.delete(p_queue, m.msg_id);
        continue;
      end if;
      select * into v_job from public.backfill_jobs j where j.id = v_task.job_id;
      update public.backfill_tasks t
      set status = 'running', msg_id = m.msg_id, queue_name = p_queue, heartbeat_at = now(),
          started_at = coalesce(t.started_at, now())
      where t.id = v_task.id;
      if v_job.status = 'pending' then
        update public.backfill_jobs j set status = 'running', started_at = coalesce(j.started_at, now())
        where j.id = v_job.id and j.status = 'pending';
      end if;
      v_claimed := v_claimed + 1;
      return query
        select m.msg_id, m.read_ct, v_task.id, v_job.id, v_job.workspace_id, v_job.kind, v_job.window_days,
          v_job.max_prs_per_repo, tr.id, tr.owner, tr.name, coalesce(v_task.repository_id, tr.repository_id),
          (select coalesce(jsonb_agg(jsonb_build_object('data_type', p.data_type, 'status', p.status,
              'cursor', p.cursor, 'window_start', p.window_start, 'items_done', p.items_done)
              order by array_position(engine.supported_data_types(), p.data_type)), '[]')
           from public.backfill_progress p
           where p.task_id = v_task.id and p.status in ('pending', 'running'))
        from public.tracked_repositories tr where tr.id = v_task.tracked_repository_id;
    end loop;
    exit when v_read = 0;
  end loop;
end;
$$;
comment on function engine.claim_backfill_tasks(text, int, int) is
  'Reads messages (pgmq.read with a visibility timeout) and marks their tasks running; returns what the worker needs to run them. '
  'A task whose job already runs max_in_flight_per_owner tasks of the same owner is deferred '
  '(message invisible for engine.owner_limit_defer_seconds(), read_ct + 1) and further messages are read instead.';
revoke all on function engine.claim_backfill_tasks(text, int, int) from public;
grant execute on function engine.claim_backfill_tasks(text, int, int) to service_role;
