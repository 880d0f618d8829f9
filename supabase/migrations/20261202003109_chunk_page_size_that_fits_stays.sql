-- A chunk page size that had to shrink stays once a chunk fits (no pass lost growing it back); a retry resets it
set check_function_bodies = off;

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
begin
  -- Chunk commits of one job are serialised on the job row, taken first: they all update its
  -- counters, and taking it last let two commits deadlock.
  perform 1 from public.backfill_jobs j where j.id = (select t.job_id from public.backfill_tasks t where t.id = p_task_id)
  for update;
  select * into v_progress from public.backfill_progress
  where task_id = p_task_id and data_type = p_data_type for update;
  select * into v_task from public.backfill_tasks where id = p_task_id for update;
  if v_task.id is null or v_task.status = 'cancelled' then
    return 'cancelled';
  end if;
  if v_task.status <> 'running' or v_task.msg_id is distinct from p_msg_id
     or (p_claim_id is not null and v_task.claim_id is distinct from p_claim_id) or v_progress.task_id is null
     or v_progress.status not in ('pending', 'running') or v_progress.cursor is distinct from p_expected_cursor then
    return 'stale';
  end if;

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

  perform engine.upsert_github_rows(p_rows);
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

  select coalesce(sum(items_done), 0), coalesce(sum(greatest(estimated_total, items_done)), 0)
  into v_done_items, v_total
  from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
  where t.job_id = v_task.job_id;
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

CREATE OR REPLACE FUNCTION private.retry_backfill(p_job_id uuid, p_tracked_repository_id uuid DEFAULT NULL::uuid)
 RETURNS backfill_jobs
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
  update public.backfill_progress set status = 'pending', attempts = 0, last_error = null, page_size = null, updated_at = now()
  where task_id = any (v_ids) and status = 'failed';
  -- Only this workspace's view of the repositories changes; others tracking them keep theirs.
  update public.workspace_tracked_repositories w set status = 'pending', last_error = null
  from public.backfill_tasks t
  where t.id = any (v_ids) and w.workspace_id = v_job.workspace_id and w.tracked_repository_id = t.tracked_repository_id
    and w.status in ('not_found', 'forbidden', 'private');
  perform engine.enqueue_backfill_tasks(v_ids, v_queue);
  update public.backfill_jobs
  set status = 'running', failed_tasks = failed_tasks - cardinality(v_ids), finished_at = null
  where id = p_job_id
  returning * into v_job;
  perform engine.kick_backfill_worker();
  return v_job;
end;
$function$
;

comment on column public.backfill_progress.page_size is 'Items per page for the next chunk when the last one could not be fetched within a pass (halved each time); null: the worker''s default. Kept for the rest of the data type once a chunk fits (the size that fits this repository in a pass); reset by a retry.';
