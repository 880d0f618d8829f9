-- A claim of several tasks never waits holding rows: once it holds a job row, job and task rows are locked skip locked (a locked one is made visible again and left to the next claim), and the workspaces' claim turns are written at the end in workspace order (batched claims deadlocked on job rows in the scale bench)
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
  -- The workspaces of the tasks claimed: their claim turns are written at the end.
  v_turns uuid[] := '{}';
  v_holds_rows boolean := false;
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
      -- The job row first, then the task: the order of cancel_backfill and chunk commits. Once
      -- this call holds a job row it never waits for another's: two calls claiming
      -- several tasks each lock job rows in their own candidate orders (deadlocks in the scale
      -- bench once a pass's slots shared one call); a locked one is left to the next claim.
      if not v_holds_rows then
        select * into v_job from public.backfill_jobs j where j.id = v_job_id for update;
        select * into v_task from public.backfill_tasks t where t.id = v_task_id for update;
        v_holds_rows := true;
      else
        select * into v_job from public.backfill_jobs j where j.id = v_job_id for update skip locked;
        v_task := null;
        if v_job.id is not null then
          select * into v_task from public.backfill_tasks t where t.id = v_task_id for update skip locked;
        end if;
        if v_job.id is null or v_task.id is null then
          perform pgmq.set_vt(p_queue, m.msg_id, 0);
          v_skip := v_skip || m.msg_id;
          continue;
        end if;
      end if;
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
      v_turns := v_turns || v_job.workspace_id;
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
  -- The workspaces' turns last, in workspace order: a call that claimed in several workspaces
  -- never waits for another call's turn row while it holds one (a cycle per-claim upserts closed).
  insert into engine.workspace_claim_turns as turn (workspace_id, claimed_at)
  select w, clock_timestamp() from (select distinct unnest(v_turns) as w) x order by w
  on conflict on constraint workspace_claim_turns_pkey do update set claimed_at = excluded.claimed_at;
end;
$function$
;
