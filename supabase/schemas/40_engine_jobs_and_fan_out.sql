-- Backfill engine: jobs, tasks, progress, the work queues and the fan-out of a job.
--
-- A job row fans out, in the inserting transaction, into one task per repository (the job's
-- tracked_repository_ids in their order, else every repository of the workspace by full_name),
-- one progress row per (task, data type) and one pgmq message per task, sent in that order.
-- Recent and small work (initial and scheduled jobs, windows of 30 days or less) goes to
-- `backfill_recent`, which the worker drains before `backfill_bulk`. A scheduled job's tasks
-- start at their repository's last sync (engine.scheduled_sync_since). The worker is then kicked
-- (45_engine_worker_invocations.sql), so the first rows land within seconds.

create table public.backfill_jobs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  kind text not null
    constraint backfill_jobs_kind_is_addon_manual_initial_or_scheduled
    check (kind in ('addon', 'manual', 'initial', 'scheduled')),
  window_days int not null
    constraint backfill_jobs_window_days_between_1_and_365 check (window_days between 1 and 365),
  data_types text[] not null
    constraint backfill_jobs_data_types_are_known_and_not_empty
    check (cardinality(data_types) > 0
           and data_types <@ array['repository', 'pull_requests', 'issues', 'discussions',
                                   'commits', 'stars', 'forks']::text[]),
  status text not null default 'pending'
    constraint backfill_jobs_status_is_known
    check (status in ('pending', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled')),
  total_tasks int not null default 0 check (total_tasks >= 0),
  completed_tasks int not null default 0 check (completed_tasks >= 0),
  failed_tasks int not null default 0 check (failed_tasks >= 0),
  cancelled_tasks int not null default 0 check (cancelled_tasks >= 0),
  items_done bigint not null default 0 check (items_done >= 0),
  points_used bigint not null default 0 check (points_used >= 0),
  max_prs_per_repo int check (max_prs_per_repo > 0),   -- the initial job's 200-PR cap
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  cancelled_at timestamptz,
  error text,
  source jsonb not null default '{}'::jsonb,           -- e.g. {"polar_subscription_id": "..."}
  tracked_repository_ids uuid[],
  max_in_flight_per_owner int
    constraint backfill_jobs_max_in_flight_per_owner_positive check (max_in_flight_per_owner > 0)
);
alter table public.backfill_jobs enable row level security;
revoke all on public.backfill_jobs from anon, authenticated;
grant select on public.backfill_jobs to authenticated;
grant all on public.backfill_jobs to service_role;
comment on table public.backfill_jobs is
  'One backfill of a workspace''s repositories for window_days: addon purchase, manual, initial '
  '(bulk add, max_prs_per_repo) or scheduled. Counters are kept by the engine.';
comment on column public.backfill_jobs.tracked_repository_ids is
  'Repositories of the workspace this job covers; null means all of them.';
comment on column public.backfill_jobs.max_in_flight_per_owner is
  'At most this many tasks of repositories of one GitHub owner may run at once (bulk add: 5); '
  'null means no per-owner limit. The engine honours it when claiming tasks.';

create index backfill_jobs_workspace_id_created_at_idx on public.backfill_jobs (workspace_id, created_at desc);

create index backfill_jobs_status_idx on public.backfill_jobs (status) where status in ('pending', 'running');

-- At most one live addon job per workspace, whatever the timing of concurrent deliveries.
create unique index backfill_jobs_one_live_addon_job_per_workspace
  on public.backfill_jobs (workspace_id)
  where kind = 'addon' and status in ('pending', 'running');

create table public.backfill_tasks (
  id bigint generated always as identity primary key,
  job_id uuid not null references public.backfill_jobs (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  tracked_repository_id uuid not null references public.tracked_repositories (id) on delete cascade,
  repository_id bigint references public.repositories (id) on delete set null,
  status text not null default 'pending'
    constraint backfill_tasks_status_is_known
    check (status in ('pending', 'running', 'completed', 'failed', 'cancelled')),
  attempts int not null default 0 check (attempts >= 0),
  last_error text,
  queue_name text,
  msg_id bigint,
  points_used bigint not null default 0 check (points_used >= 0),
  started_at timestamptz,
  finished_at timestamptz,
  heartbeat_at timestamptz,
  created_at timestamptz not null default now(),
  claim_id uuid,
  deliveries int not null default 0 check (deliveries >= 0),
  unique (job_id, tracked_repository_id)
);
alter table public.backfill_tasks enable row level security;
revoke all on public.backfill_tasks from anon, authenticated;
grant select on public.backfill_tasks to authenticated;
grant all on public.backfill_tasks to service_role;
comment on table public.backfill_tasks is
  'One repository of a backfill job; carries the pgmq message currently driving it.';
comment on column public.backfill_tasks.deliveries is
  'Claims of the task since it last committed a chunk: a task whose deliveries keep ending without progress '
  '(a worker killed every time) is failed by the worker after its attempts.';
comment on column public.backfill_tasks.claim_id is
  'The current claim of a running task (engine.claim_backfill_tasks); calls of an older claim are stale.';

create index backfill_tasks_job_id_status_idx on public.backfill_tasks (job_id, status);

create index backfill_tasks_workspace_id_idx on public.backfill_tasks (workspace_id);

-- Fair claiming groups the live tasks of a queue by workspace and finds each one's oldest message.
create index backfill_tasks_live_by_queue_idx on public.backfill_tasks (queue_name, workspace_id, msg_id)
  include (status) where status in ('pending', 'running');

create index backfill_tasks_running_heartbeat_idx
  on public.backfill_tasks (heartbeat_at) where status = 'running';

create table public.backfill_progress (
  task_id bigint not null references public.backfill_tasks (id) on delete cascade,
  data_type text not null
    constraint backfill_progress_data_type_is_known
    check (data_type in ('repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks')),
  status text not null default 'pending'
    constraint backfill_progress_status_is_known
    check (status in ('pending', 'running', 'completed', 'failed', 'cancelled', 'skipped')),
  cursor text,
  window_start timestamptz,
  items_done bigint not null default 0 check (items_done >= 0),
  estimated_total bigint check (estimated_total >= 0),
  attempts int not null default 0 check (attempts >= 0),
  last_error text,
  heartbeat_at timestamptz,
  updated_at timestamptz not null default now(),
  page_size int check (page_size > 0),
  primary key (task_id, data_type)
);
alter table public.backfill_progress enable row level security;
revoke all on public.backfill_progress from anon, authenticated;
grant select on public.backfill_progress to authenticated;
grant all on public.backfill_progress to service_role;
comment on table public.backfill_progress is
  'Resumable position of one data type of one task: GitHub cursor, items done, estimate, errors.';
comment on column public.backfill_progress.page_size is
  'Items per page for the next chunk when the last one could not be fetched within a pass (halved each time); null: '
  'the worker''s default. Kept for the rest of the data type once a chunk fits (the size that fits this repository in '
  'a pass); reset by a retry.';
comment on column public.backfill_progress.window_start is
  'Start of the window this data type covers (null for repository metadata). Scheduled (incremental) '
  'jobs: the repository''s last sync, and PRs and issues are fetched by update date from it; other '
  'jobs: now() - window_days, by creation date.';

create or replace function engine.queue_for_job(p_kind text, p_window_days int) returns text
language sql immutable
set search_path = ''
as $$
  select case when p_kind in ('initial', 'scheduled') or coalesce(p_window_days, 0) <= 30
    then 'backfill_recent' else 'backfill_bulk' end
$$;
comment on function engine.queue_for_job(text, int) is
  'The queue a job''s tasks go to: recent and small work before historical bulk.';

create or replace function engine.supported_data_types() returns text[]
language sql immutable
set search_path = ''
as $$ select array['repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks'] $$;
comment on function engine.supported_data_types() is
  'Data types the worker fetches, in the order it fetches them; other requested types are marked skipped.';

-- Sends the messages in the order of p_task_ids (a task listed twice is sent once, at its first
-- place). Callers that want id order pass ids in id order.
create or replace function engine.enqueue_backfill_tasks(p_task_ids bigint[], p_queue text)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids bigint[];
begin
  select array_agg(x order by first_n) into v_ids
  from (select x, min(n) as first_n from unnest(p_task_ids) with ordinality as u(x, n)
        where x is not null group by x) d;
  if v_ids is null then
    return 0;
  end if;
  with sent as (
    select s.msg_id, s.n
    from pgmq.send_batch(
      p_queue,
      (select array_agg(jsonb_build_object('task_id', x) order by n) from unnest(v_ids) with ordinality as u(x, n))
    ) with ordinality as s(msg_id, n)
  ), pairs as (
    select t.task_id, sent.msg_id
    from unnest(v_ids) with ordinality as t(task_id, n)
    join sent using (n)
  )
  update public.backfill_tasks bt
  set msg_id = pairs.msg_id, queue_name = p_queue
  from pairs
  where bt.id = pairs.task_id;
  return cardinality(v_ids);
end;
$$;
revoke all on function engine.enqueue_backfill_tasks(bigint[], text) from public;
grant execute on function engine.enqueue_backfill_tasks(bigint[], text) to service_role;
comment on function engine.enqueue_backfill_tasks(bigint[], text) is
  'Sends one pgmq message per task in one send_batch, in the order of p_task_ids (so msg_ids follow it), and stores the message ids on the tasks.';

create or replace function engine.scheduled_sync_since(p_kind text, p_source jsonb,
  p_tracked_repository_id uuid, p_window_days int)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  -- Never further back than the job's window (window_days is capped at 365 days).
  select greatest((p_source #>> array['repositories', p_tracked_repository_id::text, 'since'])::timestamptz,
                  now() - make_interval(days => greatest(p_window_days, 1)))
  where p_kind = 'scheduled'
$$;
revoke all on function engine.scheduled_sync_since(text, jsonb, uuid, int) from public;
grant execute on function engine.scheduled_sync_since(text, jsonb, uuid, int) to service_role;
comment on function engine.scheduled_sync_since(text, jsonb, uuid, int) is
  'Window start of one repository of a scheduled job: source.repositories[<tracked_repository_id>].since '
  '(the oldest last sync of the due workspaces), never before now() - window_days; null for other kinds '
  'or when the repository was never synced.';

create or replace function private.tg_backfill_jobs__after_insert() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_queue text := engine.queue_for_job(new.kind, new.window_days);
  v_types text[] := coalesce(new.data_types, engine.supported_data_types());
  v_window_start timestamptz := now() - make_interval(days => greatest(new.window_days, 1));
  v_task_ids bigint[];
begin
  with inserted as (
    insert into public.backfill_tasks (job_id, workspace_id, tracked_repository_id, repository_id, status, queue_name)
    select new.id, new.workspace_id, tr.id, tr.repository_id, 'pending', v_queue
    from public.workspace_tracked_repositories wtr
    join public.tracked_repositories tr on tr.id = wtr.tracked_repository_id
    where wtr.workspace_id = new.workspace_id
      and (new.tracked_repository_ids is null or tr.id = any (new.tracked_repository_ids))
    order by array_position(new.tracked_repository_ids, tr.id), tr.full_name
    returning id, tracked_repository_id
  )
  select array_agg(i.id order by array_position(new.tracked_repository_ids, i.tracked_repository_id), tr.full_name)
  into v_task_ids
  from inserted i join public.tracked_repositories tr on tr.id = i.tracked_repository_id;

  insert into public.backfill_progress (task_id, data_type, status, window_start)
  select t.id, dt,
    case when dt = any (engine.supported_data_types()) then 'pending' else 'skipped' end,
    case when dt = 'repository' then null
         else coalesce(engine.scheduled_sync_since(new.kind, new.source, t.tracked_repository_id, new.window_days),
                       v_window_start) end
  from public.backfill_tasks t
  cross join unnest(v_types) as dt
  where t.id = any (coalesce(v_task_ids, '{}'));

  perform engine.enqueue_backfill_tasks(v_task_ids, v_queue);

  update public.backfill_jobs
  set total_tasks = coalesce(cardinality(v_task_ids), 0),
      status = case when v_task_ids is null then 'completed' else 'pending' end,
      finished_at = case when v_task_ids is null then now() end
  where id = new.id;

  if v_task_ids is not null then
    perform engine.kick_backfill_worker();
  end if;
  return null;
end;
$$;
comment on function private.tg_backfill_jobs__after_insert() is
  'Fans a new backfill job out into tasks, progress rows and one pgmq message per task (in the order of '
  'tracked_repository_ids, else by full_name), then kicks the worker. Progress window_start is '
  'now() - window_days, or for a scheduled job its repository''s since (engine.scheduled_sync_since).';

create trigger tg_backfill_jobs__after_insert
after insert on public.backfill_jobs
for each row execute function private.tg_backfill_jobs__after_insert();

create policy "members can read their workspace's jobs" on public.backfill_jobs
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));

create policy "members can read their workspace's tasks" on public.backfill_tasks
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));

create policy "members can read their workspace's progress" on public.backfill_progress
  for select to authenticated using (
    exists (select 1 from public.backfill_tasks t
            where t.id = task_id and t.workspace_id in (select private.member_workspace_ids())));

select pgmq.create('backfill_recent');

select pgmq.create('backfill_bulk');

-- Only the service role (the worker) and postgres touch the queues.
grant usage on schema pgmq to service_role;

grant execute on all functions in schema pgmq to service_role;

grant select, insert, update, delete on all tables in schema pgmq to service_role;

grant usage on schema engine to service_role;
