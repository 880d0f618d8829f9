-- Repositories (GitHub metadata, one row per GitHub repository), tracked repositories (the
-- `owner/name` a workspace asked for, linked to its repository once fetched) and the workspace <->
-- tracked repository join with per-workspace settings and sync state. One repository can be in
-- many workspaces; its content is stored once.
--
-- Renames: GitHub follows them, so fetching tracked acme/old-name answers with acme/new-name (same
-- databaseId). The tracked repository keeps working and ends status = 'renamed' with a message
-- naming the new name; triggers compare the names (case-insensitively) whenever a tracked
-- repository is linked to its repository or that repository's name changes.

create table public.repositories (
  id bigint primary key,                      -- GitHub databaseId
  node_id text not null unique,               -- GitHub GraphQL node id
  owner text not null,
  name text not null,
  full_name text not null,
  avatar_url text,
  description text,
  stargazer_count int not null default 0 check (stargazer_count >= 0),
  fork_count int not null default 0 check (fork_count >= 0),
  default_branch text,
  is_private boolean not null default false,
  github_created_at timestamptz,
  pushed_at timestamptz,
  metadata_fetched_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.repositories enable row level security;
revoke all on public.repositories from anon, authenticated;
grant select on public.repositories to authenticated;
grant all on public.repositories to service_role;
comment on table public.repositories is
  'GitHub repository metadata keyed by GitHub databaseId; written by the engine, readable by '
  'members of any workspace that tracks the repository.';

create unique index repositories_full_name_lower_key on public.repositories (lower(full_name));

create table public.tracked_repositories (
  id uuid primary key default gen_random_uuid(),
  owner text not null,
  name text not null,
  full_name text generated always as (owner || '/' || name) stored,
  repository_id bigint references public.repositories (id) on delete set null,
  status text not null default 'pending'
    constraint tracked_repositories_status_is_known
    check (status in ('pending', 'active', 'not_found', 'forbidden', 'renamed')),
  last_error text,
  created_at timestamptz not null default now(),
  constraint tracked_repositories_owner_is_a_github_login
    check (owner ~ '^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$'),
  constraint tracked_repositories_name_is_a_github_repository_name
    check (name ~ '^[A-Za-z0-9._-]{1,100}$' and name not in ('.', '..'))
);
alter table public.tracked_repositories enable row level security;
revoke all on public.tracked_repositories from anon, authenticated;
grant select on public.tracked_repositories to authenticated;
grant all on public.tracked_repositories to service_role;
comment on table public.tracked_repositories is
  'A repository somebody asked to track, by owner/name. repository_id stays null until the engine '
  'first fetches its metadata; status says whether GitHub found it.';
comment on column public.tracked_repositories.status is
  'What GitHub says of the name, the same for every workspace: pending (not fetched yet), active, renamed (GitHub '
  'now serves it under another name, see last_error and repositories.full_name; its data keeps syncing). Whether a '
  'workspace can read it (not_found, forbidden, private) is workspace_tracked_repositories.status.';

create unique index tracked_repositories_full_name_lower_key on public.tracked_repositories (lower(full_name));

create index tracked_repositories_repository_id_idx on public.tracked_repositories (repository_id);

create table public.workspace_tracked_repositories (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  tracked_repository_id uuid not null references public.tracked_repositories (id) on delete cascade,
  sync_frequency_hours int not null default 24
    constraint workspace_tracked_repositories_sync_frequency_hours_1_to_168
    check (sync_frequency_hours between 1 and 168),
  data_retention_days int not null default 30
    constraint workspace_tracked_repositories_data_retention_days_7_to_365
    check (data_retention_days between 7 and 365),
  fetch_issues boolean not null default true,
  fetch_commits boolean not null default true,
  fetch_reviews boolean not null default true,
  fetch_discussions boolean not null default true,
  added_by uuid references auth.users (id) on delete set null,
  added_at timestamptz not null default now(),
  last_sync_at timestamptz,
  next_sync_at timestamptz,
  last_sync_status text,
  sync_attempts int not null default 0 check (sync_attempts >= 0),
  priority_score int not null default 0,
  status text not null default 'pending'
    constraint workspace_tracked_repositories_status_is_known
    check (status in ('pending', 'active', 'not_found', 'forbidden', 'private')),
  last_error text,
  unique (workspace_id, tracked_repository_id)
);
alter table public.workspace_tracked_repositories enable row level security;
revoke all on public.workspace_tracked_repositories from anon, authenticated;
grant select on public.workspace_tracked_repositories to authenticated;
grant all on public.workspace_tracked_repositories to service_role;
comment on table public.workspace_tracked_repositories is
  'Which tracked repositories a workspace follows, with its own settings (sync every 1-168 h, '
  'retention 7-365 days, what to fetch) and sync state. Owners/admins change settings through '
  'update_workspace_repository_settings().';
comment on column public.workspace_tracked_repositories.status is
  'The repository as this workspace sees it: pending (not fetched yet), active, not_found / forbidden (its last '
  'backfill failed: see last_error), private (GitHub says it is private and the workspace has no token that can '
  'read it: connect_github_token). Another workspace''s jobs never change it; a rename, which is the same for '
  'everybody, shows in tracked_repositories.status.';

create index workspace_tracked_repositories_next_sync_at_idx
  on public.workspace_tracked_repositories (next_sync_at);

create index workspace_tracked_repositories_tracked_repository_id_idx
  on public.workspace_tracked_repositories (tracked_repository_id);

-- The check constraints above are the backstop; this trigger says what is wrong and what to do.
create or replace function private.tg_tracked_repositories__validate_name()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.owner is null or new.owner !~ '^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$' then
    raise exception 'invalid GitHub owner "%": use 1-39 letters, digits or single hyphens, not starting or ending with a hyphen', new.owner
      using errcode = '23514', hint = 'Give the repository as owner/name, e.g. supabase/supabase.';
  end if;
  if new.name is null or new.name !~ '^[A-Za-z0-9._-]{1,100}$' or new.name in ('.', '..') then
    raise exception 'invalid GitHub repository name "%": use 1-100 letters, digits, dots, underscores or hyphens', new.name
      using errcode = '23514', hint = 'Give the repository as owner/name, e.g. supabase/supabase.';
  end if;
  return new;
end
$$;
revoke execute on function private.tg_tracked_repositories__validate_name() from public, anon, authenticated;

-- A workspace's access to a PRIVATE repository: recorded by the chunk commit when one of the
-- workspace's own tokens fetched it. Public repositories need none.
create table public.repository_access_grants (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  repository_id bigint not null references public.repositories (id) on delete cascade,
  token_id uuid not null references engine.github_tokens (id) on delete cascade,
  granted_at timestamptz not null default now(),
  primary key (workspace_id, repository_id)
);
alter table public.repository_access_grants enable row level security;
revoke all on public.repository_access_grants from anon, authenticated;
grant select on public.repository_access_grants to authenticated;
grant all on public.repository_access_grants to service_role;
comment on table public.repository_access_grants is
  'Private repositories a workspace may read: a grant is recorded when one of the workspace''s own GitHub tokens '
  'fetched the repository, and goes with that token.';

create index repository_access_grants_repository_id_idx on public.repository_access_grants (repository_id);
create index repository_access_grants_token_id_idx on public.repository_access_grants (token_id);

-- What the caller may read, per repository: the repositories tracked by a workspace they belong
-- to (private ones only through that workspace's grant), and from when: the start of the UTC day
-- of the longest retention among those workspaces. Content dated before it is not theirs to
-- read, whatever another workspace's retention kept in the table.
create or replace function private.readable_repository_windows()
returns table (repository_id bigint, since timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select t.repository_id,
         min((private.utc_day(now()) - ws.retention_days)::timestamp at time zone 'utc') as since
  from public.workspace_members m
  join public.workspaces ws on ws.id = m.workspace_id
  join public.workspace_tracked_repositories w on w.workspace_id = m.workspace_id
  join public.tracked_repositories t on t.id = w.tracked_repository_id
  join public.repositories r on r.id = t.repository_id
  where m.user_id = (select auth.uid())
    and (not r.is_private or exists (
      select 1 from public.repository_access_grants g where g.workspace_id = m.workspace_id and g.repository_id = r.id))
  group by t.repository_id
$$;
revoke execute on function private.readable_repository_windows() from public, anon, authenticated;
grant execute on function private.readable_repository_windows() to authenticated, service_role;
comment on function private.readable_repository_windows() is
  'Per repository the calling user may read (tracked by one of their workspaces; private ones only with that '
  'workspace''s grant): since = the earliest date their longest workspace retention covers.';

create or replace function private.readable_repository_ids()
returns setof bigint
language sql
stable
security definer
set search_path = ''
as $$ select w.repository_id from private.readable_repository_windows() w $$;
revoke execute on function private.readable_repository_ids() from public, anon, authenticated;
grant execute on function private.readable_repository_ids() to authenticated, service_role;
comment on function private.readable_repository_ids() is
  'GitHub ids of the repositories the calling user may read (private.readable_repository_windows).';

create or replace function private.readable_tracked_repository_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select distinct w.tracked_repository_id
  from public.workspace_members m
  join public.workspace_tracked_repositories w on w.workspace_id = m.workspace_id
  where m.user_id = (select auth.uid())
$$;
revoke execute on function private.readable_tracked_repository_ids() from public, anon, authenticated;
grant execute on function private.readable_tracked_repository_ids() to authenticated, service_role;

-- Owners/admins change a repository's per-workspace settings. Unknown keys and out-of-range
-- values are refused with a message that names the key and the allowed range.
create or replace function private.update_workspace_repository_settings(
  workspace_id uuid, tracked_repository_id uuid, settings jsonb)
returns public.workspace_tracked_repositories
language plpgsql
security definer
set search_path = ''
as $$
declare
  allowed constant text[] := array['sync_frequency_hours', 'data_retention_days', 'fetch_issues',
                                   'fetch_commits', 'fetch_reviews', 'fetch_discussions'];
  key text;
  target public.workspace_tracked_repositories;
  ws_retention int;
  hours int;
  days int;
begin
  if auth.role() is distinct from 'service_role'
     and not private.has_workspace_role(update_workspace_repository_settings.workspace_id, 'admin') then
    raise exception 'update_workspace_repository_settings: only owners and admins of workspace % can change repository settings', update_workspace_repository_settings.workspace_id
      using errcode = '42501', hint = 'Ask an owner or admin of the workspace.';
  end if;
  if settings is null or jsonb_typeof(settings) <> 'object' then
    raise exception 'update_workspace_repository_settings: settings must be a JSON object, got %', coalesce(settings::text, 'null')
      using errcode = '22023';
  end if;
  for key in select jsonb_object_keys(settings) loop
    if not key = any (allowed) then
      raise exception 'update_workspace_repository_settings: unknown setting "%"', key
        using errcode = '22023', hint = 'Allowed settings: ' || array_to_string(allowed, ', ') || '.';
    end if;
  end loop;

  select * into target from public.workspace_tracked_repositories w
  where w.workspace_id = update_workspace_repository_settings.workspace_id
    and w.tracked_repository_id = update_workspace_repository_settings.tracked_repository_id
  for update;
  if not found then
    raise exception 'update_workspace_repository_settings: repository % is not tracked by workspace %',
      update_workspace_repository_settings.tracked_repository_id, update_workspace_repository_settings.workspace_id
      using errcode = 'P0002';
  end if;

  if settings ? 'sync_frequency_hours' then
    if jsonb_typeof(settings -> 'sync_frequency_hours') <> 'number'
       or (settings ->> 'sync_frequency_hours')::numeric not between 1 and 168
       or (settings ->> 'sync_frequency_hours')::numeric % 1 <> 0 then
      raise exception 'update_workspace_repository_settings: sync_frequency_hours must be a whole number of hours from 1 to 168, got %', settings -> 'sync_frequency_hours'
        using errcode = '22023';
    end if;
    hours := (settings ->> 'sync_frequency_hours')::int;
    target.sync_frequency_hours := hours;
    target.next_sync_at := coalesce(target.last_sync_at, now()) + make_interval(hours => hours);
  end if;

  if settings ? 'data_retention_days' then
    if jsonb_typeof(settings -> 'data_retention_days') <> 'number'
       or (settings ->> 'data_retention_days')::numeric not between 7 and 365
       or (settings ->> 'data_retention_days')::numeric % 1 <> 0 then
      raise exception 'update_workspace_repository_settings: data_retention_days must be a whole number of days from 7 to 365, got %', settings -> 'data_retention_days'
        using errcode = '22023';
    end if;
    days := (settings ->> 'data_retention_days')::int;
    select w.retention_days into ws_retention from public.workspaces w
    where w.id = update_workspace_repository_settings.workspace_id;
    if days > ws_retention then
      raise exception 'update_workspace_repository_settings: data_retention_days % exceeds the workspace''s retention of % days', days, ws_retention
        using errcode = '22023', hint = 'Upgrade the plan or buy the Extended Data Retention addon for up to 365 days.';
    end if;
    target.data_retention_days := days;
  end if;

  foreach key in array array['fetch_issues', 'fetch_commits', 'fetch_reviews', 'fetch_discussions'] loop
    if settings ? key and jsonb_typeof(settings -> key) <> 'boolean' then
      raise exception 'update_workspace_repository_settings: % must be true or false, got %', key, settings -> key
        using errcode = '22023';
    end if;
  end loop;

  update public.workspace_tracked_repositories w set
    sync_frequency_hours = target.sync_frequency_hours,
    next_sync_at = target.next_sync_at,
    data_retention_days = target.data_retention_days,
    fetch_issues = coalesce((settings ->> 'fetch_issues')::boolean, w.fetch_issues),
    fetch_commits = coalesce((settings ->> 'fetch_commits')::boolean, w.fetch_commits),
    fetch_reviews = coalesce((settings ->> 'fetch_reviews')::boolean, w.fetch_reviews),
    fetch_discussions = coalesce((settings ->> 'fetch_discussions')::boolean, w.fetch_discussions)
  where w.id = target.id
  returning * into target;
  return target;
end
$$;
revoke execute on function private.update_workspace_repository_settings(uuid, uuid, jsonb) from public, anon, authenticated;
grant execute on function private.update_workspace_repository_settings(uuid, uuid, jsonb) to authenticated, service_role;

create or replace function public.update_workspace_repository_settings(workspace_id uuid, tracked_repository_id uuid, settings jsonb)
returns public.workspace_tracked_repositories
language sql
security invoker
set search_path = ''
as $$ select private.update_workspace_repository_settings(workspace_id, tracked_repository_id, settings) $$;
revoke execute on function public.update_workspace_repository_settings(uuid, uuid, jsonb) from public, anon;
grant execute on function public.update_workspace_repository_settings(uuid, uuid, jsonb) to authenticated, service_role;
comment on function public.update_workspace_repository_settings(uuid, uuid, jsonb) is
  'Owners/admins change a tracked repository''s settings in their workspace. settings is a JSON '
  'object with any of sync_frequency_hours (1-168), data_retention_days (7-365, at most the '
  'workspace''s retention), fetch_issues, fetch_commits, fetch_reviews, fetch_discussions '
  '(booleans). Returns the updated target.';

create or replace function private.renamed_repository_message(tracked_full_name text, current_full_name text)
returns text
language sql
immutable
set search_path = ''
as $$
  select format('repository %s was renamed on GitHub to %s; its data keeps syncing through GitHub''s redirect. '
                'To track it by its new name, add %s to the workspace and remove %s (no data is lost)',
                tracked_full_name, current_full_name, current_full_name, tracked_full_name)
$$;
revoke execute on function private.renamed_repository_message(text, text) from public, anon, authenticated;
grant execute on function private.renamed_repository_message(text, text) to service_role;
comment on function private.renamed_repository_message(text, text) is
  'The last_error of a tracked repository that GitHub now serves under another name.';

create or replace function private.tg_tracked_repositories__detect_rename()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_current text;
  v_tracked text := new.owner || '/' || new.name;  -- full_name is generated after BEFORE triggers
begin
  if new.repository_id is null or new.status not in ('pending', 'active', 'renamed') then
    return new;
  end if;
  select r.full_name into v_current from public.repositories r where r.id = new.repository_id;
  if v_current is not null and lower(v_current) <> lower(v_tracked) then
    new.status := 'renamed';
    new.last_error := private.renamed_repository_message(v_tracked, v_current);
  elsif new.status = 'renamed' then
    new.status := 'active';
    new.last_error := null;
  end if;
  return new;
end;
$$;
revoke execute on function private.tg_tracked_repositories__detect_rename() from public, anon, authenticated;
comment on function private.tg_tracked_repositories__detect_rename() is
  'Marks a tracked repository renamed when the GitHub repository it is linked to has another full_name (and active again when the names match).';

-- A rename noticed later (a sync of an already linked repository): re-evaluate its tracked rows.
create or replace function private.tg_repositories__after_rename()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.tracked_repositories tr
  set status = tr.status                -- the BEFORE trigger decides renamed / active
  where tr.repository_id = new.id
    and tr.status in ('active', 'renamed')
    and (tr.status = 'renamed') = (lower(tr.full_name) = lower(new.full_name));
  return null;
end;
$$;
revoke execute on function private.tg_repositories__after_rename() from public, anon, authenticated;
comment on function private.tg_repositories__after_rename() is
  'When a repository''s full_name changes, re-checks the tracked repositories linked to it for a rename.';

create trigger tg_repositories__set_updated_at
  before update on public.repositories
  for each row execute function private.tg_set_updated_at();

create trigger tg_tracked_repositories__validate_name
  before insert or update of owner, name on public.tracked_repositories
  for each row execute function private.tg_tracked_repositories__validate_name();

create trigger tg_tracked_repositories__detect_rename
  before insert or update of repository_id, status, owner, name on public.tracked_repositories
  for each row execute function private.tg_tracked_repositories__detect_rename();

create trigger tg_repositories__after_rename
  after update of full_name on public.repositories
  for each row when (lower(old.full_name) is distinct from lower(new.full_name))
  execute function private.tg_repositories__after_rename();

create policy "members can read the repositories their workspaces track" on public.repositories
  for select to authenticated using (id in (select private.readable_repository_ids()));

create policy "members can read the tracked repositories of their workspaces" on public.tracked_repositories
  for select to authenticated using (id in (select private.readable_tracked_repository_ids()));

create policy "members can read their workspace's repository settings" on public.workspace_tracked_repositories
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));

create policy "members can read their workspace's private repository grants" on public.repository_access_grants
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));
