-- Backfill engine: what the worker calls. Every function here is one transaction: claim
-- messages, commit one chunk (rows + cursor + progress + message), fail, release or heartbeat a
-- task, and the sweeper of stuck tasks.
--
-- Lock order everywhere: job row -> progress rows -> task row, so concurrent chunk commits,
-- claims, cancels and retries cannot deadlock. Claims are fenced: every claim gets a fresh
-- backfill_tasks.claim_id, and commit, fail, release and heartbeat of an older claim are
-- 'stale' and change nothing. A committed chunk resets attempts; failed attempts back off.
-- The per-owner in-flight limit (backfill_jobs.max_in_flight_per_owner) defers a message instead
-- of starting its task: pgmq's read_ct counts deliveries, not attempts (backfill_tasks.attempts).
-- Deleting tasks (a tracked repository or workspace going away) counts the unfinished ones as
-- cancelled on their job and deletes their messages.

-- The end of a job, told to the people who care: a notification for its creator and the
-- workspace's owners, and the backfill_finished broadcast on the workspace topic.
create or replace function private.notify_backfill_finished(p_job public.backfill_jobs, p_status text, p_title text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.notifications (user_id, workspace_id, kind, title, payload)
  select u.user_id, p_job.workspace_id, 'backfill_finished', p_title,
    jsonb_build_object('job_id', p_job.id, 'status', p_status, 'total_tasks', p_job.total_tasks,
      'failed_tasks', p_job.failed_tasks, 'items_done', p_job.items_done, 'points_used', p_job.points_used)
  from (
    select p_job.created_by as user_id where p_job.created_by is not null
    union
    select m.user_id from public.workspace_members m where m.workspace_id = p_job.workspace_id and m.role = 'owner'
  ) u;
  perform private.broadcast_workspace_event(p_job.workspace_id, 'backfill_finished',
    jsonb_build_object('job_id', p_job.id, 'status', p_status, 'title', p_title));
end;
$$;
revoke all on function private.notify_backfill_finished(public.backfill_jobs, text, text) from public, anon, authenticated;
grant execute on function private.notify_backfill_finished(public.backfill_jobs, text, text) to service_role;
comment on function private.notify_backfill_finished(public.backfill_jobs, text, text) is
  'Notifies a finished job''s creator and the workspace owners (notifications.kind backfill_finished) and broadcasts '
  'backfill_finished on the workspace topic.';

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
  -- Failed only when nothing came of it: every repository failed without a completed data type
  -- (its metadata aside); a repository whose other types completed counts as done with errors.
  v_status := case
    when v_job.failed_tasks > 0 and v_job.failed_tasks >= v_job.total_tasks and not exists (
      select 1 from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
      where t.job_id = p_job_id and p.status = 'completed' and p.data_type <> 'repository') then 'failed'
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
  perform private.notify_backfill_finished(v_job, v_status, v_title);
  return v_status;
end;
$$;
revoke all on function engine.finish_backfill_job_if_done(uuid) from public;
grant execute on function engine.finish_backfill_job_if_done(uuid) to service_role;
comment on function engine.finish_backfill_job_if_done(uuid) is
  'Sets a job''s final status once no task is pending or running; notifies its creator and the workspace '
  'owners (notifications.kind backfill_finished) and broadcasts backfill_finished on the workspace topic.';

-- A failed repository's status in the task's workspace says why, for the UI. Other workspaces
-- tracking the same repository keep their own status.
create or replace function private.tg_backfill_tasks__after_fail() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_status text := case
    when new.last_error like 'repository % was not found or is not visible%' then 'not_found'
    when new.last_error like 'GitHub refused access to %' then 'forbidden'
    when new.last_error like '% is private: connect %' then 'private'
  end;
begin
  if v_status is not null then
    update public.workspace_tracked_repositories w set status = v_status, last_error = new.last_error
    where w.workspace_id = new.workspace_id and w.tracked_repository_id = new.tracked_repository_id;
  end if;
  return null;
end;
$$;

create or replace function engine.owner_limit_defer_seconds() returns int
language sql immutable
set search_path = ''
as $$ select 10 $$;
revoke all on function engine.owner_limit_defer_seconds() from public;
grant execute on function engine.owner_limit_defer_seconds() to service_role;
comment on function engine.owner_limit_defer_seconds() is
  'Seconds a message stays invisible when its job already runs max_in_flight_per_owner tasks of the repository''s owner.';

-- When each workspace was last given a task: among workspaces running as many tasks (for their
-- weight), the one served longest ago goes first. Without it ties went to the oldest message, so
-- with more waiting workspaces than slots the workspace of the oldest job took every slot it
-- freed again (1,000 workspaces: 40 served, the others none).
create table engine.workspace_claim_turns (
  workspace_id uuid primary key references public.workspaces (id) on delete cascade,
  claimed_at timestamptz not null
);
alter table engine.workspace_claim_turns enable row level security;
revoke all on engine.workspace_claim_turns from public, anon, authenticated;
grant select, insert, update, delete on engine.workspace_claim_turns to service_role;
comment on table engine.workspace_claim_turns is
  'When engine.claim_backfill_tasks last gave each workspace a task: the tie-break of fair claiming (least recently served first).';

-- The next messages of a queue in fair order: every workspace with a visible message offers its
-- oldest one, and the workspace running the fewest tasks for its weight goes first (the weight
-- grows with the tier's priority points, tier_plans: free 1, enterprise 3), then the one served
-- longest ago (engine.workspace_claim_turns). So N waiting workspaces each get about 1/N of the
-- slots (more for paid tiers) whatever the size of their jobs, also when N exceeds the slots,
-- and within a workspace the oldest work goes first. Nothing is locked here.
create or replace function engine.fair_claim_candidates(p_queue text, p_limit int, p_skip bigint[] default '{}')
returns table (msg_id bigint, task_id bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_queue not in ('backfill_recent', 'backfill_bulk') then
    raise exception 'unknown backfill queue "%": use backfill_recent or backfill_bulk', p_queue using errcode = '22023';
  end if;
  return query execute format($q$
    select c.msg_id, c.task_id
    from (
      select t.workspace_id, count(*) filter (where t.status = 'running') as running
      from public.backfill_tasks t
      where t.queue_name = $1 and t.status in ('pending', 'running') and t.msg_id is not null
      group by t.workspace_id
    ) w
    join public.workspaces ws on ws.id = w.workspace_id
    join public.tier_plans tp on tp.tier = ws.tier
    left join engine.workspace_claim_turns turn on turn.workspace_id = w.workspace_id
    cross join lateral (
      select q.msg_id, t2.id as task_id
      from public.backfill_tasks t2
      join pgmq.%I q on q.msg_id = t2.msg_id
      where t2.workspace_id = w.workspace_id and t2.queue_name = $1
        and t2.status in ('pending', 'running') and q.vt <= clock_timestamp()
        and q.msg_id <> all ($3)
      order by q.msg_id
      limit 1
    ) c
    order by w.running / (1 + tp.priority_points / 15.0), turn.claimed_at nulls first, c.msg_id
    limit $2 $q$, 'q_' || p_queue) using p_queue, greatest(p_limit, 1), coalesce(p_skip, '{}');
end;
$$;
revoke all on function engine.fair_claim_candidates(text, int, bigint[]) from public;
grant execute on function engine.fair_claim_candidates(text, int, bigint[]) to service_role;
comment on function engine.fair_claim_candidates(text, int, bigint[]) is
  'Visible messages of a queue, one per waiting workspace (its oldest not in p_skip), the workspace with the fewest running tasks '
  'for its tier weight first, then the one served longest ago: the order claim_backfill_tasks delivers in. '
  'p_skip: messages the caller already passed over (held by another claimer), so a contended workspace offers its next one.';

-- Delivers up to p_qty messages, fairly across workspaces, and turns them into runnable tasks.
-- A message is taken with a row lock that skips what another claimer holds (as pgmq.read does)
-- and its visibility timeout set with pgmq.set_vt; backfill_tasks.deliveries counts the claims
-- since the task last committed a chunk. Messages of finished or cancelled tasks are deleted here,
-- so a redelivery never repeats finished work.
create or replace function engine.claim_backfill_tasks(p_queue text, p_qty int, p_vt_seconds int)
returns table (
  msg_id bigint, read_ct int, task_id bigint, job_id uuid, workspace_id uuid, job_kind text,
  window_days int, max_prs_per_repo int, tracked_repository_id uuid, owner text, name text,
  repository_id bigint, progress jsonb, claim_id uuid, repository_is_private boolean, workspace_has_token boolean
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
$$;
revoke all on function engine.claim_backfill_tasks(text, int, int) from public;
grant execute on function engine.claim_backfill_tasks(text, int, int) to service_role;
comment on function engine.claim_backfill_tasks(text, int, int) is
  'Delivers up to p_qty visible messages in fair order across workspaces (engine.fair_claim_candidates), each with a '
  'visibility timeout of p_vt_seconds, and marks their tasks running; returns what the worker needs to run them '
  '(read_ct = the task''s deliveries since its last committed chunk; repository_is_private: null until its metadata '
  'was fetched; workspace_has_token: the job''s workspace connected a token for private repositories). A task whose job already runs '
  'max_in_flight_per_owner tasks of the same owner is deferred (message invisible for '
  'engine.owner_limit_defer_seconds()) and further messages are read instead. claim_id identifies this claim: '
  'commit, fail, release and heartbeat of an older claim are stale.';

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
  set status = p_status, finished_at = now(), heartbeat_at = null, claim_id = null,
      -- A completed task keeps no error of the attempts before.
      last_error = case when p_status = 'completed' then null else coalesce(p_error, last_error) end
  where id = p_task_id and status in ('pending', 'running')
  returning * into v_task;
  if v_task.id is null then
    return;
  end if;
  update public.backfill_progress
  set status = case when p_status = 'completed' then 'completed' else p_status end,
      last_error = case when p_status = 'failed' then p_error when p_status = 'completed' then null else last_error end,
      updated_at = now()
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
revoke all on function engine.close_backfill_task(bigint, text, text) from public;
grant execute on function engine.close_backfill_task(bigint, text, text) to service_role;
comment on function engine.close_backfill_task(bigint, text, text) is
  'Ends a task (completed, failed or cancelled): progress rows, message deleted, job counters, job end.';

-- One chunk, one transaction. Returns 'committed', 'task_completed', 'stale' (another worker
-- moved the cursor, or the message is no longer this task's), 'cancelled', or 'private': the
-- repository is private and the chunk was not fetched with a token of the task's workspace, so
-- nothing of it is stored (the worker then uses the workspace's own token, or fails the task
-- saying how to connect one). A private chunk fetched with the workspace's token records the
-- workspace's grant to read it.
-- Whether a chunk may still be committed under its claim: null if so, else 'cancelled' (the task
-- is gone or cancelled) or 'stale' (another claim took it, its message or cursor moved on, or the
-- data type is no longer open). Reads what the caller locked, or the latest committed rows.
create or replace function engine.chunk_claim_state(p_task_id bigint, p_data_type text, p_msg_id bigint,
  p_expected_cursor text, p_claim_id uuid) returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task public.backfill_tasks;
  v_progress public.backfill_progress;
begin
  select * into v_task from public.backfill_tasks where id = p_task_id;
  if v_task.id is null or v_task.status = 'cancelled' then
    return 'cancelled';
  end if;
  select * into v_progress from public.backfill_progress where task_id = p_task_id and data_type = p_data_type;
  if v_task.status <> 'running' or v_task.msg_id is distinct from p_msg_id
     or (p_claim_id is not null and v_task.claim_id is distinct from p_claim_id) or v_progress.task_id is null
     or v_progress.status not in ('pending', 'running') or v_progress.cursor is distinct from p_expected_cursor then
    return 'stale';
  end if;
  return null;
end;
$$;
revoke all on function engine.chunk_claim_state(bigint, text, bigint, text, uuid) from public;
grant execute on function engine.chunk_claim_state(bigint, text, bigint, text, uuid) to service_role;
comment on function engine.chunk_claim_state(bigint, text, bigint, text, uuid) is
  'Null when a chunk fetched under p_claim_id from p_expected_cursor may be committed; else ''cancelled'' or ''stale''.';

-- Chunks of one repository (from several jobs: workspaces sharing it, a sync after a backfill)
-- write the same rows: they take turns on the repository, first of all locks. Without it two
-- concurrent first inserts of one row collide on its node_id (a unique index that is not the
-- ON CONFLICT arbiter) and one chunk fails with 23505.
create or replace function engine.take_repository_turn(p_repository_id bigint) returns void
language sql
security definer
set search_path = ''
as $$
  select pg_advisory_xact_lock(hashtextextended('engine.repository_rows:' || p_repository_id, 0))
$$;
revoke all on function engine.take_repository_turn(bigint) from public;
grant execute on function engine.take_repository_turn(bigint) to service_role;
comment on function engine.take_repository_turn(bigint) is
  'Waits for the repository''s turn (a transaction advisory lock): what writes a repository''s content rows takes it '
  'before any other lock, so two writers of one row never both pass ON CONFLICT''s check and collide on node_id.';

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
  p_vt_seconds int default 300,
  p_claim_id uuid default null,
  p_token_id uuid default null
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
$$;
revoke all on function engine.commit_backfill_chunk(bigint, text, bigint, text, text, boolean, jsonb, int, int, int, int, uuid, uuid) from public;
grant execute on function engine.commit_backfill_chunk(bigint, text, bigint, text, text, boolean, jsonb, int, int, int, int, uuid, uuid) to service_role;
comment on function engine.commit_backfill_chunk(bigint, text, bigint, text, text, boolean, jsonb, int, int, int, int, uuid, uuid) is
  'Commits one chunk atomically: upserts its rows, advances the cursor (only from p_expected_cursor), progress and job counters, '
  'broadcasts, and deletes the message when the task is done or extends its visibility otherwise. Stale (nothing changed) '
  'when p_claim_id is not the task''s current claim. p_token_id is the token that fetched it: a private repository''s chunk '
  'is stored only when that is a token of the task''s workspace (else ''private'', nothing stored), and records the '
  'workspace''s grant (repository_access_grants).';

-- A failed attempt: retried later with exponential backoff (p_retry_in_seconds × 4^(attempt-1),
-- at most p_max_retry_in_seconds: 30 s, 2 min, 8 min, 8 min …) until p_max_attempts, or failed
-- for good at once when p_permanent. Only the current claim counts: a stale caller changes nothing,
-- not even the progress row's attempts. Data types are independent: a data type that fails for good
-- ends alone ('data_type_failed': the task goes on with its other types under the same claim); the
-- task fails once nothing else is left, having kept what the other types fetched.
create or replace function engine.fail_backfill_task(
  p_task_id bigint,
  p_msg_id bigint,
  p_data_type text,
  p_error text,
  p_permanent boolean,
  p_max_attempts int default 5,
  p_retry_in_seconds int default 30,
  p_claim_id uuid default null,
  p_max_retry_in_seconds int default 480
) returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task public.backfill_tasks;
  v_delay int;
  v_error text;
begin
  perform 1 from public.backfill_jobs j where j.id = (select t.job_id from public.backfill_tasks t where t.id = p_task_id)
  for update;
  perform 1 from public.backfill_progress where task_id = p_task_id order by data_type for update;
  update public.backfill_tasks set attempts = attempts + 1, last_error = p_error
  where id = p_task_id and status = 'running' and msg_id = p_msg_id
    and (p_claim_id is null or claim_id = p_claim_id)
  returning * into v_task;
  if v_task.id is null then
    return 'stale';
  end if;
  if p_permanent or v_task.attempts >= p_max_attempts then
    v_error := case when p_permanent then p_error else format(
      '%s; failed after %s attempts: fix the cause, then retry with select retry_backfill(%L, %L)',
      p_error, v_task.attempts, v_task.job_id, v_task.tracked_repository_id) end;
  else
    v_delay := least(greatest(p_retry_in_seconds, 0)::numeric * power(4, v_task.attempts - 1),
                     greatest(p_max_retry_in_seconds, p_retry_in_seconds, 0))::int;
    v_error := format('%s; attempt %s of %s, retried automatically in %s s', p_error, v_task.attempts, p_max_attempts, v_delay);
  end if;
  update public.backfill_tasks set last_error = v_error where id = p_task_id;
  if p_data_type is not null then
    update public.backfill_progress set attempts = attempts + 1, last_error = v_error, updated_at = now()
    where task_id = p_task_id and data_type = p_data_type;
  end if;
  if v_delay is null then
    if p_data_type is not null then
      update public.backfill_progress set status = 'failed', updated_at = now()
      where task_id = p_task_id and data_type = p_data_type and status in ('pending', 'running');
      if exists (select 1 from public.backfill_progress where task_id = p_task_id and status in ('pending', 'running')) then
        -- The next data type starts with its own attempts and deliveries.
        update public.backfill_tasks set attempts = 0, deliveries = 0 where id = p_task_id;
        return 'data_type_failed';
      end if;
    end if;
    perform engine.close_backfill_task(p_task_id, 'failed', v_error);
    return 'failed';
  end if;
  update public.backfill_tasks set status = 'pending', heartbeat_at = null, claim_id = null where id = p_task_id;
  perform pgmq.set_vt(v_task.queue_name, p_msg_id, v_delay);
  return 'retrying';
end;
$$;
revoke all on function engine.fail_backfill_task(bigint, bigint, text, text, boolean, int, int, uuid, int) from public;
grant execute on function engine.fail_backfill_task(bigint, bigint, text, text, boolean, int, int, uuid, int) to service_role;
comment on function engine.fail_backfill_task(bigint, bigint, text, text, boolean, int, int, uuid, int) is
  'Records a failed attempt of the current claim: retried after an exponential backoff, or failed with its error '
  '(and how to retry it) once permanent or out of attempts: the data type alone (''data_type_failed'', the task goes '
  'on with its other data types) or, when nothing else is left, the task (''failed''); stale when p_claim_id is not the task''s claim.';

-- Gives a running task back to the queue without counting an attempt: end of the worker's time
-- budget, rate budget exhausted, token paused.
-- A release for a GitHub budget wait gives the claim back uncounted (p_counts_delivery false): the
-- worker sent nothing and failed at nothing, so a rate-bound task waiting through many windows
-- must not run into max deliveries (it did: the issues of three rate-bound repositories failed
-- after nine budget waits).
create or replace function engine.release_backfill_task(p_task_id bigint, p_msg_id bigint, p_delay_seconds int,
  p_reason text default null, p_claim_id uuid default null, p_counts_delivery boolean default true)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task public.backfill_tasks;
begin
  update public.backfill_tasks
  set status = 'pending', heartbeat_at = null, claim_id = null, last_error = coalesce(p_reason, last_error),
      deliveries = case when p_counts_delivery then deliveries else greatest(deliveries - 1, 0) end
  where id = p_task_id and status = 'running' and msg_id = p_msg_id
    and (p_claim_id is null or claim_id = p_claim_id)
  returning * into v_task;
  if v_task.id is null then
    return 'stale';
  end if;
  perform pgmq.set_vt(v_task.queue_name, p_msg_id, greatest(p_delay_seconds, 0));
  return 'released';
end;
$$;
revoke all on function engine.release_backfill_task(bigint, bigint, int, text, uuid, boolean) from public;
grant execute on function engine.release_backfill_task(bigint, bigint, int, text, uuid, boolean) to service_role;
comment on function engine.release_backfill_task(bigint, bigint, int, text, uuid, boolean) is
  'Returns a running task to its queue, visible again after p_delay_seconds; no attempt is counted, and with '
  'p_counts_delivery false (a GitHub budget wait) not the delivery either. Stale when p_claim_id is not the task''s claim.';

-- A chunk that could not be fetched within the pass (released at the deadline with nothing
-- committed) is tried next time with half the items per page, down to p_min_page_size: every
-- delivery either commits or gets a smaller chunk, and deliveries that never commit are counted
-- (backfill_tasks.deliveries) until the worker fails the data type.
create or replace function engine.shrink_backfill_page(p_task_id bigint, p_claim_id uuid, p_data_type text,
  p_default_page_size int, p_min_page_size int)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_size int;
begin
  update public.backfill_progress p
  set page_size = greatest(p_min_page_size, coalesce(p.page_size, p_default_page_size) / 2), updated_at = now()
  from public.backfill_tasks t
  where p.task_id = p_task_id and p.data_type = p_data_type and t.id = p.task_id and t.claim_id = p_claim_id
  returning p.page_size into v_size;
  return v_size;
end;
$$;
revoke all on function engine.shrink_backfill_page(bigint, uuid, text, int, int) from public;
grant execute on function engine.shrink_backfill_page(bigint, uuid, text, int, int) to service_role;
comment on function engine.shrink_backfill_page(bigint, uuid, text, int, int) is
  'Halves the page size of a data type whose chunk did not fit in a pass (not below p_min_page_size); returns it, or '
  'null when p_claim_id is no longer the task''s claim.';

-- A chunk in progress (follow-up pages, retries) keeps its claim: heartbeat and visibility
-- extended before each further request, so neither the sweeper nor the visibility timeout hands
-- the task to another worker while this one still works on it.
create or replace function engine.heartbeat_backfill_task(p_task_id bigint, p_claim_id uuid, p_vt_seconds int default 300)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task public.backfill_tasks;
begin
  update public.backfill_tasks set heartbeat_at = now()
  where id = p_task_id and status = 'running' and claim_id = p_claim_id
  returning * into v_task;
  if v_task.id is null then
    return case when exists (select 1 from public.backfill_tasks where id = p_task_id and status = 'cancelled')
      then 'cancelled' else 'stale' end;
  end if;
  perform pgmq.set_vt(v_task.queue_name, v_task.msg_id, greatest(p_vt_seconds, 1));
  return 'ok';
end;
$$;
revoke all on function engine.heartbeat_backfill_task(bigint, uuid, int) from public;
grant execute on function engine.heartbeat_backfill_task(bigint, uuid, int) to service_role;
comment on function engine.heartbeat_backfill_task(bigint, uuid, int) is
  'Keeps a claimed task''s heartbeat fresh and its message invisible for p_vt_seconds; ''stale'' or ''cancelled'' tell the worker to stop.';

-- Stuck work: a running task whose heartbeat is older than p_stale (its worker died) is made
-- visible again at once and its claim is revoked. p_stale is above the worker's visibility
-- timeout (60 s) and its request timeout (30 s): a live worker heartbeats before every request
-- and at every commit, so only a dead one is swept. With the minute's cron tick, a killed
-- worker's tasks run again within 2 minutes.
create or replace function engine.sweep_stuck_backfill_tasks(p_stale interval default interval '90 seconds')
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
    update public.backfill_tasks set status = 'pending', heartbeat_at = null, claim_id = null where id = v_task.id;
    perform pgmq.set_vt(v_task.queue_name, v_task.msg_id, 0);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
revoke all on function engine.sweep_stuck_backfill_tasks(interval) from public;
grant execute on function engine.sweep_stuck_backfill_tasks(interval) to service_role;
comment on function engine.sweep_stuck_backfill_tasks(interval) is
  'Makes the messages of running tasks with a stale heartbeat (default 90 s, above the worker''s visibility timeout of '
  '60 s) visible again and revokes their claims; returns how many.';

create or replace function private.tg_backfill_tasks__after_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job record;
  v_queue record;
begin
  for v_queue in
    select d.queue_name, array_agg(d.msg_id) as msg_ids
    from deleted_tasks d
    where d.msg_id is not null and d.queue_name is not null and d.status in ('pending', 'running')
    group by d.queue_name
  loop
    perform pgmq.delete(v_queue.queue_name, v_queue.msg_ids);
  end loop;

  for v_job in
    select d.job_id, count(*)::int as unfinished
    from deleted_tasks d
    join public.backfill_jobs j on j.id = d.job_id
    join public.workspaces w on w.id = j.workspace_id
    where d.status in ('pending', 'running')
    group by d.job_id
    order by d.job_id -- one locking order for concurrent deletes
  loop
    update public.backfill_jobs
    set cancelled_tasks = cancelled_tasks + v_job.unfinished
    where id = v_job.job_id;
    perform engine.finish_backfill_job_if_done(v_job.job_id);
  end loop;
  return null;
end;
$$;
revoke all on function private.tg_backfill_tasks__after_delete() from public, anon, authenticated;
comment on function private.tg_backfill_tasks__after_delete() is
  'After tasks are deleted (e.g. their tracked repository was): counts the unfinished ones as cancelled on their job, '
  'finishes the job when no task is left pending or running, and deletes their pgmq messages.';

create trigger tg_backfill_tasks__after_delete
  after delete on public.backfill_tasks
  referencing old table as deleted_tasks
  for each statement
  execute function private.tg_backfill_tasks__after_delete();

create trigger tg_backfill_tasks__after_fail
after update of status on public.backfill_tasks
for each row when (new.status = 'failed' and old.status is distinct from 'failed')
execute function private.tg_backfill_tasks__after_fail();

-- Tasks whose heartbeat stopped (a killed worker) become claimable again.
select cron.schedule('backfill-sweeper', '* * * * *', 'select engine.sweep_stuck_backfill_tasks()');
