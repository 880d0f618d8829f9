-- Chunk commits no longer deadlock through contributors: the upsert leaves node_id (a unique key) out of its SET list (FOR NO KEY UPDATE never blocks foreign-key checks), skips authors stored as is, and REST comment authors already known are not inserted (ON CONFLICT waited for a chunk updating them); a changed node_id is written by its own statement. The repository turn is one function, engine.take_repository_turn
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION engine.take_repository_turn(p_repository_id bigint)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select pg_advisory_xact_lock(hashtextextended('engine.repository_rows:' || p_repository_id, 0))
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

CREATE OR REPLACE FUNCTION engine.upsert_comment_rows(p_rows jsonb)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_count int := 0;
begin
  if not (p_rows ? 'issue_comments_by_number' or p_rows ? 'review_comments_by_number') then
    return 0;
  end if;

  -- One statement: the comments are resolved to their parents once, and the foreign keys
  -- (authors, reviews) are checked at its end, when the authors inserted here are there.
  with c as materialized (select * from engine.resolve_comment_rows(p_rows)),
  -- Authors are only added: GraphQL is the source of truth for a known contributor (REST spells
  -- bots' logins and avatar URLs differently, and a rewrite would flip them back and forth).
  authors as (
    insert into public.contributors (id, node_id, login, avatar_url, type)
    select distinct on ((c.author ->> 'id')::bigint) (c.author ->> 'id')::bigint, c.author ->> 'node_id',
      c.author ->> 'login', c.author ->> 'avatar_url', c.author ->> 'type'
    from c
    where jsonb_typeof(c.author) = 'object'
      -- Known authors are left out before the insert: ON CONFLICT DO NOTHING would still wait for
      -- a chunk that is updating the author's row (its unique check sees the new version), and
      -- that chunk waiting in turn for this one's new authors is a deadlock.
      and not exists (select 1 from public.contributors s where s.id = (c.author ->> 'id')::bigint)
    order by (c.author ->> 'id')::bigint
    on conflict (id) do nothing
  ),
  conversation as (
    insert into public.issue_comments as t (id, node_id, repository_id, issue_id, pull_request_id, author_id, body,
      created_at, updated_at)
    select distinct on (c.id) c.id, c.node_id, c.repository_id, c.issue_id, c.pull_request_id,
      (c.author ->> 'id')::bigint, c.body, c.created_at, c.updated_at
    from c
    where c.kind = 'issue'
    order by c.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      issue_id = excluded.issue_id, pull_request_id = excluded.pull_request_id, author_id = excluded.author_id,
      body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at
    returning 1
  ),
  review as (
    -- A review not stored leaves review_id null rather than failing the chunk.
    insert into public.review_comments as t (id, node_id, repository_id, pull_request_id, review_id, author_id, path,
      body, created_at, updated_at)
    select distinct on (c.id) c.id, c.node_id, c.repository_id, c.pull_request_id, r.id,
      (c.author ->> 'id')::bigint, c.path, c.body, c.created_at, c.updated_at
    from c
    left join public.reviews r on r.id = c.review_id
    where c.kind = 'review'
    order by c.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      pull_request_id = excluded.pull_request_id, review_id = excluded.review_id, author_id = excluded.author_id,
      path = excluded.path, body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at
    returning 1
  )
  select (select count(*) from conversation) + (select count(*) from review) into v_count;

  return v_count;
end;
$function$
;

CREATE OR REPLACE FUNCTION engine.upsert_github_rows(p_rows jsonb)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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

  if jsonb_array_length(coalesce(p_rows -> 'contributors', '[]')) > 0 then
    -- node_id (a unique key) is not in the SET list: updating a key column would lock the row
    -- FOR UPDATE, which blocks the foreign-key checks (FOR KEY SHARE) of every other chunk
    -- writing content by that author, and a chunk waiting here for that chunk's new authors
    -- closed a cycle (deadlock 40P01, seen in the 20 × 200 bench). The rare changed node_id (the
    -- old and new global id formats) is written by the statement below, in key order.
    insert into public.contributors as c (id, node_id, login, avatar_url, type)
    select distinct on (x.id) x.id, x.node_id, x.login, x.avatar_url, x.type
    from jsonb_to_recordset(coalesce(p_rows -> 'contributors', '[]')) as x(id bigint, node_id text, login text,
      avatar_url text, type text)
    -- An author stored as is is not touched: ON CONFLICT would lock its row (and wait for any
    -- chunk updating it) only to find nothing to change.
    where not exists (select 1 from public.contributors s where s.id = x.id
                      and (s.login, s.avatar_url, s.type) is not distinct from (x.login, x.avatar_url, x.type))
    order by x.id
    on conflict (id) do update set login = excluded.login, avatar_url = excluded.avatar_url,
      type = excluded.type, updated_at = now()
    where (c.login, c.avatar_url, c.type) is distinct from (excluded.login, excluded.avatar_url, excluded.type);

    update public.contributors c set node_id = x.node_id, updated_at = now()
    from (
      select distinct on (x.id) x.id, x.node_id
      from jsonb_to_recordset(coalesce(p_rows -> 'contributors', '[]')) as x(id bigint, node_id text)
      where x.node_id is not null
      order by x.id
    ) x
    where c.id = x.id and c.node_id is distinct from x.node_id;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'pull_requests', '[]')) > 0 then
    insert into public.pull_requests as t (id, node_id, repository_id, number, title, body, state, is_draft, author_id,
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
      merged_at = excluded.merged_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'issues', '[]')) > 0 then
    insert into public.issues as t (id, node_id, repository_id, number, title, body, state, author_id, labels,
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
      updated_at = excluded.updated_at, closed_at = excluded.closed_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'reviews', '[]')) > 0 then
    insert into public.reviews (id, node_id, repository_id, pull_request_id, author_id, state, body, submitted_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.pull_request_id, x.author_id, x.state, x.body,
      x.submitted_at
    from jsonb_to_recordset(coalesce(p_rows -> 'reviews', '[]')) as x(id bigint, node_id text,
      repository_id bigint, pull_request_id bigint, author_id bigint, state text, body text, submitted_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      pull_request_id = excluded.pull_request_id, author_id = excluded.author_id, state = excluded.state,
      body = excluded.body, submitted_at = excluded.submitted_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'review_comments', '[]')) > 0 then
    insert into public.review_comments as t (id, node_id, repository_id, pull_request_id, review_id, author_id, path,
      body, created_at, updated_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.pull_request_id, x.review_id, x.author_id,
      x.path, x.body, x.created_at, x.updated_at
    from jsonb_to_recordset(coalesce(p_rows -> 'review_comments', '[]')) as x(id bigint, node_id text,
      repository_id bigint, pull_request_id bigint, review_id bigint, author_id bigint, path text, body text,
      created_at timestamptz, updated_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      pull_request_id = excluded.pull_request_id, review_id = excluded.review_id, author_id = excluded.author_id,
      path = excluded.path, body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'issue_comments', '[]')) > 0 then
    insert into public.issue_comments as t (id, node_id, repository_id, issue_id, pull_request_id, author_id, body,
      created_at, updated_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.issue_id, x.pull_request_id, x.author_id, x.body,
      x.created_at, x.updated_at
    from jsonb_to_recordset(coalesce(p_rows -> 'issue_comments', '[]')) as x(id bigint, node_id text,
      repository_id bigint, issue_id bigint, pull_request_id bigint, author_id bigint, body text,
      created_at timestamptz, updated_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      issue_id = excluded.issue_id, pull_request_id = excluded.pull_request_id, author_id = excluded.author_id,
      body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'discussions', '[]')) > 0 then
    insert into public.discussions as t (id, node_id, repository_id, number, title, body, category, author_id,
      created_at, updated_at, answer_chosen_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.number, x.title, x.body, x.category, x.author_id,
      x.created_at, x.updated_at, x.answer_chosen_at
    from jsonb_to_recordset(coalesce(p_rows -> 'discussions', '[]')) as x(id bigint, node_id text,
      repository_id bigint, number int, title text, body text, category text, author_id bigint,
      created_at timestamptz, updated_at timestamptz, answer_chosen_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      number = excluded.number, title = excluded.title, body = excluded.body,
      category = coalesce(excluded.category, t.category), author_id = excluded.author_id,
      created_at = excluded.created_at, updated_at = excluded.updated_at, answer_chosen_at = excluded.answer_chosen_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  -- Top-level comments and their replies in one statement: the parent_id foreign key is checked
  -- at the end of the statement, so a reply may come before the comment it replies to.
  if jsonb_array_length(coalesce(p_rows -> 'discussion_comments', '[]')) > 0 then
    insert into public.discussion_comments as t (id, node_id, repository_id, discussion_id, parent_id, author_id, body,
      created_at, updated_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.discussion_id, x.parent_id, x.author_id, x.body,
      x.created_at, x.updated_at
    from jsonb_to_recordset(coalesce(p_rows -> 'discussion_comments', '[]')) as x(id bigint, node_id text,
      repository_id bigint, discussion_id bigint, parent_id bigint, author_id bigint, body text,
      created_at timestamptz, updated_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      discussion_id = excluded.discussion_id, parent_id = excluded.parent_id, author_id = excluded.author_id,
      body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'commits', '[]')) > 0 then
    insert into public.commits (repository_id, sha, author_id, author_name, authored_at, committed_at, additions,
      deletions, changed_files, message_headline)
    select distinct on (x.repository_id, x.sha) x.repository_id, x.sha, x.author_id, x.author_name, x.authored_at,
      x.committed_at, x.additions, x.deletions, x.changed_files, x.message_headline
    from jsonb_to_recordset(coalesce(p_rows -> 'commits', '[]')) as x(repository_id bigint, sha text,
      author_id bigint, author_name text, authored_at timestamptz, committed_at timestamptz, additions int,
      deletions int, changed_files int, message_headline text)
    order by x.repository_id, x.sha
    on conflict (repository_id, sha) do update set author_id = excluded.author_id, author_name = excluded.author_name,
      authored_at = excluded.authored_at, committed_at = excluded.committed_at, additions = excluded.additions,
      deletions = excluded.deletions, changed_files = excluded.changed_files,
      message_headline = excluded.message_headline;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'forks', '[]')) > 0 then
    insert into public.forks (id, repository_id, full_name, owner_login, created_at)
    select distinct on (x.id) x.id, x.repository_id, x.full_name, x.owner_login, x.created_at
    from jsonb_to_recordset(coalesce(p_rows -> 'forks', '[]')) as x(id bigint, repository_id bigint,
      full_name text, owner_login text, created_at timestamptz)
    order by x.id
    on conflict (id) do update set repository_id = excluded.repository_id, full_name = excluded.full_name,
      owner_login = excluded.owner_login, created_at = excluded.created_at;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'star_history', '[]')) > 0 then
    insert into public.star_history (repository_id, day, stars)
    select distinct on (x.repository_id, x.day) x.repository_id, x.day, x.stars
    from jsonb_to_recordset(coalesce(p_rows -> 'star_history', '[]')) as x(repository_id bigint, day date, stars int)
    order by x.repository_id, x.day
    on conflict (repository_id, day) do update set stars = excluded.stars
    where public.star_history.stars is distinct from excluded.stars;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  -- Comments of the REST lists last: their parents may be in this very chunk.
  perform engine.upsert_comment_rows(p_rows);

  return v_count;
end;
$function$
;

comment on function engine.take_repository_turn(p_repository_id bigint) is 'Waits for the repository''s turn (a transaction advisory lock): what writes a repository''s content rows takes it before any other lock, so two writers of one row never both pass ON CONFLICT''s check and collide on node_id.';

grant execute on function engine.take_repository_turn(p_repository_id bigint) to service_role;
