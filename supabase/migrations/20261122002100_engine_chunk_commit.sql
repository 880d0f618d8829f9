-- Backfill engine, part 2: what the worker calls. Every function here is one transaction:
-- claim messages, commit one chunk (rows + cursor + progress + message), fail or release a task.
-- Lock order everywhere: job row → progress rows → task row, so concurrent chunk commits,
-- cancels and retries cannot deadlock.

-- Set-based upserts of one chunk's rows, parents before children so foreign keys hold.
create or replace function engine.upsert_github_rows(p_rows jsonb) returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count int := 0;
  v_n int;
begin
  if p_rows ? 'repository' and jsonb_typeof(p_rows -> 'repository') = 'object' then
    insert into public.repositories as r (id, node_id, owner, name, full_name, avatar_url, stargazer_count,
      fork_count, default_branch, is_private, github_created_at, metadata_fetched_at)
    select x.id, x.node_id, x.owner, x.name, x.full_name, x.avatar_url, x.stargazer_count, x.fork_count,
      x.default_branch, x.is_private, x.github_created_at, now()
    from jsonb_to_record(p_rows -> 'repository') as x(id bigint, node_id text, owner text, name text,
      full_name text, avatar_url text, stargazer_count int, fork_count int, default_branch text,
      is_private boolean, github_created_at timestamptz)
    on conflict (id) do update set node_id = excluded.node_id, owner = excluded.owner, name = excluded.name,
      full_name = excluded.full_name, avatar_url = excluded.avatar_url,
      stargazer_count = excluded.stargazer_count, fork_count = excluded.fork_count,
      default_branch = excluded.default_branch, is_private = excluded.is_private,
      github_created_at = excluded.github_created_at, metadata_fetched_at = excluded.metadata_fetched_at;
  end if;

  insert into public.contributors as c (id, node_id, login, avatar_url, type)
  select distinct on (x.id) x.id, x.node_id, x.login, x.avatar_url, x.type
  from jsonb_to_recordset(coalesce(p_rows -> 'contributors', '[]')) as x(id bigint, node_id text, login text,
    avatar_url text, type text)
  order by x.id
  on conflict (id) do update set node_id = excluded.node_id, login = excluded.login, avatar_url = excluded.avatar_url,
    type = excluded.type, updated_at = now()
  where (c.node_id, c.login, c.avatar_url, c.type) is distinct from (excluded.node_id, excluded.login, excluded.avatar_url, excluded.type);

  insert into public.pull_requests (id, node_id, repository_id, number, title, body, state, is_draft, author_id,
    labels, additions, deletions, changed_files, created_at, updated_at, closed_at, merged_at)
  select distinct on (x.id) x.id, x.node_id, x.repository_id, x.number, x.title, x.body, x.state, x.is_draft,
    x.author_id, coalesce(x.labels, '[]'), x.additions, x.deletions, x.changed_files, x.created_at, x.updated_at,
    x.closed_at, x.merged_at
  from jsonb_to_recordset(coalesce(p_rows -> 'pull_requests', '[]')) as x(id bigint, node_id text,
    repository_id bigint, number int, title text, body text, state text, is_draft boolean, author_id bigint,
    labels jsonb, additions int, deletions int, changed_files int, created_at timestamptz,
    updated_at timestamptz, closed_at timestamptz, merged_at timestamptz)
  order by x.id
  on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
    number = excluded.number, title = excluded.title, body = excluded.body, state = excluded.state,
    is_draft = excluded.is_draft, author_id = excluded.author_id, labels = excluded.labels,
    additions = excluded.additions, deletions = excluded.deletions, changed_files = excluded.changed_files,
    created_at = excluded.created_at, updated_at = excluded.updated_at, closed_at = excluded.closed_at,
    merged_at = excluded.merged_at;
  get diagnostics v_n = row_count;
  v_count := v_count + v_n;

  insert into public.issues (id, node_id, repository_id, number, title, body, state, author_id, labels,
    created_at, updated_at, closed_at)
  select distinct on (x.id) x.id, x.node_id, x.repository_id, x.number, x.title, x.body, x.state, x.author_id,
    coalesce(x.labels, '[]'), x.created_at, x.updated_at, x.closed_at
  from jsonb_to_recordset(coalesce(p_rows -> 'issues', '[]')) as x(id bigint, node_id text,
    repository_id bigint, number int, title text, body text, state text, author_id bigint, labels jsonb,
    created_at timestamptz, updated_at timestamptz, closed_at timestamptz)
  order by x.id
  on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
    number = excluded.number, title = excluded.title, body = excluded.body, state = excluded.state,
    author_id = excluded.author_id, labels = excluded.labels, created_at = excluded.created_at,
    updated_at = excluded.updated_at, closed_at = excluded.closed_at;
  get diagnostics v_n = row_count;
  v_count := v_count + v_n;

  insert into public.reviews (id, node_id, repository_id, pull_request_id, author_id, state, body, submitted_at)
  select distinct on (x.id) x.id, x.node_id, x.repository_id, x.pull_request_id, x.author_id, x.state, x.body,
    x.submitted_at
  from jsonb_to_recordset(coalesce(p_rows -> 'reviews', '[]')) as x(id bigint, node_id text,
    repository_id bigint, pull_request_id bigint, author_id bigint, state text, body text, submitted_at timestamptz)
  order by x.id
  on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
    pull_request_id = excluded.pull_request_id, author_id = excluded.author_id, state = excluded.state,
    body = excluded.body, submitted_at = excluded.submitted_at;

  insert into public.review_comments (id, node_id, repository_id, pull_request_id, review_id, author_id, path,
    body, created_at, updated_at)
  select distinct on (x.id) x.id, x.node_id, x.repository_id, x.pull_request_id, x.review_id, x.author_id,
    x.path, x.body, x.created_at, x.updated_at
  from jsonb_to_recordset(coalesce(p_rows -> 'review_comments', '[]')) as x(id bigint, node_id text,
    repository_id bigint, pull_request_id bigint, review_id bigint, author_id bigint, path text, body text,
    created_at timestamptz, updated_at timestamptz)
  order by x.id
  on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
    pull_request_id = excluded.pull_request_id, review_id = excluded.review_id, author_id = excluded.author_id,
    path = excluded.path, body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at;

  insert into public.issue_comments (id, node_id, repository_id, issue_id, pull_request_id, author_id, body,
    created_at, updated_at)
  select distinct on (x.id) x.id, x.node_id, x.repository_id, x.issue_id, x.pull_request_id, x.author_id, x.body,
    x.created_at, x.updated_at
  from jsonb_to_recordset(coalesce(p_rows -> 'issue_comments', '[]')) as x(id bigint, node_id text,
    repository_id bigint, issue_id bigint, pull_request_id bigint, author_id bigint, body text,
    created_at timestamptz, updated_at timestamptz)
  order by x.id
  on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
    issue_id = excluded.issue_id, pull_request_id = excluded.pull_request_id, author_id = excluded.author_id,
    body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at;

  return v_count;
