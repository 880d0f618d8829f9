-- Scheduled incremental syncs of workspace repositories, by priority.
--
-- Priority (0-60) of a workspace's repository: tier up to 30 (tier_plans.priority_points),
-- staleness up to 20 (10 when just due, 20 at twice its sync interval overdue or never synced),
-- popularity up to 10 (2 points per order of magnitude of stars, 10 from 100,000 stars).
--
-- A repository tracked by several workspaces is fetched once per due time: the due rows are
-- grouped by repository, and the repository goes into one job of the workspace with the highest
-- priority among those due (its "carrier"); every due workspace row of that repository is marked
-- queued. When the task finishes, a trigger updates the sync status of every workspace tracking
-- the repository. A queued row is leased for 6 hours: if no result ever comes back it becomes
-- due again.

create or replace function private.workspace_repo_priority(
  tier_points int, last_sync_at timestamptz, sync_frequency_hours int, stargazer_count int)
returns int
language sql
stable
set search_path = ''
as $$
  select least(greatest(coalesce(tier_points, 0), 0), 30)
       + case when last_sync_at is null then 20
              else least(20, greatest(0, floor(10 * extract(epoch from (now() - last_sync_at))
                                            / (3600.0 * greatest(sync_frequency_hours, 1)))))::int end
       + least(10, floor(2 * log(10, greatest(coalesce(stargazer_count, 0), 0) + 1)))::int
$$;
revoke execute on function private.workspace_repo_priority(int, timestamptz, int, int) from public, anon, authenticated;
grant execute on function private.workspace_repo_priority(int, timestamptz, int, int) to service_role;
comment on function private.workspace_repo_priority(int, timestamptz, int, int) is
  'Sync priority 0-60: tier points (<= 30) + staleness (<= 20) + popularity from stars (<= 10).';

create or replace function public.calculate_workspace_repo_priority()
returns int
language plpgsql
security invoker
set search_path = ''
as $$
declare
  n int;
begin
  update public.workspace_tracked_repositories w
     set priority_score = p.score
  from (
    select w2.id,
           private.workspace_repo_priority(tp.priority_points, w2.last_sync_at, w2.sync_frequency_hours,
                                           r.stargazer_count) as score
    from public.workspace_tracked_repositories w2
    join public.workspaces ws on ws.id = w2.workspace_id
    join public.tier_plans tp on tp.tier = ws.tier
    join public.tracked_repositories t on t.id = w2.tracked_repository_id
    left join public.repositories r on r.id = t.repository_id
  ) p
  where p.id = w.id and w.priority_score is distinct from p.score;
  get diagnostics n = row_count;
  return n;
end
$$;
revoke execute on function public.calculate_workspace_repo_priority() from public, anon, authenticated;
grant execute on function public.calculate_workspace_repo_priority() to service_role;
comment on function public.calculate_workspace_repo_priority() is
  'Recomputes priority_score (0-60: tier <= 30, staleness <= 20, popularity <= 10) of every '
  'workspace repository; returns the rows changed. Service role and pg_cron only.';

-- Due rows: next_sync_at passed (or never set), repository not known to be gone.
create or replace function public.get_workspace_repos_for_sync("limit" int default 50)
returns table (
  tracked_repository_id uuid,
  repository_id bigint,
  full_name text,
  carrier_workspace_id uuid,
  workspace_ids uuid[],
  priority_score int,
  since timestamptz,
  window_days int,
  data_types text[])
