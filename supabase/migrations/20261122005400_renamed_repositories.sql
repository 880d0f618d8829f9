-- Renamed repositories. GitHub follows renames: fetching tracked acme/old-name answers with the
-- repository now called acme/new-name (same databaseId), and the engine stores what GitHub says
-- (public.repositories.full_name = acme/new-name). The choice here: the tracked repository keeps
-- working and ends status = 'renamed', last_error naming the new name and what to do. Its
-- backfills and syncs go on (they do not fail: nothing is missing, GitHub redirects), its data
-- is stored under the same repository id, and clients show repositories.full_name for the
-- current name. Tracking the new name instead (add acme/new-name, remove acme/old-name) loses
-- nothing, because content is stored per repository id, and keeps working if somebody later
-- creates a new repository called acme/old-name, which would end GitHub's redirect.
--
-- The rule lives in triggers, not in engine.upsert_github_rows / commit_backfill_chunk (which
-- other migrations redefine): whenever a tracked repository is linked to its GitHub repository,
-- or that repository's name changes, the names are compared (case-insensitively: GitHub's
-- casing of what a user typed is not a rename). A tracked repository that is not_found or
-- forbidden keeps that status; one whose names match again goes back to active.

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

drop trigger if exists tg_tracked_repositories__detect_rename on public.tracked_repositories;
create trigger tg_tracked_repositories__detect_rename
  before insert or update of repository_id, status, owner, name on public.tracked_repositories
  for each row execute function private.tg_tracked_repositories__detect_rename();

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

drop trigger if exists tg_repositories__after_rename on public.repositories;
create trigger tg_repositories__after_rename
  after update of full_name on public.repositories
  for each row when (lower(old.full_name) is distinct from lower(new.full_name))
  execute function private.tg_repositories__after_rename();

comment on column public.tracked_repositories.status is
  'pending (not fetched yet), active, not_found / forbidden (the last backfill failed: see last_error), '
  'renamed (GitHub now serves it under another name, see last_error and repositories.full_name; its data keeps syncing).';
