-- Metrics per repository and day, a per-workspace metrics cache, and user notifications.

create table public.daily_activity_metrics (
  repository_id bigint not null references public.repositories (id) on delete cascade,
  date date not null,
  commits_count int not null default 0 check (commits_count >= 0),
  additions int not null default 0 check (additions >= 0),
  deletions int not null default 0 check (deletions >= 0),
  files_changed int not null default 0 check (files_changed >= 0),
  unique_authors int not null default 0 check (unique_authors >= 0),
  prs_opened int not null default 0 check (prs_opened >= 0),
  prs_merged int not null default 0 check (prs_merged >= 0),
  prs_closed int not null default 0 check (prs_closed >= 0),
  issues_opened int not null default 0 check (issues_opened >= 0),
  issues_closed int not null default 0 check (issues_closed >= 0),
  stars int not null default 0 check (stars >= 0),
  forks int not null default 0 check (forks >= 0),
  updated_at timestamptz not null default now(),
  primary key (repository_id, date)
);
comment on table public.daily_activity_metrics is
  'Activity per repository and UTC day, computed in SQL from the content tables.';

create table public.workspace_metrics_cache (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  period_days int not null check (period_days between 1 and 365),
  metrics jsonb not null,
  computed_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (workspace_id, period_days)
);
create index workspace_metrics_cache_expires_at_idx on public.workspace_metrics_cache (expires_at);
comment on table public.workspace_metrics_cache is
  'Workspace-level metrics for a period, valid until expires_at.';

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
create index notifications_user_id_created_at_idx on public.notifications (user_id, created_at desc);
comment on table public.notifications is
  'Messages for one user (e.g. a backfill finished). Users read their own and mark them read '
  'with mark_notification_read().';

alter table public.daily_activity_metrics enable row level security;
alter table public.workspace_metrics_cache enable row level security;
alter table public.notifications enable row level security;

create policy "members can read daily activity of their workspace repos" on public.daily_activity_metrics
  for select to authenticated using (repository_id in (select private.readable_repository_ids()));
create policy "members can read their workspace's metrics" on public.workspace_metrics_cache
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));
create policy "users can read their own notifications" on public.notifications
  for select to authenticated using (user_id = (select auth.uid()));

revoke all on public.daily_activity_metrics, public.workspace_metrics_cache, public.notifications
  from anon, authenticated;
grant select on public.daily_activity_metrics, public.workspace_metrics_cache, public.notifications
  to authenticated;
grant all on public.daily_activity_metrics, public.workspace_metrics_cache, public.notifications
  to service_role;

create or replace function public.mark_notification_read(notification_id uuid)
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
revoke execute on function public.mark_notification_read(uuid) from public, anon, authenticated, service_role;
grant execute on function public.mark_notification_read(uuid) to authenticated;
comment on function public.mark_notification_read(uuid) is
  'Marks one of the caller''s notifications read (idempotent: keeps the first read_at) and returns it.';