language sql
stable
security invoker
set search_path = ''
as $$
  with due as (
    select w.*, t.repository_id, t.full_name,
           private.workspace_repo_priority(tp.priority_points, w.last_sync_at, w.sync_frequency_hours,
                                           r.stargazer_count) as score
    from public.workspace_tracked_repositories w
    join public.workspaces ws on ws.id = w.workspace_id
    join public.tier_plans tp on tp.tier = ws.tier
    join public.tracked_repositories t on t.id = w.tracked_repository_id
    left join public.repositories r on r.id = t.repository_id
    where (w.next_sync_at is null or w.next_sync_at <= now())
      and w.status not in ('not_found', 'forbidden', 'private')
      -- A private repository is synced only by a workspace with a token of its own.
      and (r.is_private is not true or exists (
        select 1 from engine.github_tokens gt where gt.workspace_id = w.workspace_id and gt.enabled))
  )
  select d.tracked_repository_id,
         min(d.repository_id),
         min(d.full_name),
         (array_agg(d.workspace_id order by d.score desc, d.workspace_id))[1],
         array_agg(d.workspace_id order by d.score desc, d.workspace_id),
         max(d.score),
         -- incremental: everything updated since the oldest last sync of the due workspaces, from
         -- the whole second (GitHub's timestamps have no fraction) less a margin for clock skew
         case when bool_or(d.last_sync_at is null) then null
              else date_trunc('second', min(d.last_sync_at)) - interval '2 minutes' end,
         least(365, greatest(1, ceil(extract(epoch from (now() - coalesce(
           case when bool_or(d.last_sync_at is null) then null else min(d.last_sync_at) end,
           now() - make_interval(hours => max(d.sync_frequency_hours))))) / 86400.0)))::int,
         array_remove(array['repository', 'pull_requests',
           case when bool_or(d.fetch_issues) then 'issues' end,
           case when bool_or(d.fetch_discussions) then 'discussions' end,
           case when bool_or(d.fetch_commits) then 'commits' end,
           'stars', 'forks'], null)
  from due d
  group by d.tracked_repository_id
  -- Never while a backfill of the same data types is live on the repository: it fetches them anyway.
  having not exists (
    select 1 from public.backfill_tasks bt join public.backfill_jobs j on j.id = bt.job_id
    where bt.tracked_repository_id = d.tracked_repository_id and bt.status in ('pending', 'running')
      and j.data_types @> array_remove(array['repository', 'pull_requests',
           case when bool_or(d.fetch_issues) then 'issues' end,
           case when bool_or(d.fetch_discussions) then 'discussions' end,
           case when bool_or(d.fetch_commits) then 'commits' end,
           'stars', 'forks'], null))
  order by max(d.score) desc, min(d.next_sync_at) nulls first, min(d.full_name)
  limit greatest(coalesce("limit", 50), 0)
$$;
revoke execute on function public.get_workspace_repos_for_sync(int) from public, anon, authenticated;
grant execute on function public.get_workspace_repos_for_sync(int) to service_role;
comment on function public.get_workspace_repos_for_sync(int) is
  'Repositories due for an incremental sync, one row per repository however many workspaces track '
  'it, highest priority first: the workspaces due, the carrier (highest-priority) workspace, since '
  '(oldest last sync; null = never), window_days and the union of the workspaces'' data types. '
  'Service role and pg_cron only.';

create or replace function public.update_workspace_sync_status(
  tracked_repository_id uuid, status text, workspace_id uuid default null,
  synced_at timestamptz default now(), error text default null)
returns int
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  n int;
begin
  if status is null or status not in ('queued', 'success', 'failed') then
    raise exception 'update_workspace_sync_status: status must be queued, success or failed, got %',
      coalesce(status, 'null') using errcode = '22023';
  end if;
  update public.workspace_tracked_repositories w set
    last_sync_status = case when update_workspace_sync_status.status = 'failed'
                            then 'failed: ' || coalesce(update_workspace_sync_status.error, 'unknown error')
                            else update_workspace_sync_status.status end,
    last_sync_at = case when update_workspace_sync_status.status = 'success'
                        then update_workspace_sync_status.synced_at else w.last_sync_at end,
    sync_attempts = case update_workspace_sync_status.status when 'success' then 0
                                                             when 'failed' then w.sync_attempts + 1
                                                             else w.sync_attempts end,
    next_sync_at = case update_workspace_sync_status.status
      when 'success' then update_workspace_sync_status.synced_at + make_interval(hours => w.sync_frequency_hours)
      when 'queued' then now() + interval '6 hours'
      -- back off 15 min, 30 min, 1 h ... but never later than the regular interval
      else now() + least(make_interval(hours => w.sync_frequency_hours),
                         interval '15 minutes' * power(2, least(w.sync_attempts, 10)))
    end
  where w.tracked_repository_id = update_workspace_sync_status.tracked_repository_id
    and (update_workspace_sync_status.workspace_id is null or w.workspace_id = update_workspace_sync_status.workspace_id);
  get diagnostics n = row_count;
  if n = 0 then
    raise exception 'update_workspace_sync_status: repository % is not tracked by %', tracked_repository_id,
      coalesce('workspace ' || workspace_id::text, 'any workspace') using errcode = 'P0002';
  end if;
  return n;
end
$$;
revoke execute on function public.update_workspace_sync_status(uuid, text, uuid, timestamptz, text) from public, anon, authenticated;
grant execute on function public.update_workspace_sync_status(uuid, text, uuid, timestamptz, text) to service_role;
comment on function public.update_workspace_sync_status(uuid, text, uuid, timestamptz, text) is
  'Records a sync result for a repository in one workspace, or (workspace_id null) in every workspace '
  'tracking it: queued (leased 6 h), success (last_sync_at = synced_at, next in sync_frequency_hours) '
  'or failed (attempts + 1, retry after 15 min doubling, capped at the interval). Returns rows updated.';

-- Enqueues the due syncs: one scheduled job per carrier workspace, jobs inserted and repositories
-- listed in priority order. Returns the number of repositories enqueued.
create or replace function private.enqueue_due_syncs(max_repositories int default 200)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  batch record;
  n int := 0;
begin
  perform public.calculate_workspace_repo_priority();
  for batch in
    with due as (select * from public.get_workspace_repos_for_sync(max_repositories)),
    types as (select d.carrier_workspace_id, array_agg(distinct x) as xs
              from due d cross join unnest(d.data_types) x group by d.carrier_workspace_id)
    select d.carrier_workspace_id,
           array_agg(d.tracked_repository_id order by d.priority_score desc, d.full_name) as repo_ids,
           max(d.priority_score) as top_score,
           max(d.window_days) as window_days,
           (select array_agg(x order by array_position(private.all_backfill_data_types(), x)) from unnest(t.xs) x)
             as data_types,
           jsonb_object_agg(d.tracked_repository_id, jsonb_build_object('workspace_ids', to_jsonb(d.workspace_ids),
                            'since', d.since)) as repos
    from due d join types t on t.carrier_workspace_id = d.carrier_workspace_id
    group by d.carrier_workspace_id, t.xs
    order by max(d.priority_score) desc, d.carrier_workspace_id
  loop
    insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, tracked_repository_ids, source)
    values (batch.carrier_workspace_id, 'scheduled', batch.window_days, batch.data_types, batch.repo_ids,
            jsonb_build_object('entry_point', 'scheduled_sync', 'priority', batch.top_score, 'repositories', batch.repos));
    perform public.update_workspace_sync_status(r, 'queued') from unnest(batch.repo_ids) r;
    n := n + cardinality(batch.repo_ids);
  end loop;
  return n;