end;
$$;
comment on function engine.upsert_github_rows(jsonb) is
  'Upserts one chunk of GitHub rows ({repository, contributors, pull_requests, issues, reviews, review_comments, issue_comments}) set-based on GitHub ids; returns the number of top-level items.';
revoke all on function engine.upsert_github_rows(jsonb) from public;
grant execute on function engine.upsert_github_rows(jsonb) to service_role;

-- A job whose tasks are all terminal gets its final status, a notification per recipient and a
-- broadcast. Called with the job's tasks already updated.
create or replace function engine.finish_backfill_job_if_done(p_job_id uuid) returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job public.backfill_jobs;
  v_status text;
  v_title text;
begin
  select * into v_job from public.backfill_jobs where id = p_job_id for update;
  if v_job.id is null or v_job.status in ('completed', 'completed_with_errors', 'failed', 'cancelled') then
    return v_job.status;
  end if;
  if exists (select 1 from public.backfill_tasks where job_id = p_job_id and status in ('pending', 'running')) then
    return v_job.status;
  end if;
  v_status := case
    when v_job.failed_tasks > 0 and v_job.failed_tasks >= v_job.total_tasks then 'failed'
    when v_job.failed_tasks > 0 then 'completed_with_errors'
    when v_job.cancelled_tasks > 0 then 'cancelled'
    else 'completed' end;
  update public.backfill_jobs set status = v_status, finished_at = now() where id = p_job_id;

  v_title := case v_status
    when 'completed' then format('Backfill of %s repositories completed', v_job.total_tasks)
    when 'completed_with_errors' then format('Backfill completed: %s of %s repositories failed; retry them from the job page',
      v_job.failed_tasks, v_job.total_tasks)
    when 'failed' then 'Backfill failed: every repository failed; see each repository''s error, fix it, then retry'
    else 'Backfill cancelled' end;
  insert into public.notifications (user_id, workspace_id, kind, title, payload)
  select u.user_id, v_job.workspace_id, 'backfill_finished', v_title,
    jsonb_build_object('job_id', v_job.id, 'status', v_status, 'total_tasks', v_job.total_tasks,
      'failed_tasks', v_job.failed_tasks, 'items_done', v_job.items_done, 'points_used', v_job.points_used)
  from (
    select v_job.created_by as user_id where v_job.created_by is not null
    union
    select m.user_id from public.workspace_members m where m.workspace_id = v_job.workspace_id and m.role = 'owner'
  ) u;
  perform private.broadcast_workspace_event(v_job.workspace_id, 'backfill_finished',
    jsonb_build_object('job_id', v_job.id, 'status', v_status, 'title', v_title));
  return v_status;
