-- The metrics RPCs read the rollups, check membership once and skip per-row RLS.
--
-- get_star_fork_velocity summed star_history and counted every fork row of both periods, and
-- get_workspace_activity (off the cache) counted distinct authors over a year of commits and PRs,
-- both as security invoker, so each row also passed the RLS policies: p95 up to 0.5 s at
-- 50 repositories × 365 days. Now:
--   * velocity sums the stars and forks columns of the activity rollup (the refresh computes them
--     per UTC day from star_history and forks, exactly the rows the old query read);
--   * activity takes its totals from the same rollup and its contributors from
--     private.repository_contributors (20261122011000);
--   * both read whole months from private.monthly_activity_metrics and only the days at a
--     period's ends from daily_activity_metrics (private.activity_totals, 20261122011100);
--   * the work runs in SECURITY DEFINER functions in private that assert membership first
--     (private.assert_workspace_reader) and then read without RLS; the public functions keep their
--     signatures and only call them.
-- Both follow the refresh (every 5 minutes) instead of the raw rows, like the rest of the metrics.

-- The caller is judged by the request's claims, never by current_user, so the check means the same
-- inside a SECURITY DEFINER function (where current_user is the owner). Operators: the service role
-- and direct sessions of postgres without claims (pg_cron, SQL console), as in is_engine_operator.
create or replace function private.assert_workspace_reader(workspace_id uuid, action text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if private.is_engine_operator() then
    return;
  end if;
  if auth.uid() is null then
    raise exception '%: sign in first; no user in the request', action using errcode = '42501';
  end if;
  if not private.has_workspace_role(assert_workspace_reader.workspace_id, 'member') then
    raise exception '%: you are not a member of workspace %', action, assert_workspace_reader.workspace_id
      using errcode = '42501', hint = 'Ask an owner or admin of the workspace to invite you.';
  end if;
end
$$;
revoke execute on function private.assert_workspace_reader(uuid, text) from public, anon, authenticated;
grant execute on function private.assert_workspace_reader(uuid, text) to authenticated, service_role;
comment on function private.assert_workspace_reader(uuid, text) is
  'Raises 42501 naming the action unless the caller (by the request''s JWT claims) is a member of the '
  'workspace, the service role, or a postgres session without claims. Safe inside SECURITY DEFINER.';

create or replace function private.star_fork_velocity(workspace_id uuid, period_days int, repository_id bigint)
returns table (
  metric text,
  current_total bigint,
  previous_total bigint,
  current_per_day numeric,
  previous_per_day numeric,
  percent_change numeric,
  current_period_start date,
  previous_period_start date,
  period_end date)
language plpgsql
stable
security definer
set search_path = ''
set jit = off
as $$
declare
  today date := private.utc_day(now());
  cur_start date;
  prev_start date;
  cur_stars bigint;
  prev_stars bigint;
  cur_forks bigint;
  prev_forks bigint;
  repos bigint[];
begin
  perform private.assert_workspace_reader(star_fork_velocity.workspace_id, 'get_star_fork_velocity');
  perform private.assert_metrics_period(star_fork_velocity.period_days, 'get_star_fork_velocity');
  cur_start := today - (star_fork_velocity.period_days - 1);
  prev_start := cur_start - star_fork_velocity.period_days;
  select array_agg(distinct t.repository_id) into repos
  from public.workspace_tracked_repositories w
  join public.tracked_repositories t on t.id = w.tracked_repository_id
  where w.workspace_id = star_fork_velocity.workspace_id
    and t.repository_id is not null
    and (star_fork_velocity.repository_id is null or t.repository_id = star_fork_velocity.repository_id);
  select a.stars, a.forks into cur_stars, cur_forks from private.activity_totals(repos, cur_start, today) a;
  select a.stars, a.forks into prev_stars, prev_forks from private.activity_totals(repos, prev_start, cur_start - 1) a;
  return query
  select v.metric, v.cur, v.prev,
         round(v.cur::numeric / star_fork_velocity.period_days, 2),
         round(v.prev::numeric / star_fork_velocity.period_days, 2),
         private.percent_change(v.cur, v.prev), cur_start, prev_start, today
  from (values ('stars'::text, cur_stars, prev_stars, 1), ('forks', cur_forks, prev_forks, 2)) v(metric, cur, prev, ord)
  order by v.ord;
end
$$;
revoke execute on function private.star_fork_velocity(uuid, int, bigint) from public, anon;
grant execute on function private.star_fork_velocity(uuid, int, bigint) to authenticated, service_role;
comment on function private.star_fork_velocity(uuid, int, bigint) is
  'The body of public.get_star_fork_velocity: checks membership once, then sums the stars and forks '
  'of both periods from the activity rollups (activity_totals) without per-row RLS.';

create or replace function public.get_star_fork_velocity(
  workspace_id uuid, period_days int default 30, repository_id bigint default null)
returns table (
  metric text,
  current_total bigint,
  previous_total bigint,
  current_per_day numeric,
  previous_per_day numeric,
  percent_change numeric,
  current_period_start date,
  previous_period_start date,
  period_end date)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.star_fork_velocity(get_star_fork_velocity.workspace_id,
    get_star_fork_velocity.period_days, get_star_fork_velocity.repository_id)
$$;
revoke execute on function public.get_star_fork_velocity(uuid, int, bigint) from public, anon;
grant execute on function public.get_star_fork_velocity(uuid, int, bigint) to authenticated, service_role;
comment on function public.get_star_fork_velocity(uuid, int, bigint) is
  'Star and fork velocity of a workspace''s repositories (or one of them): totals and per-day rates '
  'for the last period_days (7, 30, 90 or 365) UTC days up to today and for the period before, with '
  'the percent change; percent_change is null when the previous period is empty. From the daily '
  'activity rollup (refreshed every 5 minutes). Members only.';

-- The numbers of a workspace for one period, from the daily/monthly activity rollups
-- (private.activity_totals) and repository_contributors. Runs as its caller, which is always a SECURITY DEFINER function
-- (private.workspace_activity after the membership check, the cache refresh), so it sees every row.
-- jit off: a few hundred rows never repay compiling the plan (which alone took 0.4 s).
create or replace function private.compute_workspace_activity(workspace_id uuid, period_days int)
returns jsonb
language sql
stable
set search_path = ''
set jit = off
as $$
  with bounds as (
    select private.utc_day(now()) as today,
           private.utc_day(now()) - (period_days - 1) as cur_start,
           private.utc_day(now()) - (2 * period_days - 1) as prev_start
  ),
  repos as (
    select distinct t.repository_id
    from public.workspace_tracked_repositories w
    join public.tracked_repositories t on t.id = w.tracked_repository_id
    where w.workspace_id = compute_workspace_activity.workspace_id and t.repository_id is not null
  ),
  ids as (select array_agg(r.repository_id) as repository_ids from repos r),
  sums as (
    select c.commits, c.additions, c.deletions, c.prs_opened, c.prs_merged, c.prs_closed, c.issues_opened,
           c.issues_closed, c.stars, c.forks, c.active_repositories,
           p.commits as prev_commits, p.prs_opened as prev_prs_opened, p.prs_merged as prev_prs_merged,
           p.issues_opened as prev_issues_opened, p.issues_closed as prev_issues_closed,
           p.stars as prev_stars, p.forks as prev_forks
    from bounds b, ids i,
         lateral private.activity_totals(i.repository_ids, b.cur_start, b.today) c,
         lateral private.activity_totals(i.repository_ids, b.prev_start, b.cur_start - 1) p
  ),
  people as (
    select count(distinct rc.contributor_id) as contributors
    from private.repository_contributors rc, bounds b, ids i
    where rc.repository_id = any (i.repository_ids) and rc.last_active_on >= b.cur_start
  )
  select jsonb_build_object(
    'period_days', period_days,
    'period_start', b.cur_start, 'period_end', b.today, 'previous_period_start', b.prev_start,
    'repositories', (select count(*) from repos),
    'active_repositories', s.active_repositories,
    'contributors', p.contributors,
    'commits', s.commits, 'additions', s.additions, 'deletions', s.deletions,
    'prs_opened', s.prs_opened, 'prs_merged', s.prs_merged, 'prs_closed', s.prs_closed,
    'issues_opened', s.issues_opened, 'issues_closed', s.issues_closed,
    'stars', s.stars, 'forks', s.forks,
    'previous', jsonb_build_object('commits', s.prev_commits, 'prs_opened', s.prev_prs_opened,
      'prs_merged', s.prev_prs_merged, 'issues_opened', s.prev_issues_opened,
      'issues_closed', s.prev_issues_closed, 'stars', s.prev_stars, 'forks', s.prev_forks),
    'percent_change', jsonb_build_object(
      'commits', private.percent_change(s.commits, s.prev_commits),
      'prs_opened', private.percent_change(s.prs_opened, s.prev_prs_opened),
      'prs_merged', private.percent_change(s.prs_merged, s.prev_prs_merged),
      'issues_opened', private.percent_change(s.issues_opened, s.prev_issues_opened),
      'issues_closed', private.percent_change(s.issues_closed, s.prev_issues_closed),
      'stars', private.percent_change(s.stars, s.prev_stars),
      'forks', private.percent_change(s.forks, s.prev_forks)))
  from bounds b, sums s, people p
$$;
revoke execute on function private.compute_workspace_activity(uuid, int) from public, anon, authenticated;
grant execute on function private.compute_workspace_activity(uuid, int) to service_role;
comment on function private.compute_workspace_activity(uuid, int) is
  'Workspace activity for the last period_days UTC days (and the period before) as JSON, from '
  'the activity rollups (activity_totals) and repository_contributors. No membership check: callers '
  'check first.';

create or replace function private.workspace_activity(workspace_id uuid, period_days int)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  cached jsonb;
begin
  perform private.assert_workspace_reader(workspace_activity.workspace_id, 'get_workspace_activity');
  perform private.assert_metrics_period(workspace_activity.period_days, 'get_workspace_activity');
  select c.metrics || jsonb_build_object('computed_at', c.computed_at) into cached
  from public.workspace_metrics_cache c
  where c.workspace_id = workspace_activity.workspace_id
    and c.period_days = workspace_activity.period_days
    and c.expires_at > now();
  if cached is not null then
    return cached;
  end if;
  return private.compute_workspace_activity(workspace_activity.workspace_id, workspace_activity.period_days)
         || jsonb_build_object('computed_at', now());
end
$$;
revoke execute on function private.workspace_activity(uuid, int) from public, anon;
grant execute on function private.workspace_activity(uuid, int) to authenticated, service_role;
comment on function private.workspace_activity(uuid, int) is
  'The body of public.get_workspace_activity: checks membership once, then answers from a fresh '
  'cache entry or computes without per-row RLS.';

create or replace function public.get_workspace_activity(workspace_id uuid, period_days int default 30)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.workspace_activity(get_workspace_activity.workspace_id, get_workspace_activity.period_days)
$$;
revoke execute on function public.get_workspace_activity(uuid, int) from public, anon;
grant execute on function public.get_workspace_activity(uuid, int) to authenticated, service_role;
comment on function public.get_workspace_activity(uuid, int) is
  'Activity of a workspace over the last 7, 30, 90 or 365 UTC days as JSON: repositories, '
  'active_repositories, contributors, commits, additions, deletions, prs_opened/merged/closed, '
  'issues_opened/closed, stars, forks, the previous period''s totals under "previous" and '
  '"percent_change" (null when the previous period is empty), computed_at. Served from the cache '
  '(refreshed hourly and after each daily activity refresh) when fresh, else computed on the spot '
  'from the daily rollups. Members only.';
