-- Tenancy: plans, workspaces and their members, and the role checks every policy builds on.
-- Roles rank owner > admin > member; owners and admins start, retry and cancel work, members read.

create table public.tier_plans (
  tier text primary key,
  retention_days int not null
    constraint tier_plans_retention_days_between_7_and_365 check (retention_days between 7 and 365),
  priority_points int not null default 0
    constraint tier_plans_priority_points_between_0_and_30 check (priority_points between 0 and 30),
  max_tracked_repositories int not null default 50
    constraint tier_plans_max_tracked_repositories_positive check (max_tracked_repositories > 0),
  max_live_jobs int not null default 3
    constraint tier_plans_max_live_jobs_positive check (max_live_jobs > 0)
);
alter table public.tier_plans enable row level security;
revoke all on public.tier_plans from anon, authenticated;
grant select on public.tier_plans to authenticated;
grant all on public.tier_plans to service_role;
comment on table public.tier_plans is
  'Per-plan defaults: the retention a workspace of that tier gets without the addon, and the points '
  'the tier adds to sync priority (max 30). Rows are editable per plan; free 30, pro 90, team 180, '
  'enterprise 365 days by default.';
comment on column public.tier_plans.max_tracked_repositories is
  'Quota: repositories a workspace of this tier may track (bulk_add_repositories refuses the rest).';
comment on column public.tier_plans.max_live_jobs is
  'Quota: manual and initial backfill jobs a workspace of this tier may have pending or running at once '
  '(addon and scheduled jobs are the system''s and do not count).';

create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    constraint workspaces_slug_is_3_to_48_lowercase_letters_digits_or_hyphens
    check (slug ~ '^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$'),
  name text not null
    constraint workspaces_name_is_1_to_100_characters check (char_length(btrim(name)) between 1 and 100),
  tier text not null default 'free'
    constraint workspaces_tier_is_free_pro_team_or_enterprise
    check (tier in ('free', 'pro', 'team', 'enterprise'))
    references public.tier_plans (tier),
  retention_days int not null
    constraint workspaces_retention_days_between_7_and_365 check (retention_days between 7 and 365),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.workspaces enable row level security;
revoke all on public.workspaces from anon, authenticated;
grant select on public.workspaces to authenticated;
grant all on public.workspaces to service_role;
comment on table public.workspaces is
  'A team''s set of tracked repositories. retention_days is the effective retention: the tier '
  'default from tier_plans, or 365 while the Extended Data Retention addon is active.';
comment on column public.workspaces.retention_days is
  'Effective retention in days (7..365). Defaults from tier_plans on insert; follows a tier change '
  'while it still equals the old tier''s default; the addon sets 365.';

