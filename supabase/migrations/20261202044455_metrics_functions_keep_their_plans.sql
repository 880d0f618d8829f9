-- Metrics RPCs keep their plans: activity_totals, compute_workspace_activity, workspace_repository_ids, workspace_retention_start, percent_change, has_workspace_role and is_engine_operator are plpgsql (a SQL function with a SET clause is planned again at each call); activity_totals bounds its index scans by the whole months as variables (joined from a CTE they filtered every row of the repositories) and reads the days alone when the range holds no whole month
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.activity_totals(repository_ids bigint[], from_date date, to_date date)
 RETURNS TABLE(commits bigint, additions bigint, deletions bigint, prs_opened bigint, prs_merged bigint, prs_closed bigint, issues_opened bigint, issues_closed bigint, stars bigint, forks bigint, active_repositories bigint)
 LANGUAGE plpgsql
 STABLE ROWS 1
 SET search_path TO ''
AS $function$
declare
  -- [m_start, m_end): the whole months inside the range.
  m_start date := (date_trunc('month', (from_date - 1)::timestamp) + interval '1 month')::date;
  m_end date := date_trunc('month', (to_date + 1)::timestamp)::date;
begin
  if m_start >= m_end then
    -- No whole month: the days alone (the empty month and tail scans cost as much as this one).
    return query
    select coalesce(sum(d.commits_count), 0)::bigint, coalesce(sum(d.additions), 0)::bigint,
           coalesce(sum(d.deletions), 0)::bigint, coalesce(sum(d.prs_opened), 0)::bigint,
           coalesce(sum(d.prs_merged), 0)::bigint, coalesce(sum(d.prs_closed), 0)::bigint,
           coalesce(sum(d.issues_opened), 0)::bigint, coalesce(sum(d.issues_closed), 0)::bigint,
           coalesce(sum(d.stars), 0)::bigint, coalesce(sum(d.forks), 0)::bigint,
           count(distinct d.repository_id)
    from public.daily_activity_metrics d
    where d.repository_id = any (activity_totals.repository_ids)
      and d.date >= activity_totals.from_date and d.date <= activity_totals.to_date;
    return;
  end if;
  return query
  with parts as (
    select mm.repository_id, mm.commits_count, mm.additions, mm.deletions, mm.prs_opened, mm.prs_merged,
           mm.prs_closed, mm.issues_opened, mm.issues_closed, mm.stars, mm.forks
    from private.monthly_activity_metrics mm
    where mm.repository_id = any (activity_totals.repository_ids) and mm.month >= m_start and mm.month < m_end
    union all
    select d.repository_id, d.commits_count, d.additions, d.deletions, d.prs_opened, d.prs_merged,
           d.prs_closed, d.issues_opened, d.issues_closed, d.stars, d.forks
    from public.daily_activity_metrics d
    where d.repository_id = any (activity_totals.repository_ids) and d.date >= activity_totals.from_date and d.date < m_start
    union all
    select d.repository_id, d.commits_count, d.additions, d.deletions, d.prs_opened, d.prs_merged,
           d.prs_closed, d.issues_opened, d.issues_closed, d.stars, d.forks
    from public.daily_activity_metrics d
    where d.repository_id = any (activity_totals.repository_ids) and d.date >= m_end and d.date <= activity_totals.to_date
  )
  select coalesce(sum(p.commits_count), 0)::bigint, coalesce(sum(p.additions), 0)::bigint,
         coalesce(sum(p.deletions), 0)::bigint, coalesce(sum(p.prs_opened), 0)::bigint,
         coalesce(sum(p.prs_merged), 0)::bigint, coalesce(sum(p.prs_closed), 0)::bigint,
         coalesce(sum(p.issues_opened), 0)::bigint, coalesce(sum(p.issues_closed), 0)::bigint,
         coalesce(sum(p.stars), 0)::bigint, coalesce(sum(p.forks), 0)::bigint,
         count(distinct p.repository_id)
  from parts p;
end
$function$
;