end
$$;
revoke execute on function private.enqueue_due_syncs(int) from public, anon, authenticated;
grant execute on function private.enqueue_due_syncs(int) to service_role;
comment on function private.enqueue_due_syncs(int) is
  'Enqueues up to max_repositories due repositories as scheduled jobs (one per carrier workspace, '
  'highest priority first; a shared repository once; none while a live backfill covers its data types) and marks '
  'them queued. pg_cron every 10 minutes, except while engine.worker_settings.automatic_invocations is off.';

-- Closes the loop without the engine's help: a finished task of a scheduled job records the
-- result for every workspace tracking the repository.
create or replace function private.tg_backfill_tasks__record_sync_result()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.backfill_jobs j where j.id = new.job_id and j.kind = 'scheduled') then
    perform public.update_workspace_sync_status(new.tracked_repository_id,
      case when new.status = 'completed' then 'success' else 'failed' end,
      null, coalesce(new.started_at, new.finished_at, now()), new.last_error);
  elsif new.status = 'completed' then
    -- A repository's first sync goes on from where its first backfill started, not a day back.
    update public.workspace_tracked_repositories w set last_sync_at = coalesce(new.started_at, new.finished_at, now())
    where w.workspace_id = new.workspace_id and w.tracked_repository_id = new.tracked_repository_id
      and w.last_sync_at is null;
  end if;
  return null;
end
$$;
revoke execute on function private.tg_backfill_tasks__record_sync_result() from public, anon, authenticated;
comment on function private.tg_backfill_tasks__record_sync_result() is
  'When a task of a scheduled job completes or fails, records success/failure on every workspace '
  'tracking its repository. A successful sync counts from the task''s start, so nothing updated '
  'while it ran is skipped next time. A completed task of another job starts the repository''s sync '
  'history in its workspace when it has none.';

create trigger tg_backfill_tasks__record_sync_result
  after update of status on public.backfill_tasks
  for each row
  when (new.status in ('completed', 'failed') and old.status is distinct from new.status)
  execute function private.tg_backfill_tasks__record_sync_result();

-- The operator switch that pauses the worker pauses new syncs too: no pile-up while it is off
-- (and engine tests, which run the worker in-process with the switch off, get no syncs injected).
select cron.schedule('enqueue-scheduled-syncs', '*/10 * * * *',
  $$select private.enqueue_due_syncs(200) from engine.worker_settings where automatic_invocations$$);
