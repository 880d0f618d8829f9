-- The chunk commit's sum over its job's progress and the claim's per-owner count are planned at each call (EXECUTE): a generic plan cached from a nearly empty table (nested loops over sequential scans) ran 18 minutes per commit once the scale bench had inserted 25,000 tasks
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION engine.claim_backfill_tasks(p_queue text, p_qty integer, p_vt_seconds integer)
 RETURNS TABLE(msg_id bigint, read_ct integer, task_id bigint, job_id uuid, workspace_id uuid, job_kind text, window_days integer, max_prs_per_repo integer, tracked_repository_id uuid, owner text, name text, repository_id bigint, progress jsonb, claim_id uuid, repository_is_private boolean, workspace_has_token boolean)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
  v_claim uuid;
  v_found int;
  v_scanned int := 0;
  v_locked boolean;
  -- Messages passed over in this call (another claimer holds them, or their task moved on): the
  -- next candidates query offers the workspace's next message instead of the same one again.
  v_skip bigint[] := '{}';
  -- Deferred and contended messages are skipped, so a claim may look at more than p_qty; this
  -- bounds one call.
  v_max_scan int := greatest(p_qty, 0) + 50;
begin
  while v_claimed < p_qty and v_scanned < v_max_scan loop
    v_found := 0;
    for m in select * from engine.fair_claim_candidates(p_queue, least(p_qty - v_claimed + 10, v_max_scan - v_scanned), v_skip) loop
      v_found := v_found + 1;
      v_scanned := v_scanned + 1;
      -- Another claimer may have taken it since the candidates were read.
      execute format('select true from pgmq.%I q where q.msg_id = $1 and q.vt <= clock_timestamp() for update skip locked',
                     'q_' || p_queue) into v_locked using m.msg_id;
      if v_locked is null then
        v_skip := v_skip || m.msg_id;
        continue;
      end if;
      perform pgmq.set_vt(p_queue, m.msg_id, p_vt_seconds);
      v_task_id := m.task_id;

      -- The owner limit, checked under the (job, owner) lock before the task row is locked.
      select t.job_id, j.max_in_flight_per_owner, lower(tr.owner)
      into v_job_id, v_limit, v_owner
      from public.backfill_tasks t
      join public.backfill_jobs j on j.id = t.job_id
      join public.tracked_repositories tr on tr.id = t.tracked_repository_id
      where t.id = v_task_id and t.status in ('pending', 'running');
      if v_limit is not null then
        -- Once this call holds an owner lock or a job row it never waits for another owner lock.
        if v_holds_owner_lock or v_claimed > 0 then
          if not pg_try_advisory_xact_lock(hashtext('engine.claim_backfill_tasks'), hashtext(v_job_id::text || '/' || v_owner)) then
            perform pgmq.set_vt(p_queue, m.msg_id, engine.owner_limit_defer_seconds());
            continue;
          end if;
        else
          perform pg_advisory_xact_lock(hashtext('engine.claim_backfill_tasks'), hashtext(v_job_id::text || '/' || v_owner));
          v_holds_owner_lock := true;
        end if;
        -- Planned at each call (EXECUTE): a join whose cached generic plan may come from a
        -- nearly empty table (see commit_backfill_chunk).
        execute 'select count(*) from public.backfill_tasks t
                 join public.tracked_repositories tr on tr.id = t.tracked_repository_id
                 where t.job_id = $1 and t.status = ''running'' and t.id <> $2 and lower(tr.owner) = $3'
        into v_running
        using v_job_id, v_task_id, v_owner;
        if v_running >= v_limit then
          perform pgmq.set_vt(p_queue, m.msg_id, engine.owner_limit_defer_seconds());
          continue;
        end if;
      end if;

      -- v_job_id is null when the task is gone or terminal (the lookup above found no row).
      if v_job_id is null then
        perform pgmq.delete(p_queue, m.msg_id);
        continue;
      end if;
      -- The job row first, then the task: the order of cancel_backfill and chunk commits.
      select * into v_job from public.backfill_jobs j where j.id = v_job_id for update;
      select * into v_task from public.backfill_tasks t where t.id = v_task_id for update;
      if v_task.id is null or v_task.status in ('completed', 'failed', 'cancelled') or v_task.msg_id is distinct from m.msg_id then
        if v_task.msg_id is distinct from m.msg_id then
          v_skip := v_skip || m.msg_id;
          continue;  -- the task moved on to another message (a retry re-sent it): leave this one
        end if;
        perform pgmq.delete(p_queue, m.msg_id);
        continue;
      end if;
      -- A new claim fences the previous one: its commit, fail, release and heartbeat go stale.
      v_claim := gen_random_uuid();
      update public.backfill_tasks t
      set status = 'running', msg_id = m.msg_id, queue_name = p_queue, heartbeat_at = now(),
          started_at = coalesce(t.started_at, now()), claim_id = v_claim, deliveries = t.deliveries + 1
      where t.id = v_task.id
      returning * into v_task;
      if v_job.status = 'pending' then
        update public.backfill_jobs j set status = 'running', started_at = coalesce(j.started_at, now())
        where j.id = v_job.id and j.status = 'pending';
      end if;
      insert into engine.workspace_claim_turns as turn (workspace_id, claimed_at)
      values (v_job.workspace_id, clock_timestamp())
      on conflict on constraint workspace_claim_turns_pkey do update set claimed_at = excluded.claimed_at;
      v_claimed := v_claimed + 1;
      return query
        select m.msg_id, v_task.deliveries, v_task.id, v_job.id, v_job.workspace_id, v_job.kind, v_job.window_days,
          v_job.max_prs_per_repo, tr.id, tr.owner, tr.name, coalesce(v_task.repository_id, tr.repository_id),
          (select coalesce(jsonb_agg(jsonb_build_object('data_type', p.data_type, 'status', p.status,
              'cursor', p.cursor, 'window_start', p.window_start, 'items_done', p.items_done, 'page_size', p.page_size)
              order by array_position(engine.supported_data_types(), p.data_type)), '[]')
           from public.backfill_progress p
           where p.task_id = v_task.id and p.status in ('pending', 'running')),
          v_claim,
          (select r.is_private from public.repositories r where r.id = coalesce(v_task.repository_id, tr.repository_id)),
          exists (select 1 from engine.github_tokens gt where gt.workspace_id = v_job.workspace_id and gt.enabled)
        from public.tracked_repositories tr where tr.id = v_task.tracked_repository_id;
      exit when v_claimed >= p_qty;
    end loop;
    exit when v_found = 0;
  end loop;