CREATE OR REPLACE FUNCTION private.compute_workspace_activity(workspace_id uuid, period_days integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
 SET jit TO 'off'
AS $function$
declare
  today date := private.utc_day(now());
  cur_start date := today - (compute_workspace_activity.period_days - 1);
  prev_start date;
  repos bigint[] := private.workspace_repository_ids(compute_workspace_activity.workspace_id);
  cur record;
  prev record;
  people bigint;
begin
  -- The previous period is compared only when it lies inside the workspace's retention.
  if cur_start - compute_workspace_activity.period_days > private.workspace_retention_start(compute_workspace_activity.workspace_id) then
    prev_start := cur_start - compute_workspace_activity.period_days;
  end if;
  select * into cur from private.activity_totals(repos, cur_start, today);
  if prev_start is not null then
    select * into prev from private.activity_totals(repos, prev_start, cur_start - 1);
  else
    select null::bigint as commits, null::bigint as prs_opened, null::bigint as prs_merged, null::bigint as issues_opened,
           null::bigint as issues_closed, null::bigint as stars, null::bigint as forks into prev;
  end if;
  select count(distinct rc.contributor_id) into people
  from private.repository_contributors rc
  where rc.repository_id = any (repos) and rc.last_active_on >= cur_start;
  return jsonb_build_object(
    'period_days', compute_workspace_activity.period_days,
    'period_start', cur_start, 'period_end', today, 'previous_period_start', prev_start,
    'repositories', cardinality(repos),
    'active_repositories', cur.active_repositories,
    'contributors', people,
    'commits', cur.commits, 'additions', cur.additions, 'deletions', cur.deletions,
    'prs_opened', cur.prs_opened, 'prs_merged', cur.prs_merged, 'prs_closed', cur.prs_closed,
    'issues_opened', cur.issues_opened, 'issues_closed', cur.issues_closed,
    'stars', cur.stars, 'forks', cur.forks,
    'previous', jsonb_build_object('commits', prev.commits, 'prs_opened', prev.prs_opened,
      'prs_merged', prev.prs_merged, 'issues_opened', prev.issues_opened,
      'issues_closed', prev.issues_closed, 'stars', prev.stars, 'forks', prev.forks),
    'percent_change', jsonb_build_object(
      'commits', private.percent_change(cur.commits, prev.commits),
      'prs_opened', private.percent_change(cur.prs_opened, prev.prs_opened),
      'prs_merged', private.percent_change(cur.prs_merged, prev.prs_merged),
      'issues_opened', private.percent_change(cur.issues_opened, prev.issues_opened),
      'issues_closed', private.percent_change(cur.issues_closed, prev.issues_closed),
      'stars', private.percent_change(cur.stars, prev.stars),
      'forks', private.percent_change(cur.forks, prev.forks)));
end
$function$
;

CREATE OR REPLACE FUNCTION private.has_workspace_role(workspace_id uuid, min_role text DEFAULT 'member'::text)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION private.is_engine_operator()
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  return auth.role() = 'service_role' or (auth.role() is null and session_user in ('postgres', 'supabase_admin'));
end
$function$
;

CREATE OR REPLACE FUNCTION private.percent_change(current_value numeric, previous_value numeric)
 RETURNS numeric
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
begin
  -- plpgsql: a SQL function with a SET clause is planned at each call (a dozen per metrics RPC).
  return case when coalesce(previous_value, 0) = 0 then null
              else round(100.0 * (coalesce(current_value, 0) - previous_value) / previous_value, 1) end;
end
$function$
;

CREATE OR REPLACE FUNCTION private.workspace_repository_ids(workspace_id uuid)
 RETURNS bigint[]
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  -- plpgsql, not sql: a SQL function with a SET clause is planned again at every call; this one
  -- is on the path of every metrics RPC.
  return (
    select coalesce(array_agg(distinct t.repository_id), '{}')
    from public.workspace_tracked_repositories w
    join public.tracked_repositories t on t.id = w.tracked_repository_id
    join public.repositories r on r.id = t.repository_id
    where w.workspace_id = workspace_repository_ids.workspace_id
      and (not r.is_private or exists (select 1 from public.repository_access_grants g
                                       where g.workspace_id = w.workspace_id and g.repository_id = r.id)));
end
$function$
;

CREATE OR REPLACE FUNCTION private.workspace_retention_start(workspace_id uuid)
 RETURNS date
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  return (select private.utc_day(now()) - w.retention_days from public.workspaces w
          where w.id = workspace_retention_start.workspace_id);
end
$function$
;
