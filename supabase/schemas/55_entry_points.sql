-- Entry points owners and admins use: manual backfill of selected repositories for D days, bulk
-- add of repositories by owner/name with an initial backfill of their last 200 PRs (and an
-- estimate shown before it starts), and retry / cancel of a job. The starts only INSERT a
-- backfill_jobs row; the fan-out trigger turns it into tasks and queue messages, and clients
-- follow it in backfill_job_status.
--
-- The work is done by SECURITY DEFINER functions in private, which check the caller themselves
-- (they are reachable by authenticated through the schema grant); the public functions are thin
-- security-invoker wrappers, the API surface.

-- The service role (JWT) and direct database sessions of postgres (operators, SQL console) may
-- act on any job; everyone else needs the owner or admin role in the job's workspace.
create or replace function private.is_engine_operator() returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  return auth.role() = 'service_role' or (auth.role() is null and session_user in ('postgres', 'supabase_admin'));
end
$$;
revoke all on function private.is_engine_operator() from public, anon;
grant execute on function private.is_engine_operator() to authenticated, service_role;

-- Cancelling a job, for whoever may: the job first, then its open tasks in id order (the order
-- every engine function locks them in), then the creator and the owners are told.
create or replace function engine.cancel_backfill_job(p_job_id uuid, p_error text default null)
returns public.backfill_jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job public.backfill_jobs;
  v_task record;
begin
  select * into v_job from public.backfill_jobs where id = p_job_id for update;
  if v_job.id is null or v_job.status not in ('pending', 'running') then
    return v_job;
  end if;
  update public.backfill_jobs set status = 'cancelled', cancelled_at = now(), error = coalesce(p_error, error)
  where id = p_job_id;
  for v_task in select id from public.backfill_tasks where job_id = p_job_id and status in ('pending', 'running') order by id loop
    perform engine.close_backfill_task(v_task.id, 'cancelled', null);
  end loop;
  update public.backfill_jobs set finished_at = now() where id = p_job_id returning * into v_job;
  perform private.notify_backfill_finished(v_job, 'cancelled', coalesce('Backfill cancelled: ' || p_error, 'Backfill cancelled'));
  return v_job;
end;
$$;
revoke all on function engine.cancel_backfill_job(uuid, text) from public;
grant execute on function engine.cancel_backfill_job(uuid, text) to service_role;
comment on function engine.cancel_backfill_job(uuid, text) is
  'Cancels a pending or running job (no permission check: callers check it): its open tasks end cancelled with their '
  'queue messages, the job records p_error, and its creator and the workspace owners are notified. Returns the job.';

create or replace function private.cancel_backfill(p_job_id uuid) returns public.backfill_jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job public.backfill_jobs;
begin
  select * into v_job from public.backfill_jobs where id = p_job_id for update;
  if v_job.id is null then
    raise exception 'backfill job % does not exist', p_job_id using errcode = 'P0002';
  end if;
  if not private.is_engine_operator() and not private.has_workspace_role(v_job.workspace_id, 'admin') then
    raise exception 'only owners and admins of the workspace can cancel backfill job %', p_job_id using errcode = '42501';
  end if;
  return engine.cancel_backfill_job(p_job_id);
end;
$$;
revoke all on function private.cancel_backfill(uuid) from public, anon;
grant execute on function private.cancel_backfill(uuid) to authenticated, service_role;

create or replace function public.cancel_backfill(job_id uuid) returns public.backfill_jobs
language sql
security invoker
set search_path = ''
as $$ select private.cancel_backfill(job_id) $$;
revoke all on function public.cancel_backfill(uuid) from public, anon;
grant execute on function public.cancel_backfill(uuid) to authenticated, service_role;
comment on function public.cancel_backfill(uuid) is
  'Cancels a pending or running backfill job (owners and admins): queued tasks are dropped, running ones stop at their next chunk.';

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
$$;
revoke all on function private.retry_backfill(uuid, uuid) from public, anon;
grant execute on function private.retry_backfill(uuid, uuid) to authenticated, service_role;