end;
$$;
comment on function engine.finish_backfill_job_if_done(uuid) is
  'Sets a job''s final status once no task is pending or running; notifies its creator and the workspace owners.';
revoke all on function engine.finish_backfill_job_if_done(uuid) from public;
grant execute on function engine.finish_backfill_job_if_done(uuid) to service_role;

-- Reads up to p_qty messages and turns them into runnable tasks. Messages of finished or
-- cancelled tasks are deleted here, so a redelivery never repeats finished work.
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
begin
  for m in select * from pgmq.read(p_queue, p_vt_seconds, p_qty) loop
    select * into v_task from public.backfill_tasks t where t.id = (m.message ->> 'task_id')::bigint for update;
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
end;
$$;
comment on function engine.claim_backfill_tasks(text, int, int) is
  'Reads messages (pgmq.read with a visibility timeout) and marks their tasks running; returns what the worker needs to run them.';
revoke all on function engine.claim_backfill_tasks(text, int, int) from public;
grant execute on function engine.claim_backfill_tasks(text, int, int) to service_role;

-- Marks a task terminal, deletes its message and updates the job's counters (task row locked).
create or replace function engine.close_backfill_task(p_task_id bigint, p_status text, p_error text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task public.backfill_tasks;
begin
  perform 1 from public.backfill_progress where task_id = p_task_id order by data_type for update;
  update public.backfill_tasks
  set status = p_status, last_error = coalesce(p_error, last_error), finished_at = now(), heartbeat_at = null
  where id = p_task_id and status in ('pending', 'running')
  returning * into v_task;
  if v_task.id is null then
    return;
  end if;
  update public.backfill_progress
  set status = case when p_status = 'completed' then 'completed' else p_status end,
      last_error = case when p_status = 'failed' then p_error else last_error end, updated_at = now()
  where task_id = p_task_id and status in ('pending', 'running');
  if v_task.msg_id is not null then
    perform pgmq.delete(v_task.queue_name, v_task.msg_id);
  end if;
  update public.backfill_jobs
  set completed_tasks = completed_tasks + (p_status = 'completed')::int,
      failed_tasks = failed_tasks + (p_status = 'failed')::int,
      cancelled_tasks = cancelled_tasks + (p_status = 'cancelled')::int
  where id = v_task.job_id;
  perform engine.finish_backfill_job_if_done(v_task.job_id);
end;
$$;
comment on function engine.close_backfill_task(bigint, text, text) is
  'Ends a task (completed, failed or cancelled): progress rows, message deleted, job counters, job end.';
revoke all on function engine.close_backfill_task(bigint, text, text) from public;
grant execute on function engine.close_backfill_task(bigint, text, text) to service_role;

-- One chunk, one transaction. Returns 'committed', 'task_completed', 'stale' (another worker
-- moved the cursor, or the message is no longer this task's) or 'cancelled'.
create or replace function engine.commit_backfill_chunk(
  p_task_id bigint,
  p_data_type text,
  p_msg_id bigint,
  p_expected_cursor text,
  p_next_cursor text,
  p_done boolean,
  p_rows jsonb,
  p_items int,
  p_estimated_total int,
  p_points int,
  p_vt_seconds int default 300
) returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_progress public.backfill_progress;
  v_task public.backfill_tasks;
  v_job public.backfill_jobs;
  v_done_items bigint;
  v_total bigint;
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
  if v_task.status <> 'running' or v_task.msg_id is distinct from p_msg_id or v_progress.task_id is null
     or v_progress.status not in ('pending', 'running') or v_progress.cursor is distinct from p_expected_cursor then
    return 'stale';
  end if;

  perform engine.upsert_github_rows(p_rows);
  if p_rows ? 'repository' and jsonb_typeof(p_rows -> 'repository') = 'object' then
    update public.tracked_repositories
    set repository_id = (p_rows -> 'repository' ->> 'id')::bigint, status = 'active', last_error = null
    where id = v_task.tracked_repository_id
      and (repository_id is distinct from (p_rows -> 'repository' ->> 'id')::bigint or status <> 'active');
    update public.backfill_tasks set repository_id = (p_rows -> 'repository' ->> 'id')::bigint
    where id = p_task_id and repository_id is null;
  end if;

  update public.backfill_progress
  set cursor = p_next_cursor,
      items_done = items_done + p_items,
      estimated_total = case when p_done then items_done + p_items else coalesce(p_estimated_total, estimated_total) end,
      status = case when p_done then 'completed' else 'running' end,
      heartbeat_at = now(), updated_at = now()
  where task_id = p_task_id and data_type = p_data_type;

  update public.backfill_tasks
  set points_used = points_used + p_points, heartbeat_at = now()
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
    perform engine.close_backfill_task(p_task_id, 'completed', null);
    return 'task_completed';
  end if;
  -- The chunk doubles as the task's heartbeat: the message stays invisible while work goes on.
  perform pgmq.set_vt(v_task.queue_name, p_msg_id, p_vt_seconds);
  return 'committed';
end;
$$;
comment on function engine.commit_backfill_chunk(bigint, text, bigint, text, text, boolean, jsonb, int, int, int, int) is
  'Commits one chunk atomically: upserts its rows, advances the cursor (only from p_expected_cursor), progress and job counters, broadcasts, and deletes the message when the task is done or extends its visibility otherwise.';
revoke all on function engine.commit_backfill_chunk(bigint, text, bigint, text, text, boolean, jsonb, int, int, int, int) from public;
grant execute on function engine.commit_backfill_chunk(bigint, text, bigint, text, text, boolean, jsonb, int, int, int, int) to service_role;

-- A failed attempt: retried later (the message reappears after p_retry_in_seconds) until
-- p_max_attempts, or failed for good at once when p_permanent.
create or replace function engine.fail_backfill_task(
  p_task_id bigint,
  p_msg_id bigint,
  p_data_type text,
  p_error text,
  p_permanent boolean,
  p_max_attempts int default 5,
  p_retry_in_seconds int default 30
) returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task public.backfill_tasks;
begin
  perform 1 from public.backfill_jobs j where j.id = (select t.job_id from public.backfill_tasks t where t.id = p_task_id)
  for update;
  if p_data_type is not null then
    update public.backfill_progress set attempts = attempts + 1, last_error = p_error, updated_at = now()
    where task_id = p_task_id and data_type = p_data_type;
  end if;
  update public.backfill_tasks set attempts = attempts + 1, last_error = p_error
  where id = p_task_id and status = 'running' and msg_id = p_msg_id
  returning * into v_task;
  if v_task.id is null then
    return 'stale';
  end if;
  if p_permanent or v_task.attempts >= p_max_attempts then
    perform engine.close_backfill_task(p_task_id, 'failed', p_error);
    return 'failed';
  end if;
  update public.backfill_tasks set status = 'pending', heartbeat_at = null where id = p_task_id;
  perform pgmq.set_vt(v_task.queue_name, p_msg_id, greatest(p_retry_in_seconds, 0));
  return 'retrying';
end;
$$;
comment on function engine.fail_backfill_task(bigint, bigint, text, text, boolean, int, int) is
  'Records a failed attempt: the task is retried after a delay, or failed with its error once permanent or out of attempts.';
revoke all on function engine.fail_backfill_task(bigint, bigint, text, text, boolean, int, int) from public;
grant execute on function engine.fail_backfill_task(bigint, bigint, text, text, boolean, int, int) to service_role;

-- Gives a running task back to the queue without counting an attempt: end of the worker's time
-- budget, rate budget exhausted, token paused.
create or replace function engine.release_backfill_task(p_task_id bigint, p_msg_id bigint, p_delay_seconds int, p_reason text default null)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task public.backfill_tasks;
begin
  update public.backfill_tasks
  set status = 'pending', heartbeat_at = null, last_error = coalesce(p_reason, last_error)
  where id = p_task_id and status = 'running' and msg_id = p_msg_id
  returning * into v_task;
  if v_task.id is null then
    return 'stale';
  end if;
  perform pgmq.set_vt(v_task.queue_name, p_msg_id, greatest(p_delay_seconds, 0));
  return 'released';
end;
$$;
comment on function engine.release_backfill_task(bigint, bigint, int, text) is
  'Returns a running task to its queue, visible again after p_delay_seconds; no attempt is counted.';
revoke all on function engine.release_backfill_task(bigint, bigint, int, text) from public;
grant execute on function engine.release_backfill_task(bigint, bigint, int, text) to service_role;
