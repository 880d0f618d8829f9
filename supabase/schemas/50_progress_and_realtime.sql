-- Progress for clients: the status views (security invoker: the caller's RLS applies),
-- notifications, and Broadcast from Database on the private topic workspace:<uuid>:backfill,
-- received by members of that workspace only (RLS on realtime.messages).
--
-- Percent is the mean, over the non-skipped data types, of each type's fraction (completed 1,
-- otherwise items_done / estimated_total, 0 while no estimate); a failed repository's types count
-- as ended in its job. ETA: remaining estimated items at the rate observed since started_at,
-- and no earlier than the GitHub budget allows. Event names and payloads: docs/realtime.md.

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  workspace_id uuid references public.workspaces (id) on delete cascade,
  kind text not null,                         -- e.g. backfill_completed
  title text not null,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
alter table public.notifications enable row level security;
revoke all on public.notifications from anon, authenticated;
grant select on public.notifications to authenticated;
grant all on public.notifications to service_role;
comment on table public.notifications is
  'Messages for one user (e.g. a backfill finished). Users read their own and mark them read '
  'with mark_notification_read().';
comment on column public.notifications.kind is
  'What the notification is about: backfill_finished (a backfill job ended; payload {job_id, status, '
  'total_tasks, failed_tasks, items_done, points_used}).';

create index notifications_user_id_created_at_idx on public.notifications (user_id, created_at desc);

create or replace function private.mark_notification_read(notification_id uuid)
returns public.notifications
language plpgsql
security definer
set search_path = ''
as $$
declare
  marked public.notifications;
begin
  update public.notifications n
     set read_at = coalesce(n.read_at, now())
   where n.id = mark_notification_read.notification_id
     and n.user_id = (select auth.uid())
  returning * into marked;
  if marked.id is null then
    raise exception 'mark_notification_read: no notification % for the current user', notification_id
      using errcode = 'P0002', hint = 'Only your own notifications can be marked read.';
  end if;
  return marked;
end
$$;
revoke execute on function private.mark_notification_read(uuid) from public, anon, authenticated, service_role;
grant execute on function private.mark_notification_read(uuid) to authenticated;

create or replace function public.mark_notification_read(notification_id uuid)
returns public.notifications
language sql
security invoker
set search_path = ''
as $$ select private.mark_notification_read(notification_id) $$;
revoke execute on function public.mark_notification_read(uuid) from public, anon;
grant execute on function public.mark_notification_read(uuid) to authenticated;
comment on function public.mark_notification_read(uuid) is
  'Marks one of the caller''s notifications read (idempotent: keeps the first read_at) and returns it.';

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

create or replace function private.can_receive_workspace_topic(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    topic ~ '^workspace:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:backfill$'
    and private.has_workspace_role(split_part(topic, ':', 2)::uuid, 'member'),
    false)
$$;
revoke execute on function private.can_receive_workspace_topic(text) from public, anon, authenticated;
grant execute on function private.can_receive_workspace_topic(text) to authenticated, service_role;
comment on function private.can_receive_workspace_topic(text) is
  'True when topic is workspace:<uuid>:backfill and the calling user is a member of that workspace.';