end;
$function$
;

CREATE OR REPLACE FUNCTION engine.commit_backfill_chunk(p_task_id bigint, p_data_type text, p_msg_id bigint, p_expected_cursor text, p_next_cursor text, p_done boolean, p_rows jsonb, p_items integer, p_estimated_total integer, p_points integer, p_vt_seconds integer DEFAULT 300, p_claim_id uuid DEFAULT NULL::uuid, p_token_id uuid DEFAULT NULL::uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_progress public.backfill_progress;
  v_task public.backfill_tasks;
  v_job public.backfill_jobs;
  v_done_items bigint;
  v_total bigint;
  v_repository_id bigint;
  v_private boolean;
  v_token_workspace uuid;
  v_state text;
begin
  -- The claim is checked twice: without locks before the rows are written, so the rows (the bulk
  -- of the work) are written while other chunks of the job commit too, and under the locks
  -- after. A chunk whose claim went stale or whose task was cancelled in between is undone
  -- whole (the rows are written in a subtransaction): a stale chunk stores nothing.
  v_state := engine.chunk_claim_state(p_task_id, p_data_type, p_msg_id, p_expected_cursor, p_claim_id);
  if v_state is not null then
    return v_state;
  end if;
  select * into v_task from public.backfill_tasks where id = p_task_id;

  -- Private content is stored only from the task's workspace's own token, never the platform's.
  v_repository_id := coalesce((p_rows -> 'repository' ->> 'id')::bigint, v_task.repository_id);
  v_private := coalesce((p_rows -> 'repository' ->> 'is_private')::boolean,
                        (select r.is_private from public.repositories r where r.id = v_repository_id), false);
  if v_private then
    select t.workspace_id into v_token_workspace from engine.github_tokens t where t.id = p_token_id;
    if v_token_workspace is distinct from v_task.workspace_id then
      return 'private';
    end if;
  end if;

  -- Chunks of one repository take turns on it, first of all locks (engine.take_repository_turn).
  if v_repository_id is not null then
    perform engine.take_repository_turn(v_repository_id);
  end if;
  begin
    perform engine.upsert_github_rows(p_rows);

    -- The counters: the job row first (the order of cancel_backfill and claims), then progress
    -- and task. Held only for these updates, so one job's chunk commits queue only for them.
    perform 1 from public.backfill_jobs j where j.id = v_task.job_id for update;
    select * into v_progress from public.backfill_progress
    where task_id = p_task_id and data_type = p_data_type for update;
    select * into v_task from public.backfill_tasks where id = p_task_id for update;
    v_state := engine.chunk_claim_state(p_task_id, p_data_type, p_msg_id, p_expected_cursor, p_claim_id);
    if v_state is not null then
      raise exception 'chunk of task % is %', p_task_id, v_state using errcode = 'EB001';
    end if;
  exception when sqlstate 'EB001' then
    return v_state;  -- the rows above are rolled back with the subtransaction
  end;
  if v_private then
    insert into public.repository_access_grants as g (workspace_id, repository_id, token_id)
    values (v_task.workspace_id, v_repository_id, p_token_id)
    on conflict (workspace_id, repository_id) do update set token_id = excluded.token_id, granted_at = now()
      where g.token_id is distinct from excluded.token_id;
  end if;
  if p_rows ? 'repository' and jsonb_typeof(p_rows -> 'repository') = 'object' then
    update public.tracked_repositories
    set repository_id = (p_rows -> 'repository' ->> 'id')::bigint, status = 'active', last_error = null
    where id = v_task.tracked_repository_id
      and (repository_id is distinct from (p_rows -> 'repository' ->> 'id')::bigint or status <> 'active');
    update public.backfill_tasks set repository_id = (p_rows -> 'repository' ->> 'id')::bigint
    where id = p_task_id and repository_id is null;
    update public.workspace_tracked_repositories w set status = 'active', last_error = null
    where w.workspace_id = v_task.workspace_id and w.tracked_repository_id = v_task.tracked_repository_id
      and w.status <> 'active';
  end if;

  update public.backfill_progress
  set cursor = p_next_cursor,
      items_done = items_done + p_items,
      estimated_total = case when p_done then items_done + p_items else coalesce(p_estimated_total, estimated_total) end,
      status = case when p_done then 'completed' else 'running' end,
      -- Progress was made: an error of an earlier attempt is over. A page size that had to shrink
      -- stays: it is what fits this repository in a pass (growing it back would lose a pass each
      -- time it no longer fits); a retry starts from the default again.
      attempts = 0, last_error = null, heartbeat_at = now(), updated_at = now()
  where task_id = p_task_id and data_type = p_data_type;

  update public.backfill_tasks
  set points_used = points_used + p_points, heartbeat_at = now(),
      -- Earlier failed attempts (an outage that passed) and deliveries no longer count; the task's
      -- error is what is still wrong: the data types that failed for good, if any.
      attempts = 0, deliveries = 0,
      last_error = (select string_agg(format('%s: %s', p.data_type, p.last_error), '; ' order by p.data_type)
                    from public.backfill_progress p where p.task_id = p_task_id and p.status = 'failed')
  where id = p_task_id;

  update public.backfill_jobs
  set items_done = items_done + p_items, points_used = points_used + p_points
  where id = v_task.job_id
  returning * into v_job;

  -- Planned at each commit (EXECUTE), not cached: a session's generic plan is built from the
  -- table sizes of its first commits, and one made while a fresh stack held a few tasks
  -- (nested loops over sequential scans) ran for 18 minutes per commit once a 1,000-job load
  -- had inserted 25,000 tasks (the scale bench; an analyze does not stop a running statement).
  execute 'select coalesce(sum(p.items_done), 0), coalesce(sum(greatest(p.estimated_total, p.items_done)), 0)
           from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
           where t.job_id = $1'
  into v_done_items, v_total
  using v_task.job_id;
  perform private.broadcast_workspace_event(v_task.workspace_id, 'backfill_progress', jsonb_build_object(
    'job_id', v_task.job_id, 'task_id', p_task_id, 'tracked_repository_id', v_task.tracked_repository_id,
    'data_type', p_data_type, 'items_done', v_progress.items_done + p_items,
    'estimated_total', case when p_done then v_progress.items_done + p_items else coalesce(p_estimated_total, v_progress.estimated_total) end,
    'done', p_done, 'job_items_done', v_done_items, 'job_items_estimated', v_total,
    'job_completed_tasks', v_job.completed_tasks, 'job_total_tasks', v_job.total_tasks));

  if not exists (select 1 from public.backfill_progress where task_id = p_task_id and status in ('pending', 'running')) then
    -- A data type that failed for good fails the task, with what the others fetched kept.
    if exists (select 1 from public.backfill_progress where task_id = p_task_id and status = 'failed') then
      perform engine.close_backfill_task(p_task_id, 'failed',
        (select t.last_error from public.backfill_tasks t where t.id = p_task_id));
      return 'task_failed';
    end if;
    perform engine.close_backfill_task(p_task_id, 'completed', null);
    return 'task_completed';
  end if;
  -- The chunk doubles as the task's heartbeat: the message stays invisible while work goes on.
  perform pgmq.set_vt(v_task.queue_name, p_msg_id, p_vt_seconds);
  return 'committed';
end;
$function$
;
