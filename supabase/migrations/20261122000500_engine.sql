-- Engine state. Public (members read through RLS, only the service role writes): jobs, per-repo
-- tasks, per task and data type progress. Internal (schema engine): the GitHub token pool and
-- the shared rate-limit budget. The fan-out trigger and the worker come with the engine.

create table engine.github_tokens (
  id uuid primary key default gen_random_uuid(),
  label text not null unique,
  vault_secret_id uuid not null,              -- id of the vault.secrets row holding the token; never the token
  kind text not null default 'pat'
    constraint github_tokens_kind_is_pat_or_app check (kind in ('pat', 'app')),
  enabled boolean not null default true,
  created_at timestamptz not null default now()
);
comment on table engine.github_tokens is
  'Pool of GitHub credentials. Token values live only in Vault (vault_secret_id).';

create table engine.rate_limit_budgets (
  token_id uuid not null references engine.github_tokens (id) on delete cascade,
  resource text not null
    constraint rate_limit_budgets_resource_is_graphql_or_core check (resource in ('graphql', 'core')),
  limit_points int not null default 5000 check (limit_points >= 0),
  remaining int not null default 5000,
  reserved int not null default 0 check (reserved >= 0),
  reset_at timestamptz,
  paused_until timestamptz,                   -- secondary limit: nobody uses this token until then
  updated_at timestamptz not null default now(),
  primary key (token_id, resource)
);
comment on table engine.rate_limit_budgets is
  'Shared GitHub budget per token and resource: reserve before a request, reconcile after it.';

alter table engine.github_tokens enable row level security;
alter table engine.rate_limit_budgets enable row level security;
revoke all on engine.github_tokens, engine.rate_limit_budgets from public, anon, authenticated;
grant all on engine.github_tokens, engine.rate_limit_budgets to service_role;

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
  source jsonb not null default '{}'::jsonb            -- e.g. {"polar_subscription_id": "..."}
);
create index backfill_jobs_workspace_id_created_at_idx on public.backfill_jobs (workspace_id, created_at desc);
create index backfill_jobs_status_idx on public.backfill_jobs (status) where status in ('pending', 'running');
comment on table public.backfill_jobs is
  'One backfill of a workspace''s repositories for window_days: addon purchase, manual, initial '
  '(bulk add, max_prs_per_repo) or scheduled. Counters are kept by the engine.';

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
  unique (job_id, tracked_repository_id)
);
create index backfill_tasks_job_id_status_idx on public.backfill_tasks (job_id, status);
create index backfill_tasks_workspace_id_idx on public.backfill_tasks (workspace_id);
comment on table public.backfill_tasks is
  'One repository of a backfill job; carries the pgmq message currently driving it.';

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
  primary key (task_id, data_type)
);
comment on table public.backfill_progress is
  'Resumable position of one data type of one task: GitHub cursor, items done, estimate, errors.';

alter table public.backfill_jobs enable row level security;
alter table public.backfill_tasks enable row level security;
alter table public.backfill_progress enable row level security;

create policy "members can read their workspace's jobs" on public.backfill_jobs
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));
create policy "members can read their workspace's tasks" on public.backfill_tasks
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));
create policy "members can read their workspace's progress" on public.backfill_progress
  for select to authenticated using (
    exists (select 1 from public.backfill_tasks t
            where t.id = task_id and t.workspace_id in (select private.member_workspace_ids())));

revoke all on public.backfill_jobs, public.backfill_tasks, public.backfill_progress from anon, authenticated;
grant select on public.backfill_jobs, public.backfill_tasks, public.backfill_progress to authenticated;
grant all on public.backfill_jobs, public.backfill_tasks, public.backfill_progress to service_role;
