-- Client views (security invoker: the caller's RLS applies) for backfill progress and data
-- coverage. Percent is from items when an estimate exists, else from finished tasks; ETA is the
-- observed rate since started_at (items per second) applied to the remaining estimated items.

-- One progress row's expected total: what is done once it is finished, else the larger of the
-- estimate and what is done (an estimate can lag behind reality).
create or replace function private.progress_total(status text, items_done bigint, estimated_total bigint)
returns bigint
language sql
immutable
set search_path = ''
as $$
  select case when status in ('completed', 'skipped') then items_done
              else greatest(coalesce(estimated_total, 0), items_done) end
$$;
revoke execute on function private.progress_total(text, bigint, bigint) from public, anon, authenticated;
grant execute on function private.progress_total(text, bigint, bigint) to authenticated, service_role;

create or replace function private.eta_seconds(started_at timestamptz, items_done bigint, items_total bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
  select case
    when started_at is null or items_done <= 0 or items_total is null or items_total <= items_done then null
    else ceil((items_total - items_done)
              / (items_done / greatest(extract(epoch from (now() - started_at)), 1)))::bigint
  end
$$;
revoke execute on function private.eta_seconds(timestamptz, bigint, bigint) from public, anon, authenticated;
grant execute on function private.eta_seconds(timestamptz, bigint, bigint) to authenticated, service_role;

create view public.backfill_data_type_status with (security_invoker = true) as
select
  p.task_id,
  t.job_id,
  t.workspace_id,
  t.tracked_repository_id,
  tr.full_name,
  p.data_type,
  p.status,
  p.items_done,
  p.estimated_total,
  case when p.status in ('completed', 'skipped') then 100.0
       when coalesce(p.estimated_total, 0) > 0
         then least(100.0, round(100.0 * p.items_done / p.estimated_total, 1))
       else 0.0 end::numeric(5, 1) as percent,
  p.attempts,
  p.last_error,
  p.window_start,
  p.heartbeat_at,
  p.updated_at
from public.backfill_progress p
join public.backfill_tasks t on t.id = p.task_id
left join public.tracked_repositories tr on tr.id = t.tracked_repository_id;
comment on view public.backfill_data_type_status is
  'Progress of one data type of one repository in a backfill (e.g. pull_requests 250/500): '
  'items done, estimate, percent, attempts and the last error.';

create view public.backfill_repository_status with (security_invoker = true) as
select
  t.id as task_id,
  t.job_id,
  t.workspace_id,
  t.tracked_repository_id,
  tr.full_name,
  t.repository_id,
  t.status,
  t.attempts,
  coalesce(p.items_done, 0) as items_done,
  coalesce(p.items_total, 0) as estimated_total,
  case when t.status = 'completed' then 100.0
       when coalesce(p.items_total, 0) > 0 then least(100.0, round(100.0 * p.items_done / p.items_total, 1))
       else 0.0 end::numeric(5, 1) as percent,
  case when t.status = 'running' then private.eta_seconds(t.started_at, p.items_done, p.items_total) end
    as eta_seconds,
  coalesce(t.last_error, p.last_error) as last_error,
  t.points_used,
  t.started_at,
  t.finished_at,
  t.heartbeat_at,
  t.created_at
from public.backfill_tasks t
left join public.tracked_repositories tr on tr.id = t.tracked_repository_id
left join lateral (
  select sum(bp.items_done)::bigint as items_done,
         sum(private.progress_total(bp.status, bp.items_done, bp.estimated_total))::bigint as items_total,
         (array_agg(bp.last_error order by bp.updated_at desc) filter (where bp.last_error is not null))[1]
           as last_error
  from public.backfill_progress bp
  where bp.task_id = t.id
) p on true;
comment on view public.backfill_repository_status is
  'Progress of one repository in a backfill: status, items done of the estimate, percent, ETA in '
  'seconds (while running) and the last error.';

create view public.backfill_job_status with (security_invoker = true) as
select
  j.id as job_id,
  j.workspace_id,
  j.kind,
  j.status,
  j.window_days,
  j.data_types,
  j.total_tasks,
  j.completed_tasks,
  j.failed_tasks,
  j.cancelled_tasks,
  greatest(j.total_tasks - j.completed_tasks - j.failed_tasks - j.cancelled_tasks, 0) as remaining_tasks,
  coalesce(p.items_done, 0) as items_done,
  coalesce(p.items_total, 0) as estimated_total,
  case when j.status = 'completed' then 100.0
       when coalesce(p.items_total, 0) > 0 then least(100.0, round(100.0 * p.items_done / p.items_total, 1))
       when j.total_tasks > 0
         then round(100.0 * (j.completed_tasks + j.failed_tasks + j.cancelled_tasks) / j.total_tasks, 1)
       else 0.0 end::numeric(5, 1) as percent,
  e.eta_seconds,
  case when e.eta_seconds is not null then now() + make_interval(secs => e.eta_seconds) end
    as estimated_completion_at,
  coalesce(j.error, p.last_error) as last_error,
  j.points_used,
  j.created_by,
  j.created_at,
  j.started_at,
  j.finished_at,
  j.cancelled_at
from public.backfill_jobs j
left join lateral (
  select sum(bp.items_done)::bigint as items_done,
         sum(private.progress_total(bp.status, bp.items_done, bp.estimated_total))::bigint as items_total,
         (array_agg(coalesce(t.last_error, bp.last_error) order by bp.updated_at desc)
            filter (where coalesce(t.last_error, bp.last_error) is not null))[1] as last_error
  from public.backfill_tasks t
  join public.backfill_progress bp on bp.task_id = t.id
  where t.job_id = j.id
) p on true
cross join lateral (
  select case when j.status = 'running' then private.eta_seconds(j.started_at, p.items_done, p.items_total) end
    as eta_seconds
) e;
comment on view public.backfill_job_status is
  'Progress of one backfill job: task counts, items done of the estimate, percent, ETA (seconds '
  'and time, from the observed rate since started_at) and the last error.';

create view public.workspace_data_coverage with (security_invoker = true) as
select
  w.workspace_id,
  w.tracked_repository_id,
  t.full_name,
  t.repository_id,
  c.data_type,
  c.oldest_at,
  c.newest_at
from public.workspace_tracked_repositories w
join public.tracked_repositories t on t.id = w.tracked_repository_id
cross join lateral (
  select 'pull_requests' as data_type,
         (select min(x.created_at) from public.pull_requests x where x.repository_id = t.repository_id) as oldest_at,
         (select max(x.created_at) from public.pull_requests x where x.repository_id = t.repository_id) as newest_at
  union all
  select 'reviews',
         (select min(x.submitted_at) from public.reviews x where x.repository_id = t.repository_id),
         (select max(x.submitted_at) from public.reviews x where x.repository_id = t.repository_id)
  union all
  select 'issue_comments',
         (select min(x.created_at) from public.issue_comments x where x.repository_id = t.repository_id),
         (select max(x.created_at) from public.issue_comments x where x.repository_id = t.repository_id)
  union all
  select 'review_comments',
         (select min(x.created_at) from public.review_comments x where x.repository_id = t.repository_id),
         (select max(x.created_at) from public.review_comments x where x.repository_id = t.repository_id)
  union all
  select 'issues',
         (select min(x.created_at) from public.issues x where x.repository_id = t.repository_id),
         (select max(x.created_at) from public.issues x where x.repository_id = t.repository_id)
  union all
  select 'discussions',
         (select min(x.created_at) from public.discussions x where x.repository_id = t.repository_id),
         (select max(x.created_at) from public.discussions x where x.repository_id = t.repository_id)
  union all
  select 'discussion_comments',
         (select min(x.created_at) from public.discussion_comments x where x.repository_id = t.repository_id),
         (select max(x.created_at) from public.discussion_comments x where x.repository_id = t.repository_id)
  union all
  select 'commits',
         (select min(x.committed_at) from public.commits x where x.repository_id = t.repository_id),
         (select max(x.committed_at) from public.commits x where x.repository_id = t.repository_id)
  union all
  select 'stars',
         (select min(x.day)::timestamptz from public.star_history x where x.repository_id = t.repository_id),
         (select max(x.day)::timestamptz from public.star_history x where x.repository_id = t.repository_id)
  union all
  select 'forks',
         (select min(x.created_at) from public.forks x where x.repository_id = t.repository_id),
         (select max(x.created_at) from public.forks x where x.repository_id = t.repository_id)
) c;
comment on view public.workspace_data_coverage is
  'For each repository of a workspace and each data type, the oldest and newest item stored '
  '(null when none): how far back the data really goes.';

revoke all on public.backfill_job_status, public.backfill_repository_status,
  public.backfill_data_type_status, public.workspace_data_coverage from anon, authenticated;
grant select on public.backfill_job_status, public.backfill_repository_status,
  public.backfill_data_type_status, public.workspace_data_coverage to authenticated, service_role;