create or replace function public.retry_backfill(job_id uuid, tracked_repository_id uuid default null)
returns public.backfill_jobs
language sql
security invoker
set search_path = ''
as $$ select private.retry_backfill(job_id, tracked_repository_id) $$;
revoke all on function public.retry_backfill(uuid, uuid) from public, anon;
grant execute on function public.retry_backfill(uuid, uuid) to authenticated, service_role;
comment on function public.retry_backfill(uuid, uuid) is
  'Retries the failed repositories of a backfill job, or only the given one (owners and admins); each resumes from its stored cursor.';

create or replace function private.all_backfill_data_types()
returns text[]
language sql
immutable
set search_path = ''
as $$ select array['repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks'] $$;
revoke execute on function private.all_backfill_data_types() from public, anon;
grant execute on function private.all_backfill_data_types() to authenticated, service_role;

-- Owners, admins and the service role may start work in a workspace; everyone else is told why not.
create or replace function private.assert_workspace_admin(workspace_id uuid, action text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if coalesce(auth.role(), '') = 'service_role' then
    return;
  end if;
  if auth.uid() is null then
    raise exception '%: sign in first; no user in the request', action using errcode = '42501';
  end if;
  if not exists (select 1 from public.workspaces w where w.id = assert_workspace_admin.workspace_id) then
    raise exception '%: workspace % does not exist', action, workspace_id
      using errcode = 'P0002', hint = 'Check the workspace id.';
  end if;
  if not private.has_workspace_role(assert_workspace_admin.workspace_id, 'admin') then
    raise exception '%: only owners and admins of workspace % can do this', action, workspace_id
      using errcode = '42501', hint = 'Ask an owner or admin of the workspace.';
  end if;
end
$$;
revoke execute on function private.assert_workspace_admin(uuid, text) from public, anon, authenticated;
grant execute on function private.assert_workspace_admin(uuid, text) to authenticated, service_role;
comment on function private.assert_workspace_admin(uuid, text) is
  'Raises 42501 naming the action unless the caller is an owner or admin of the workspace, or the service role.';

-- The live-jobs quota of the workspace's tier (manual and initial jobs; addon and scheduled jobs
-- are the system's). Call it holding the workspace's lock (private.lock_workspace_entry_points).
create or replace function private.assert_live_jobs_quota(workspace_id uuid, action text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_live int;
  v_max int;
  v_tier text;
begin
  select tp.max_live_jobs, tp.tier into v_max, v_tier
  from public.workspaces w join public.tier_plans tp on tp.tier = w.tier
  where w.id = assert_live_jobs_quota.workspace_id;
  select count(*) into v_live from public.backfill_jobs j
  where j.workspace_id = assert_live_jobs_quota.workspace_id and j.kind in ('manual', 'initial')
    and j.status in ('pending', 'running');
  if v_live >= v_max then
    raise exception '%: workspace % already has % backfill jobs pending or running, the most its % plan allows',
      action, workspace_id, v_live, v_tier
      using errcode = '54000', hint = 'Wait for one to finish (backfill_job_status) or cancel one (cancel_backfill).';
  end if;
end
$$;
revoke execute on function private.assert_live_jobs_quota(uuid, text) from public, anon, authenticated;
grant execute on function private.assert_live_jobs_quota(uuid, text) to service_role;

-- Starts in one workspace run one at a time, so quotas and the identical-job check see each
-- other's jobs.
create or replace function private.lock_workspace_entry_points(workspace_id uuid)
returns void
language sql
set search_path = ''
as $$ select pg_advisory_xact_lock(hashtext('private.workspace_entry_points'), hashtext(workspace_id::text)) $$;
revoke execute on function private.lock_workspace_entry_points(uuid) from public, anon, authenticated;
grant execute on function private.lock_workspace_entry_points(uuid) to service_role;

create or replace function private.start_manual_backfill(
  workspace_id uuid, tracked_repository_ids uuid[], days int, data_types text[])
returns public.backfill_jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  ws public.workspaces;
  requested uuid[];
  unknown_ids uuid[];
  bad_types text[];
  types text[] := coalesce(start_manual_backfill.data_types, private.all_backfill_data_types());
  job public.backfill_jobs;
begin
  perform private.assert_workspace_admin(start_manual_backfill.workspace_id, 'start_manual_backfill');
  perform private.lock_workspace_entry_points(start_manual_backfill.workspace_id);
  select * into ws from public.workspaces w where w.id = start_manual_backfill.workspace_id;

  if days is null or days < 1 then
    raise exception 'start_manual_backfill: days must be a whole number from 1 to %, got %', ws.retention_days,
      coalesce(days::text, 'null') using errcode = '22023';
  end if;
  if days > ws.retention_days then
    if ws.retention_days >= 365 then
      raise exception 'backfill of % days exceeds workspace %''s retention of % days, the most any plan keeps',
        days, ws.slug, ws.retention_days using errcode = '22023', hint = 'Choose 365 days or fewer.';
    end if;
    raise exception 'backfill of % days exceeds workspace %''s retention of % days; buy the Extended Data Retention addon for up to 365 days',
      days, ws.slug, ws.retention_days
      using errcode = '22023', hint = 'Choose ' || ws.retention_days || ' days or fewer, or buy the addon.';
  end if;

  if cardinality(types) = 0 then
    raise exception 'start_manual_backfill: choose at least one data type of %', array_to_string(private.all_backfill_data_types(), ', ')
      using errcode = '22023';
  end if;
  select array_agg(t) into bad_types from unnest(types) t where not t = any (private.all_backfill_data_types());
  if bad_types is not null then
    raise exception 'start_manual_backfill: unknown data type(s) %', array_to_string(bad_types, ', ')
      using errcode = '22023', hint = 'Known data types: ' || array_to_string(private.all_backfill_data_types(), ', ') || '.';
  end if;
  -- Once each, in the engine's canonical order.
  select array_agg(t order by array_position(private.all_backfill_data_types(), t)) into types
  from (select distinct x as t from unnest(types) x) d;

  if tracked_repository_ids is not null then
    if cardinality(tracked_repository_ids) = 0 then
      raise exception 'start_manual_backfill: select at least one repository, or pass null for all repositories of workspace %', ws.slug
        using errcode = '22023';
    end if;
    select array_agg(distinct r) into requested from unnest(tracked_repository_ids) r;
    select array_agg(r) into unknown_ids from unnest(requested) r
    where not exists (select 1 from public.workspace_tracked_repositories w
                      where w.workspace_id = ws.id and w.tracked_repository_id = r);
    if unknown_ids is not null then
      raise exception 'start_manual_backfill: repositories % are not tracked by workspace %', unknown_ids, ws.slug
        using errcode = '22023', hint = 'Add them to the workspace first (bulk_add_repositories).';
    end if;
  elsif not exists (select 1 from public.workspace_tracked_repositories w where w.workspace_id = ws.id) then
    raise exception 'start_manual_backfill: workspace % tracks no repositories yet', ws.slug
      using errcode = '22023', hint = 'Add repositories first (bulk_add_repositories).';
  end if;

  -- Asked again while the same backfill is live: the live job is the answer, not a second one.
  select * into job from public.backfill_jobs j
  where j.workspace_id = ws.id and j.kind = 'manual' and j.status in ('pending', 'running')
    and j.window_days = days and j.data_types = types
    and coalesce((select array_agg(x order by x) from unnest(j.tracked_repository_ids) x), '{}')
        = coalesce((select array_agg(x order by x) from unnest(requested) x), '{}')
    and (j.tracked_repository_ids is null) = (requested is null)
  order by j.created_at
  limit 1;
  if job.id is not null then
    return job;
  end if;
  perform private.assert_live_jobs_quota(ws.id, 'start_manual_backfill');

  insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, tracked_repository_ids,
                                    created_by, source)
  values (ws.id, 'manual', days, types, requested, auth.uid(), jsonb_build_object('entry_point', 'manual_backfill'))
  returning * into job;
  select * into job from public.backfill_jobs j where j.id = job.id;  -- counters set by the fan-out
  return job;
end
$$;
revoke execute on function private.start_manual_backfill(uuid, uuid[], int, text[]) from public, anon, authenticated;
grant execute on function private.start_manual_backfill(uuid, uuid[], int, text[]) to authenticated, service_role;
comment on function private.start_manual_backfill(uuid, uuid[], int, text[]) is
  'Implementation of public.start_manual_backfill; checks the caller itself.';

create or replace function public.start_manual_backfill(
  workspace_id uuid, tracked_repository_ids uuid[] default null, days int default 90, data_types text[] default null)
returns public.backfill_jobs
language sql
security invoker
set search_path = ''
as $$
  select * from private.start_manual_backfill(workspace_id, tracked_repository_ids, days, data_types)
$$;
revoke execute on function public.start_manual_backfill(uuid, uuid[], int, text[]) from public, anon;
grant execute on function public.start_manual_backfill(uuid, uuid[], int, text[]) to authenticated, service_role;
comment on function public.start_manual_backfill(uuid, uuid[], int, text[]) is
  'Owners/admins backfill selected repositories of the workspace (tracked_repository_ids; null = all) '
  'for the last days days (1 up to the workspace''s retention) and the chosen data_types (null = all '
  'of repository, pull_requests, issues, discussions, commits, stars, forks). Returns the job; follow '
  'it in backfill_job_status / backfill_repository_status, cancel or retry with cancel_backfill / '
  'retry_backfill. The same backfill asked again while it is pending or running returns that job; at most '
  'tier_plans.max_live_jobs manual and initial jobs run at once (54000 beyond).';

-- Turns what a user pasted into owner/name (accepting github.com URLs and a trailing .git) and
-- says, per entry, whether it would be added, is already in the workspace, or is invalid.
create or replace function private.classify_repository_names(workspace_id uuid, repositories text[])
returns table (input text, owner text, name text, full_name text, status text, reason text,
               tracked_repository_id uuid)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  raw text;
  v text;
  o text;
  n text;
  seen text[] := '{}';
  existing uuid;
begin
  foreach raw in array coalesce(repositories, '{}') loop
    input := raw;
    owner := null; name := null; full_name := null; tracked_repository_id := null; reason := null;
    if length(raw) > 200 then
      -- Not parsed at all: a GitHub owner/name (or its URL) is far shorter.
      input := left(raw, 60) || '…';
      status := 'invalid'; reason := format('entry of %s characters: give the repository as owner/name (at most 200 characters)', length(raw));
      return next;
      continue;
    end if;
    v := regexp_replace(btrim(coalesce(raw, '')), '^(https?://)?(www\.)?github\.com/', '', 'i');
    v := regexp_replace(v, '(\.git)?/*$', '');
    o := split_part(v, '/', 1);
    n := split_part(v, '/', 2);
    if v = '' then
      status := 'invalid'; reason := 'empty entry; give the repository as owner/name';
    elsif v !~ '^[^/]+/[^/]+$' then
      status := 'invalid'; reason := format('"%s" is not owner/name, e.g. supabase/supabase', raw);
    elsif o !~ '^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$' then
      status := 'invalid'; reason := format('owner "%s" is not a GitHub login: 1-39 letters, digits or single hyphens', o);
    elsif n !~ '^[A-Za-z0-9._-]{1,100}$' or n in ('.', '..') then
      status := 'invalid'; reason := format('name "%s" is not a GitHub repository name: 1-100 letters, digits, dots, underscores or hyphens', n);
    else
      owner := o; name := n; full_name := o || '/' || n;
      select t.id into existing from public.tracked_repositories t where lower(t.full_name) = lower(o || '/' || n);
      tracked_repository_id := existing;
      if lower(full_name) = any (seen) then
        status := 'already_present'; reason := 'listed more than once';
      elsif existing is not null and exists (
          select 1 from public.workspace_tracked_repositories w
          where w.workspace_id = classify_repository_names.workspace_id and w.tracked_repository_id = existing) then
        status := 'already_present'; reason := 'already tracked by this workspace';
      else
        status := 'added';
      end if;
      seen := seen || lower(full_name);
    end if;
    return next;
  end loop;
end
$$;
revoke execute on function private.classify_repository_names(uuid, text[]) from public, anon, authenticated;
grant execute on function private.classify_repository_names(uuid, text[]) to service_role;
comment on function private.classify_repository_names(uuid, text[]) is
  'Parses owner/name entries (github.com URLs and .git accepted) and classifies each as added (new to '
  'the workspace), already_present or invalid, with the reason.';

-- The estimate shown before a bulk add starts. Assumptions (documented in docs/entry-points.md):
-- 200 PRs per repository with reviews and comments cost about 5 points (the engine's >= 40 PRs per
-- point) plus 1 point of metadata; a repository takes about 4 GraphQL round trips of ~3 s, so 12 s;
-- at most 5 repositories of one owner and 10 repositories overall run at once; past the usable
-- budget of one token (5,000 - 1,000 reserve points per hour) the rest waits for the next hour.
create or replace function private.estimate_initial_backfill(owners text[])
returns jsonb
language sql
immutable
set search_path = ''
as $$
  with per_owner as (select o, count(*) as n from unnest(owners) o group by o),
  totals as (
    select coalesce(sum(n), 0)::int as repos,
           coalesce(max(ceil(n / 5.0)), 0)::int as owner_waves,
           ceil(coalesce(sum(n), 0) / 10.0)::int as global_waves
    from per_owner)
  select jsonb_build_object(
    'repositories', repos,
    'prs_per_repository', 200,
    'max_in_flight_per_owner', 5,
    'estimated_points', repos * 6,
    'estimated_seconds', greatest(owner_waves, global_waves) * 12
                         + (greatest(repos * 6 - 1, 0) / 4000) * 3600,
    'assumptions', '6 points and 12 s per repository (200 PRs at >= 40 PRs/point plus metadata, 4 round trips '
                   'of ~3 s); 5 per owner and 10 overall in flight; 4,000 usable points per hour per token')
  from totals
$$;
revoke execute on function private.estimate_initial_backfill(text[]) from public, anon;
grant execute on function private.estimate_initial_backfill(text[]) to authenticated, service_role;
comment on function private.estimate_initial_backfill(text[]) is
  'Estimated points and seconds of an initial 200-PR backfill of repositories of the given owners (one entry per repository).';

create or replace function private.estimate_bulk_add(workspace_id uuid, repositories text[])
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  results jsonb;
  owners text[];
begin
  perform private.assert_workspace_admin(estimate_bulk_add.workspace_id, 'estimate_bulk_add');
  perform private.assert_repository_list(repositories, 'estimate_bulk_add');
  select coalesce(jsonb_agg(jsonb_strip_nulls(to_jsonb(c) - 'tracked_repository_id')), '[]'::jsonb),
         array_agg(c.owner) filter (where c.status = 'added')
    into results, owners
  from private.classify_repository_names(estimate_bulk_add.workspace_id, repositories) c;
  return jsonb_build_object('results', results,
                            'estimate', private.estimate_initial_backfill(coalesce(owners, '{}')));
end
$$;
revoke execute on function private.estimate_bulk_add(uuid, text[]) from public, anon, authenticated;
grant execute on function private.estimate_bulk_add(uuid, text[]) to authenticated, service_role;
comment on function private.estimate_bulk_add(uuid, text[]) is
  'Implementation of public.estimate_bulk_add; checks the caller itself.';

create or replace function private.assert_repository_list(repositories text[], action text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if repositories is null or cardinality(repositories) = 0 then
    raise exception '%: give at least one repository as owner/name', action using errcode = '22023';
  end if;
  if cardinality(repositories) > 500 then
    raise exception '%: at most 500 repositories per call, got %', action, cardinality(repositories)
      using errcode = '22023', hint = 'Split the list into several calls.';
  end if;
end
$$;
revoke execute on function private.assert_repository_list(text[], text) from public, anon;
grant execute on function private.assert_repository_list(text[], text) to authenticated, service_role;

create or replace function public.estimate_bulk_add(workspace_id uuid, repositories text[])
returns jsonb
language sql
security invoker
set search_path = ''
as $$ select private.estimate_bulk_add(workspace_id, repositories) $$;
revoke execute on function public.estimate_bulk_add(uuid, text[]) from public, anon;
grant execute on function public.estimate_bulk_add(uuid, text[]) to authenticated, service_role;
comment on function public.estimate_bulk_add(uuid, text[]) is
  'Owners/admins preview a bulk add without changing anything: per entry {input, owner, name, '
  'full_name, status added|already_present|invalid, reason} and the estimate of the initial '
  'backfill {repositories, prs_per_repository, max_in_flight_per_owner, estimated_points, '
  'estimated_seconds, assumptions}.';

create or replace function private.bulk_add_repositories(
  workspace_id uuid, repositories text[], start_initial_backfill boolean)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  ws public.workspaces;
  plan public.tier_plans;
  room int;
  entries jsonb;
  added_ids uuid[];
  owners text[];
  job_id uuid;
  estimate jsonb;
begin
  perform private.assert_workspace_admin(bulk_add_repositories.workspace_id, 'bulk_add_repositories');
  perform private.assert_repository_list(repositories, 'bulk_add_repositories');
  perform private.lock_workspace_entry_points(bulk_add_repositories.workspace_id);
  select * into ws from public.workspaces w where w.id = bulk_add_repositories.workspace_id;
  select * into plan from public.tier_plans p where p.tier = ws.tier;
  select plan.max_tracked_repositories - count(*) into room
  from public.workspace_tracked_repositories w where w.workspace_id = ws.id;

  -- Every entry classified, in the order given; new ones past the tier's quota are refused.
  select coalesce(jsonb_agg(case
           when c.status = 'added' and c.added_rank > room then
             to_jsonb(c) - 'added_rank' || jsonb_build_object('status', 'over_quota', 'reason',
               format('workspace %s may track %s repositories on its %s plan; remove some or upgrade', ws.slug,
                      plan.max_tracked_repositories, plan.tier))
           else to_jsonb(c) - 'added_rank' end order by c.ord), '[]')
    into entries
  from (select x.*, row_number() over () as ord,
               count(*) filter (where x.status = 'added') over (order by x.ord_in rows unbounded preceding) as added_rank
        from (select y.*, row_number() over () as ord_in
              from private.classify_repository_names(ws.id, repositories) y) x) c;

  if exists (select 1 from jsonb_array_elements(entries) e where e ->> 'status' = 'added') then
    perform private.assert_live_jobs_quota(ws.id, 'bulk_add_repositories');
  end if;

  insert into public.tracked_repositories (owner, name)
  select e.owner, e.name from jsonb_to_recordset(entries) as e(owner text, name text, status text, tracked_repository_id uuid)
  where e.status = 'added' and e.tracked_repository_id is null
  on conflict ((lower(full_name))) do nothing;

  -- The ids of the repositories just added (or already tracked by other workspaces).
  select jsonb_agg(case when e.value ->> 'status' = 'added'
                        then e.value || jsonb_build_object('tracked_repository_id', t.id) else e.value end
                   order by e.ordinality)
    into entries
  from jsonb_array_elements(entries) with ordinality e
  left join public.tracked_repositories t
    on e.value ->> 'status' = 'added' and lower(t.full_name) = lower(e.value ->> 'full_name');

  insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, added_by,
                                                     data_retention_days, next_sync_at)
  select ws.id, (e.value ->> 'tracked_repository_id')::uuid, auth.uid(), ws.retention_days, now() + interval '24 hours'
  from jsonb_array_elements(entries) e where e.value ->> 'status' = 'added'
  on conflict (workspace_id, tracked_repository_id) do nothing;

  select array_agg((e.value ->> 'tracked_repository_id')::uuid order by e.ordinality),
         array_agg(e.value ->> 'owner' order by e.ordinality)
    into added_ids, owners
  from jsonb_array_elements(entries) with ordinality e where e.value ->> 'status' = 'added';

  if added_ids is not null then
    estimate := case when coalesce(start_initial_backfill, true)
                     then private.estimate_initial_backfill(owners) end;
    -- The metadata (avatars, counts) is always fetched; the 200 PRs only unless the caller opted out.
    insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, tracked_repository_ids,
                                      max_prs_per_repo, max_in_flight_per_owner, created_by, source)
    values (ws.id, 'initial', least(ws.retention_days, 365),
            case when coalesce(start_initial_backfill, true) then array['repository', 'pull_requests']
                 else array['repository'] end,
            added_ids,
            case when coalesce(start_initial_backfill, true) then 200 end,
            5, auth.uid(),
            jsonb_build_object('entry_point', 'bulk_add', 'estimate', estimate))
    returning id into job_id;
  end if;

  return jsonb_build_object(
    'results', (select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                  'input', e.value ->> 'input', 'full_name', e.value ->> 'full_name', 'status', e.value ->> 'status',
                  'reason', e.value ->> 'reason', 'tracked_repository_id', e.value ->> 'tracked_repository_id'))
                  order by e.ordinality)
                from jsonb_array_elements(entries) with ordinality e),
    'added', coalesce(cardinality(added_ids), 0),
    'already_present', (select count(*) from jsonb_array_elements(entries) e where e ->> 'status' = 'already_present'),
    'invalid', (select count(*) from jsonb_array_elements(entries) e where e ->> 'status' = 'invalid'),
    'over_quota', (select count(*) from jsonb_array_elements(entries) e where e ->> 'status' = 'over_quota'),
    'job_id', job_id,
    'initial_backfill', job_id is not null and coalesce(start_initial_backfill, true),
    'estimate', estimate);