create or replace function private.broadcast_workspace_event(workspace_id uuid, event text, payload jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(coalesce(payload, '{}'::jsonb), event,
                        'workspace:' || broadcast_workspace_event.workspace_id || ':backfill', true);
end
$$;
revoke execute on function private.broadcast_workspace_event(uuid, text, jsonb) from public, anon, authenticated;
grant execute on function private.broadcast_workspace_event(uuid, text, jsonb) to service_role;
comment on function private.broadcast_workspace_event(uuid, text, jsonb) is
  'Sends a private broadcast on workspace:<id>:backfill. The engine sends backfill_progress (after '
  'every chunk commit) and backfill_finished (when a job ends, cancel included); payloads in '
  'docs/realtime.md. For the engine; clients subscribe to the topic with private: true.';

-- One data type's fraction done: completed 1, skipped null (not counted), else done / estimate.
create or replace function private.progress_fraction(status text, items_done bigint, estimated_total bigint)
returns numeric
language sql
immutable
set search_path = ''
as $$
  select case when status = 'completed' then 1.0
              when status = 'skipped' then null
              when coalesce(estimated_total, 0) > 0 then least(1.0, items_done::numeric / estimated_total)
              else 0.0 end
$$;
revoke execute on function private.progress_fraction(text, bigint, bigint) from public, anon, authenticated;
grant execute on function private.progress_fraction(text, bigint, bigint) to authenticated, service_role;
comment on function private.progress_fraction(text, bigint, bigint) is
  'Fraction of one data type done: completed 1, skipped null (not counted in percents), else items_done / estimated_total (0 without an estimate).';

-- Seconds before the GitHub budget can cover p_points, as far as the budget table knows: 0 when
-- the points usable now cover them; null when no token is known. Reads engine tables, which
-- clients cannot, and returns only a number of seconds.
create or replace function private.github_budget_wait_seconds(p_points numeric)
returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  with b as (
    select
      case when b.paused_until > now() then 0
           else greatest(
             case when b.reset_at is not null and b.reset_at + engine.budget_reset_margin() <= now()
                  then b.limit_points else b.remaining end
             - b.reserved - 1000, 0)              -- the worker's default reserve (BACKFILL_BUDGET_RESERVE)
      end as usable_now,
      greatest(b.limit_points - 1000, 0) as per_window,
      nullif(greatest(coalesce(case when b.reset_at > now() then b.reset_at + engine.budget_reset_margin() end, '-infinity'),
                      coalesce(case when b.paused_until > now() then b.paused_until end, '-infinity')),
             '-infinity'::timestamptz) as refill_at
    from engine.rate_limit_budgets b
    join engine.github_tokens t on t.id = b.token_id
    where t.enabled and b.resource = 'graphql'
  ), s as (
    select count(*) as tokens, sum(usable_now) as usable, sum(per_window) as per_window, min(refill_at) as next_refill
    from b
  )
  select case
    when p_points is null or p_points <= 0 then 0
    when s.tokens = 0 then null
    when p_points <= s.usable then 0
    when s.next_refill is null or s.per_window = 0 then null
    else ceil(extract(epoch from (s.next_refill - now())))::bigint
         + (ceil((p_points - s.usable) / s.per_window)::bigint - 1) * 3600
  end
  from s
$$;
revoke execute on function private.github_budget_wait_seconds(numeric) from public, anon, authenticated;
grant execute on function private.github_budget_wait_seconds(numeric) to authenticated, service_role;
comment on function private.github_budget_wait_seconds(numeric) is
  'Seconds until the shared GitHub budget (enabled tokens, graphql, above the 1,000-point reserve) can cover p_points: '
  '0 if it can now, else the time to the next reset plus an hour per further window; null when no token is known.';

create or replace view public.backfill_data_type_status with (security_invoker = true) as
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
  round(100.0 * private.progress_fraction(p.status, p.items_done, p.estimated_total), 1)::numeric(5, 1) as percent,
  p.attempts,
  case when p.status in ('completed', 'skipped') then null else p.last_error end as last_error,
  p.window_start,
  p.heartbeat_at,
  p.updated_at
from public.backfill_progress p
join public.backfill_tasks t on t.id = p.task_id
left join public.tracked_repositories tr on tr.id = t.tracked_repository_id;
revoke all on public.backfill_data_type_status from anon, authenticated;
grant select on public.backfill_data_type_status to authenticated, service_role;
comment on view public.backfill_data_type_status is
  'Progress of one data type of one repository in a backfill (e.g. pull_requests 250/500): items done, '
  'estimate, percent (null for skipped types, which the worker does not fetch), attempts and the last '
  'error (while not completed).';

create or replace view public.backfill_repository_status with (security_invoker = true) as
select
  t.id as task_id,
  t.job_id,
  t.workspace_id,
  t.tracked_repository_id,
  tr.full_name,
  t.repository_id,
  -- Data types are independent: a repository whose other types completed ended with errors.
  case when t.status = 'failed' and p.types_completed > 0 then 'completed_with_errors' else t.status end as status,
  t.attempts,
  coalesce(p.items_done, 0) as items_done,
  coalesce(p.items_total, 0) as estimated_total,
  case when t.status = 'completed' then 100.0
       when p.types_counted > 0 then least(100.0, round(100.0 * p.fraction_sum / p.types_counted, 1))
       else 0.0 end::numeric(5, 1) as percent,
  e.eta_seconds,
  case when t.status in ('completed', 'cancelled') then null else coalesce(t.last_error, p.last_error) end
    as last_error,
  t.points_used,
  t.started_at,
  t.finished_at,
  t.heartbeat_at,
  t.created_at,
  e.eta_limited_by
from public.backfill_tasks t
left join public.tracked_repositories tr on tr.id = t.tracked_repository_id
left join lateral (
  select sum(bp.items_done) filter (where bp.status <> 'skipped')::bigint as items_done,
         count(*) filter (where bp.status = 'completed' and bp.data_type <> 'repository') as types_completed,
         sum(private.progress_total(bp.status, bp.items_done, bp.estimated_total))::bigint as items_total,
         count(*) filter (where bp.status <> 'skipped') as types_counted,
         sum(private.progress_fraction(bp.status, bp.items_done, bp.estimated_total)) as fraction_sum,
         -- Only a running repository needs the remaining items; a type without an estimate yet is
         -- assumed to be like the same type of the job's other repositories.
         sum(greatest(coalesce(bp.estimated_total,
               (select avg(greatest(x.estimated_total, x.items_done))
                from public.backfill_progress x join public.backfill_tasks xt on xt.id = x.task_id
                where xt.job_id = t.job_id and x.data_type = bp.data_type and x.estimated_total is not null),
               0), bp.items_done) - bp.items_done)
           filter (where t.status = 'running' and bp.status in ('pending', 'running')) as items_remaining,
         (array_agg(bp.last_error order by bp.updated_at desc)
            filter (where bp.last_error is not null and bp.status not in ('completed', 'skipped')))[1] as last_error
  from public.backfill_progress bp
  where bp.task_id = t.id
) p on true
cross join lateral (
  select case when t.status = 'running' and t.started_at is not null and p.items_done > 0 and p.items_remaining > 0
           then ceil(p.items_remaining / (p.items_done / greatest(extract(epoch from (now() - t.started_at)), 1)))::bigint
         end as item_eta,
         case when t.status = 'running' and p.items_done > 0 and p.items_remaining > 0
           then private.github_budget_wait_seconds(p.items_remaining * t.points_used::numeric / p.items_done)
         end as budget_eta
) r
cross join lateral (
  select case when r.item_eta is not null then greatest(r.item_eta, coalesce(r.budget_eta, 0)) end as eta_seconds,
         case when r.item_eta is null then null
              when coalesce(r.budget_eta, 0) > r.item_eta then 'github_budget'
              else 'observed_rate' end as eta_limited_by
) e;
revoke all on public.backfill_repository_status from anon, authenticated;
grant select on public.backfill_repository_status to authenticated, service_role;
comment on view public.backfill_repository_status is
  'Progress of one repository in a backfill: status (pending, running, completed, completed_with_errors: some data '
  'types failed and the others completed, failed, cancelled), items done of the estimate, percent (mean over its '
  'non-skipped data types), ETA in seconds while running (observed rate, at least the wait for the GitHub '
  'budget; eta_limited_by says which), and the last error (none once completed).';

create or replace view public.backfill_job_status with (security_invoker = true) as
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
  case when j.status in ('completed', 'completed_with_errors', 'failed') then 100.0
       when p.types_counted > 0 then least(100.0, round(100.0 * p.fraction_sum / p.types_counted, 1))
       when j.total_tasks > 0
         then round(100.0 * (j.completed_tasks + j.failed_tasks + j.cancelled_tasks) / j.total_tasks, 1)
       else 0.0 end::numeric(5, 1) as percent,
  e.eta_seconds,
  case when e.eta_seconds is not null then now() + make_interval(secs => e.eta_seconds) end
    as estimated_completion_at,
  coalesce(j.error, f.last_error, p.open_last_error) as last_error,
  j.points_used,
  j.created_by,
  j.created_at,
  j.started_at,
  j.finished_at,
  j.cancelled_at,
  e.eta_limited_by,
  coalesce(f.failed_repositories, '[]'::jsonb) as failed_repositories
from public.backfill_jobs j
left join lateral (
  select sum(x.items_done) filter (where x.status <> 'skipped')::bigint as items_done,
         sum(private.progress_total(x.status, x.items_done, x.estimated_total))::bigint as items_total,
         count(*) filter (where x.status <> 'skipped') as types_counted,
         sum(case when x.status = 'failed' then 1.0
                  else private.progress_fraction(x.status, x.items_done, x.estimated_total) end)
           filter (where x.status <> 'skipped') as fraction_sum,
         sum(greatest(coalesce(x.estimated_total, x.type_avg_total, 0), x.items_done) - x.items_done)
           filter (where x.status in ('pending', 'running') and x.task_status in ('pending', 'running')) as items_remaining,
         (array_agg(coalesce(x.task_error, x.last_error) order by x.updated_at desc)
            filter (where x.task_status in ('pending', 'running') and coalesce(x.task_error, x.last_error) is not null))[1]
           as open_last_error
  from (
    select bp.*, t.status as task_status, t.last_error as task_error,
           -- A type not started yet is assumed to be like the same type of the job's other repositories.
           avg(greatest(bp.estimated_total, bp.items_done)) filter (where bp.estimated_total is not null)
             over (partition by bp.data_type) as type_avg_total
    from public.backfill_tasks t
    join public.backfill_progress bp on bp.task_id = t.id
    where t.job_id = j.id
  ) x
) p on true
left join lateral (
  select (array_agg(t.last_error order by t.finished_at desc nulls last, t.id desc)
            filter (where t.last_error is not null))[1] as last_error,
         jsonb_agg(jsonb_build_object('task_id', t.id, 'tracked_repository_id', t.tracked_repository_id,
                                      'full_name', tr.full_name, 'error', t.last_error)
                   order by t.finished_at, t.id) as failed_repositories
  from public.backfill_tasks t
  left join public.tracked_repositories tr on tr.id = t.tracked_repository_id
  where t.job_id = j.id and t.status = 'failed'
) f on true
cross join lateral (
  select case when j.status = 'running' and j.started_at is not null and p.items_done > 0 and p.items_remaining > 0
           then ceil(p.items_remaining / (p.items_done / greatest(extract(epoch from (now() - j.started_at)), 1)))::bigint
         end as item_eta,
         case when j.status = 'running' and p.items_done > 0 and p.items_remaining > 0
           then private.github_budget_wait_seconds(p.items_remaining * j.points_used::numeric / p.items_done)
         end as budget_eta
) r
cross join lateral (
  select case when r.item_eta is not null then greatest(r.item_eta, coalesce(r.budget_eta, 0)) end as eta_seconds,
         case when r.item_eta is null then null
              when coalesce(r.budget_eta, 0) > r.item_eta then 'github_budget'
              else 'observed_rate' end as eta_limited_by
) e;
revoke all on public.backfill_job_status from anon, authenticated;
grant select on public.backfill_job_status to authenticated, service_role;
comment on view public.backfill_job_status is
  'Progress of one backfill job: task counts, items done of the known estimate, percent (mean over the '
  'non-skipped data types of its repositories; failed ones count as ended; 100 once the job ended, '
  'except cancelled), ETA (seconds and time: remaining items at the rate observed since started_at, at '
  'least the wait for the GitHub budget to cover their cost; eta_limited_by = observed_rate or '
  'github_budget), the last error and failed_repositories [{task_id, tracked_repository_id, full_name, error}].';

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
revoke all on public.workspace_data_coverage from anon, authenticated;
grant select on public.workspace_data_coverage to authenticated, service_role;
comment on view public.workspace_data_coverage is
  'For each repository of a workspace and each data type, the oldest and newest item stored '
  '(null when none): how far back the data really goes.';

create policy "users can read their own notifications" on public.notifications
  for select to authenticated using (user_id = (select auth.uid()));

create policy "members can receive their workspace's backfill broadcasts" on realtime.messages
  for select to authenticated
  using (extension = 'broadcast'
         and topic = (select realtime.topic())
         and (select private.can_receive_workspace_topic(realtime.topic())));

-- Identity sequences: only the service role inserts.
revoke all on all sequences in schema public from anon, authenticated;
