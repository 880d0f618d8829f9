-- Chunks of one repository take turns (advisory lock: concurrent first inserts collided on node_id), and a job without the issues type attaches conversation comments to its PRs only
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

  -- Chunks of one repository (from several jobs: workspaces sharing it, a sync after a backfill)
  -- write the same rows: they take turns on the repository, first of all locks. Without it two
  -- concurrent first inserts of one row collide on its node_id (a unique index that is not the
  -- ON CONFLICT arbiter) and one chunk fails with 23505.
  if v_repository_id is not null then
    perform pg_advisory_xact_lock(hashtextextended('engine.repository_rows:' || v_repository_id, 0));
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

CREATE OR REPLACE FUNCTION engine.resolve_comment_rows(p_rows jsonb)
 RETURNS TABLE(kind text, id bigint, node_id text, repository_id bigint, author jsonb, body text, created_at timestamp with time zone, updated_at timestamp with time zone, review_id bigint, path text, issue_id bigint, pull_request_id bigint)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select k.kind, x.id, x.node_id, x.repository_id, x.author, x.body, x.created_at, x.updated_at,
    x.review_id, x.path, i.id, pr.id
  from (values ('issue', 'issue_comments_by_number'), ('review', 'review_comments_by_number')) as k(kind, key)
  cross join lateral jsonb_to_recordset(coalesce(p_rows -> k.key, '[]')) as x(id bigint, node_id text,
    repository_id bigint, number int, author jsonb, body text, created_at timestamptz, updated_at timestamptz,
    review_id bigint, path text)
  left join public.pull_requests pr on pr.repository_id = x.repository_id and pr.number = x.number
  -- A job without the issues data type lists conversation comments for its PRs only
  -- (issue_comment_parents = 'pull_requests'): a comment on an issue another job stored is not its own.
  left join public.issues i on k.kind = 'issue' and pr.id is null
    and coalesce(p_rows ->> 'issue_comment_parents', 'any') <> 'pull_requests'
    and i.repository_id = x.repository_id and i.number = x.number
  where pr.id is not null or i.id is not null
$function$
;

comment on function engine.resolve_comment_rows(p_rows jsonb) is 'The REST list comments of a chunk whose parent (PR, or for conversation comments an issue unless issue_comment_parents is ''pull_requests'', by repository_id and number) is stored, with the parent''s id.';