create table public.workspace_members (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member'
    constraint workspace_members_role_is_owner_admin_or_member check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
alter table public.workspace_members enable row level security;
revoke all on public.workspace_members from anon, authenticated;
grant select on public.workspace_members to authenticated;
grant all on public.workspace_members to service_role;
comment on table public.workspace_members is
  'Who belongs to a workspace and with which role: owner > admin > member. Members read; owners '
  'and admins change settings and start, retry and cancel backfills through RPCs.';

create index workspace_members_user_id_idx on public.workspace_members (user_id);

-- Retention defaults from the tier and follows a tier change unless something (the addon)
-- has set it to a value of its own.
create or replace function private.tg_workspaces__default_retention()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.retention_days is null then
      select p.retention_days into new.retention_days from public.tier_plans p where p.tier = new.tier;
      if not found then
        raise exception 'unknown tier "%": use free, pro, team or enterprise', new.tier
          using errcode = '23514';
      end if;
    end if;
  elsif new.tier is distinct from old.tier
        and new.retention_days is not distinct from old.retention_days
        and old.retention_days = (select p.retention_days from public.tier_plans p where p.tier = old.tier) then
    select p.retention_days into new.retention_days from public.tier_plans p where p.tier = new.tier;
  end if;
  return new;
end
$$;
revoke execute on function private.tg_workspaces__default_retention() from public, anon, authenticated;

-- Role checks. SECURITY DEFINER so a policy on workspace_members can call them without recursion.
create or replace function private.role_rank(role text)
returns int
language sql
immutable
set search_path = ''
as $$
  select case role when 'owner' then 3 when 'admin' then 2 when 'member' then 1 end
$$;
revoke execute on function private.role_rank(text) from public, anon, authenticated;
grant execute on function private.role_rank(text) to authenticated, service_role;

create or replace function private.has_workspace_role(workspace_id uuid, min_role text default 'member')
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- plpgsql, not sql: a SQL function with a SET clause is planned again at every call.
  return exists (
    select 1
    from public.workspace_members m
    where m.workspace_id = has_workspace_role.workspace_id
      and m.user_id = (select auth.uid())
      and private.role_rank(m.role) >= coalesce(private.role_rank(has_workspace_role.min_role), 99)
  );
end
$$;
revoke execute on function private.has_workspace_role(uuid, text) from public, anon, authenticated;
grant execute on function private.has_workspace_role(uuid, text) to authenticated, service_role;
comment on function private.has_workspace_role(uuid, text) is
  'True when the calling user (auth.uid()) is in the workspace with at least min_role '
  '(member < admin < owner).';

-- The set form, for policies: `workspace_id in (select private.member_workspace_ids())` is
-- evaluated once per statement rather than once per row.
create or replace function private.member_workspace_ids(min_role text default 'member')
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.workspace_id
  from public.workspace_members m
  where m.user_id = (select auth.uid())
    and private.role_rank(m.role) >= coalesce(private.role_rank(min_role), 99)
$$;
revoke execute on function private.member_workspace_ids(text) from public, anon, authenticated;
grant execute on function private.member_workspace_ids(text) to authenticated, service_role;
comment on function private.member_workspace_ids(text) is
  'Ids of the workspaces the calling user belongs to with at least min_role.';

-- A signed-in user creates a workspace and becomes its owner.
create or replace function private.create_workspace(slug text, name text)
returns public.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  created public.workspaces;
begin
  if uid is null then
    raise exception 'create_workspace: sign in first; no user in the request'
      using errcode = '42501';
  end if;
  -- Sign-up is open: one person cannot multiply free workspaces (each with its quotas) at will.
  perform pg_advisory_xact_lock(hashtext('private.create_workspace'), hashtext(uid::text));
  if (select count(*) from public.workspace_members m where m.user_id = uid and m.role = 'owner') >= 10 then
    raise exception 'create_workspace: you already own 10 workspaces, the most one person may'
      using errcode = '54000', hint = 'Delete one you no longer use, or ask for more.';
  end if;
  insert into public.workspaces (slug, name) values (create_workspace.slug, create_workspace.name)
    returning * into created;
  insert into public.workspace_members (workspace_id, user_id, role) values (created.id, uid, 'owner');
  return created;
end
$$;
revoke execute on function private.create_workspace(text, text) from public, anon, authenticated;
grant execute on function private.create_workspace(text, text) to authenticated, service_role;

create or replace function public.create_workspace(slug text, name text)
returns public.workspaces
language sql
security invoker
set search_path = ''
as $$ select private.create_workspace(slug, name) $$;
revoke execute on function public.create_workspace(text, text) from public, anon;
grant execute on function public.create_workspace(text, text) to authenticated, service_role;
comment on function public.create_workspace(text, text) is
  'Creates a workspace on the free tier and makes the caller its owner (at most 10 owned per person). The slug must '
  'be 3-48 lowercase letters, digits or hyphens and not taken.';

create trigger tg_workspaces__default_retention
  before insert or update of tier on public.workspaces
  for each row execute function private.tg_workspaces__default_retention();

create trigger tg_workspaces__set_updated_at
  before update on public.workspaces
  for each row execute function private.tg_set_updated_at();

create policy "signed-in users can read the plans" on public.tier_plans
  for select to authenticated using (true);

create policy "members can read their workspaces" on public.workspaces
  for select to authenticated using (id in (select private.member_workspace_ids()));

create policy "members can read who belongs to their workspaces" on public.workspace_members
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));

insert into public.tier_plans (tier, retention_days, priority_points, max_tracked_repositories, max_live_jobs) values
  ('free', 30, 0, 50, 3),
  ('pro', 90, 15, 500, 10),
  ('team', 180, 25, 2000, 25),
  ('enterprise', 365, 30, 10000, 50);
