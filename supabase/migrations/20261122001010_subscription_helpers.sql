-- Subscription helpers for clients (RPCs): has extended retention, retention days, active addons.
-- Any member of a workspace may ask (the UI needs to know how far back data goes), while the
-- subscription_addons table itself stays readable by owners and admins only. So the addon rows
-- come through a SECURITY DEFINER helper that checks membership and returns only the columns a
-- member may see (no subscription or customer ids). Non-members get false / null / no rows.

create or replace function private.workspace_entitled_addons(workspace_id uuid)
returns table (
  id uuid,
  addon_type text,
  status text,
  retention_days int,
  purchased_at timestamptz,
  expires_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select a.id, a.addon_type, a.status, a.retention_days, a.purchased_at, a.expires_at
  from public.subscription_addons a
  where a.workspace_id = workspace_entitled_addons.workspace_id
    and private.addon_is_entitled(a.status, a.expires_at)
    and ((select auth.role()) = 'service_role'
         or private.has_workspace_role(workspace_entitled_addons.workspace_id, 'member'))
  order by a.purchased_at, a.id
$$;
revoke execute on function private.workspace_entitled_addons(uuid) from public, anon, authenticated;
grant execute on function private.workspace_entitled_addons(uuid) to authenticated, service_role;
comment on function private.workspace_entitled_addons(uuid) is
  'Addons of the workspace that currently grant retention, for its members and the service role only.';

create or replace function public.workspace_has_extended_retention(workspace_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select exists (
    select 1 from private.workspace_entitled_addons(workspace_has_extended_retention.workspace_id) a
    where a.addon_type = 'extended_retention')
$$;
revoke execute on function public.workspace_has_extended_retention(uuid) from public, anon;
grant execute on function public.workspace_has_extended_retention(uuid) to authenticated, service_role;
comment on function public.workspace_has_extended_retention(uuid) is
  'True when the workspace has an Extended Data Retention addon that still grants retention '
  '(active, or canceled within its paid period). False for non-members.';

-- Workspaces are readable by their members under RLS, so this one needs no definer helper.
create or replace function public.workspace_retention_days(workspace_id uuid)
returns int
language sql
stable
security invoker
set search_path = ''
as $$
  select w.retention_days from public.workspaces w where w.id = workspace_retention_days.workspace_id
$$;
revoke execute on function public.workspace_retention_days(uuid) from public, anon;
grant execute on function public.workspace_retention_days(uuid) to authenticated, service_role;
comment on function public.workspace_retention_days(uuid) is
  'The workspace''s effective data retention in days (tier default, or 365 with the addon). Null for non-members.';

create or replace function public.workspace_active_addons(workspace_id uuid)
returns table (
  id uuid,
  addon_type text,
  status text,
  retention_days int,
  purchased_at timestamptz,
  expires_at timestamptz
)
language sql
stable
security invoker
set search_path = ''
as $$
  select a.id, a.addon_type, a.status, a.retention_days, a.purchased_at, a.expires_at
  from private.workspace_entitled_addons(workspace_active_addons.workspace_id) a
$$;
revoke execute on function public.workspace_active_addons(uuid) from public, anon;
grant execute on function public.workspace_active_addons(uuid) to authenticated, service_role;
comment on function public.workspace_active_addons(uuid) is
  'Addons of the workspace that currently grant something (active, or canceled within the paid '
  'period; expires_at says until when). Empty for non-members.';