end
$$;
revoke execute on function private.bulk_add_repositories(uuid, text[], boolean) from public, anon, authenticated;
grant execute on function private.bulk_add_repositories(uuid, text[], boolean) to authenticated, service_role;
comment on function private.bulk_add_repositories(uuid, text[], boolean) is
  'Implementation of public.bulk_add_repositories; checks the caller itself.';

create or replace function public.bulk_add_repositories(
  workspace_id uuid, repositories text[], start_initial_backfill boolean default true)
returns jsonb
language sql
security invoker
set search_path = ''
as $$ select private.bulk_add_repositories(workspace_id, repositories, start_initial_backfill) $$;
revoke execute on function public.bulk_add_repositories(uuid, text[], boolean) from public, anon;
grant execute on function public.bulk_add_repositories(uuid, text[], boolean) to authenticated, service_role;
comment on function public.bulk_add_repositories(uuid, text[], boolean) is
  'Owners/admins add up to 500 repositories (owner/name or github.com URL, at most 200 characters each) to a '
  'workspace. Returns {results: [{input, full_name, status added|already_present|invalid|over_quota, reason, '
  'tracked_repository_id}], added, already_present, invalid, over_quota, job_id, initial_backfill, estimate}. '
  'Repositories beyond the tier''s max_tracked_repositories are over_quota and not added. New repositories get one '
  '"initial" job that fetches their metadata and, unless start_initial_backfill is false, their last '
  '200 PRs, at most 5 repositories of one owner at once. Preview with estimate_bulk_add first.';
