-- Metrics in SQL: daily activity per repository (incremental, idempotent, pg_cron), star and
-- fork velocity, workspace activity over 7/30/90/365 days and the hourly workspace metrics cache.
--
-- Incremental refresh: statement-level triggers with transition tables record which
-- (repository, UTC day) pairs a write touched in private.daily_activity_dirty_days; the cron job
-- recomputes exactly those days from the stored content and upserts them. Recomputing a day from
-- its source is idempotent, so a day marked twice, or refreshed twice, gives the same row. A
-- backfill of old history marks old days too, which a "last N days" window would miss.
-- Deletes do not mark days: retention removes content and its metric rows together.

create table private.daily_activity_dirty_days (
  repository_id bigint not null,
  date date not null,
  marked_at timestamptz not null default now(),
  primary key (repository_id, date)
);
comment on table private.daily_activity_dirty_days is
  'Repository days whose content changed since daily_activity_metrics last computed them.';
alter table private.daily_activity_dirty_days enable row level security;
revoke all on private.daily_activity_dirty_days from public, anon, authenticated;

-- UTC day of a timestamp; the one definition of "day" every metric uses.
create or replace function private.utc_day(ts timestamptz)
returns date
language sql
immutable
set search_path = ''
as $$ select (ts at time zone 'utc')::date $$;
revoke execute on function private.utc_day(timestamptz) from public, anon;
grant execute on function private.utc_day(timestamptz) to authenticated, service_role;

-- One trigger function for every content table: reads the days out of the transition table.
create or replace function private.tg_content__mark_activity_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  case tg_table_name
    when 'commits' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, private.utc_day(n.committed_at) from new_rows n
      on conflict do nothing;
    when 'pull_requests' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, d from new_rows n
      cross join lateral (values (private.utc_day(n.created_at)), (private.utc_day(n.merged_at)),
                                 (private.utc_day(n.closed_at))) v(d)
      where d is not null
      on conflict do nothing;
    when 'issues' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, d from new_rows n
      cross join lateral (values (private.utc_day(n.created_at)), (private.utc_day(n.closed_at))) v(d)
      where d is not null
      on conflict do nothing;
    when 'star_history' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, n.day from new_rows n
      on conflict do nothing;
    when 'forks' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, private.utc_day(n.created_at) from new_rows n
      on conflict do nothing;
  end case;
  return null;
end
$$;
revoke execute on function private.tg_content__mark_activity_days() from public, anon, authenticated;
comment on function private.tg_content__mark_activity_days() is
  'Statement trigger: records the repository days a write to a content table touched, for the '
  'incremental daily activity refresh.';

-- An update can move a row to another day (a PR merged today was opened last week), so updates
-- mark the old row's days as well as the new row's.
do $$
declare
  t text;
begin
  foreach t in array array['commits', 'pull_requests', 'issues', 'star_history', 'forks'] loop
    execute format('drop trigger if exists tg_%1$s__mark_activity_days_on_insert on public.%1$I', t);
    execute format('create trigger tg_%1$s__mark_activity_days_on_insert after insert on public.%1$I '
                   'referencing new table as new_rows for each statement '
                   'execute function private.tg_content__mark_activity_days()', t);
    execute format('drop trigger if exists tg_%1$s__mark_activity_days_on_update on public.%1$I', t);
    execute format('create trigger tg_%1$s__mark_activity_days_on_update after update on public.%1$I '
                   'referencing new table as new_rows for each statement '
                   'execute function private.tg_content__mark_activity_days()', t);
    execute format('drop trigger if exists tg_%1$s__mark_old_activity_days_on_update on public.%1$I', t);
    execute format('create trigger tg_%1$s__mark_old_activity_days_on_update after update on public.%1$I '
                   'referencing old table as new_rows for each statement '
                   'execute function private.tg_content__mark_activity_days()', t);
  end loop;
end
$$;

-- Content stored before this migration: every day it covers is dirty once.
insert into private.daily_activity_dirty_days (repository_id, date)
select repository_id, private.utc_day(committed_at) from public.commits
union select repository_id, private.utc_day(created_at) from public.pull_requests
union select repository_id, private.utc_day(merged_at) from public.pull_requests where merged_at is not null
union select repository_id, private.utc_day(closed_at) from public.pull_requests where closed_at is not null
union select repository_id, private.utc_day(created_at) from public.issues
union select repository_id, private.utc_day(closed_at) from public.issues where closed_at is not null
union select repository_id, day from public.star_history
union select repository_id, private.utc_day(created_at) from public.forks
on conflict do nothing;

-- Recomputes up to max_days dirty repository days from the content tables and upserts them;
-- a day with no activity at all loses its row. Returns the number of days recomputed. Days are
-- claimed with skip locked, so overlapping runs never compute the same day; the claim, the
-- recomputation and the upsert are one statement, so a failure leaves the days dirty.
-- Set-based: each content table is read once per call for the claimed repositories.
create or replace function private.refresh_daily_activity_metrics(max_days int default 20000)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  refreshed int;
begin
  with claimed as (
    delete from private.daily_activity_dirty_days d
    where (d.repository_id, d.date) in (
      select x.repository_id, x.date from private.daily_activity_dirty_days x
      order by x.marked_at
      limit greatest(coalesce(max_days, 20000), 1)
      for update skip locked)
    returning d.repository_id, d.date
  ),
  repos as (select distinct c.repository_id from claimed c),
  facts as (
    select c.repository_id, private.utc_day(c.committed_at) as date,
           count(*) as commits_count, coalesce(sum(c.additions), 0) as additions,
           coalesce(sum(c.deletions), 0) as deletions, coalesce(sum(c.changed_files), 0) as files_changed,
           count(distinct coalesce(c.author_id::text, 'name:' || c.author_name)) as unique_authors,
           0 as prs_opened, 0 as prs_merged, 0 as prs_closed, 0 as issues_opened, 0 as issues_closed,
           0 as stars, 0 as forks
    from public.commits c where c.repository_id in (select repository_id from repos)
    group by 1, 2
    union all
    select p.repository_id, private.utc_day(p.created_at), 0, 0, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0
    from public.pull_requests p where p.repository_id in (select repository_id from repos) group by 1, 2
    union all
    select p.repository_id, private.utc_day(p.merged_at), 0, 0, 0, 0, 0, 0, count(*), 0, 0, 0, 0, 0
    from public.pull_requests p where p.repository_id in (select repository_id from repos)
      and p.merged_at is not null group by 1, 2
    union all
    select p.repository_id, private.utc_day(p.closed_at), 0, 0, 0, 0, 0, 0, 0, count(*), 0, 0, 0, 0
    from public.pull_requests p where p.repository_id in (select repository_id from repos)
      and p.closed_at is not null and p.merged_at is null group by 1, 2
    union all
    select i.repository_id, private.utc_day(i.created_at), 0, 0, 0, 0, 0, 0, 0, 0, count(*), 0, 0, 0
    from public.issues i where i.repository_id in (select repository_id from repos) group by 1, 2
    union all
    select i.repository_id, private.utc_day(i.closed_at), 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), 0, 0
    from public.issues i where i.repository_id in (select repository_id from repos)
      and i.closed_at is not null group by 1, 2
    union all
    select s.repository_id, s.day, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, sum(s.stars), 0
    from public.star_history s where s.repository_id in (select repository_id from repos) group by 1, 2
    union all
    select f.repository_id, private.utc_day(f.created_at), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*)
    from public.forks f where f.repository_id in (select repository_id from repos) group by 1, 2
  ),
  computed as (
    select c.repository_id, c.date,
           coalesce(sum(f.commits_count), 0)::int as commits_count, coalesce(sum(f.additions), 0)::int as additions,
           coalesce(sum(f.deletions), 0)::int as deletions, coalesce(sum(f.files_changed), 0)::int as files_changed,
           coalesce(sum(f.unique_authors), 0)::int as unique_authors,
           coalesce(sum(f.prs_opened), 0)::int as prs_opened, coalesce(sum(f.prs_merged), 0)::int as prs_merged,
           coalesce(sum(f.prs_closed), 0)::int as prs_closed, coalesce(sum(f.issues_opened), 0)::int as issues_opened,
           coalesce(sum(f.issues_closed), 0)::int as issues_closed, coalesce(sum(f.stars), 0)::int as stars,
           coalesce(sum(f.forks), 0)::int as forks,
           count(f.repository_id) > 0 as active
    from claimed c
    left join facts f on f.repository_id = c.repository_id and f.date = c.date
    where exists (select 1 from public.repositories r where r.id = c.repository_id)
    group by c.repository_id, c.date
  ),
  upserted as (
    insert into public.daily_activity_metrics as m (repository_id, date, commits_count, additions, deletions,
      files_changed, unique_authors, prs_opened, prs_merged, prs_closed, issues_opened, issues_closed, stars,
      forks, updated_at)
    select repository_id, date, commits_count, additions, deletions, files_changed, unique_authors, prs_opened,
           prs_merged, prs_closed, issues_opened, issues_closed, stars, forks, now()
    from computed where active
    on conflict (repository_id, date) do update set
      commits_count = excluded.commits_count, additions = excluded.additions, deletions = excluded.deletions,
      files_changed = excluded.files_changed, unique_authors = excluded.unique_authors,
      prs_opened = excluded.prs_opened, prs_merged = excluded.prs_merged, prs_closed = excluded.prs_closed,
      issues_opened = excluded.issues_opened, issues_closed = excluded.issues_closed, stars = excluded.stars,
      forks = excluded.forks, updated_at = excluded.updated_at
    returning 1
  ),
  emptied as (
    delete from public.daily_activity_metrics m using computed c
    where not c.active and m.repository_id = c.repository_id and m.date = c.date
    returning 1
  )
  select count(*) into refreshed from claimed;
  return refreshed;
end
$$;
revoke execute on function private.refresh_daily_activity_metrics(int) from public, anon, authenticated;
grant execute on function private.refresh_daily_activity_metrics(int) to service_role;
comment on function private.refresh_daily_activity_metrics(int) is
  'Recomputes daily_activity_metrics for up to max_days repository days whose content changed '
  '(commits, PRs opened/merged/closed without merge, issues opened/closed, stars, forks per UTC '
  'day). Idempotent; run by pg_cron every 5 minutes. Returns the days recomputed.';

-- Marks a whole range dirty, for an operator who wants a repository recomputed from scratch.
create or replace function private.mark_daily_activity_dirty(repository_id bigint, from_date date, to_date date)
returns int
language sql
security definer
set search_path = ''
as $$
  with ins as (
    insert into private.daily_activity_dirty_days (repository_id, date)
    select mark_daily_activity_dirty.repository_id, d::date
    from generate_series(from_date, to_date, interval '1 day') d
    on conflict do nothing
    returning 1)
  select count(*)::int from ins
$$;
revoke execute on function private.mark_daily_activity_dirty(bigint, date, date) from public, anon, authenticated;
grant execute on function private.mark_daily_activity_dirty(bigint, date, date) to service_role;
comment on function private.mark_daily_activity_dirty(bigint, date, date) is
  'Queues every day from from_date to to_date of a repository for recomputation by the next refresh.';

-- Percent change that never invents a trend: null when there is nothing to compare with.
create or replace function private.percent_change(current_value numeric, previous_value numeric)
returns numeric
language sql
immutable
set search_path = ''
as $$
  select case when coalesce(previous_value, 0) = 0 then null
              else round(100.0 * (coalesce(current_value, 0) - previous_value) / previous_value, 1) end
$$;
revoke execute on function private.percent_change(numeric, numeric) from public, anon;
grant execute on function private.percent_change(numeric, numeric) to authenticated, service_role;
comment on function private.percent_change(numeric, numeric) is
  'Change from previous to current in percent, one decimal; null when the previous value is 0 or null '
  '(an empty previous period has no trend, not +100%).';

create or replace function private.assert_workspace_reader(workspace_id uuid, action text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if coalesce(auth.role(), '') = 'service_role' or (auth.uid() is null and current_user = 'postgres') then
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
  'Raises 42501 naming the action unless the caller is a member of the workspace, the service role or postgres.';

create or replace function private.assert_metrics_period(period_days int, action text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if period_days is null or period_days not in (7, 30, 90, 365) then
    raise exception '%: period_days must be 7, 30, 90 or 365, got %', action, coalesce(period_days::text, 'null')
      using errcode = '22023';
  end if;
end
$$;
revoke execute on function private.assert_metrics_period(int, text) from public, anon, authenticated;
grant execute on function private.assert_metrics_period(int, text) to authenticated, service_role;

-- Star and fork velocity of a workspace (or one of its repositories): the current period is the
-- last period_days UTC days up to and including today, the previous one the period_days before.
-- Read from star_history and forks directly (both indexed by repository and day), so a new
-- backfill shows at once. Security invoker: the caller's RLS applies on top of the member check.
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
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  today date := private.utc_day(now());
  cur_start date;
  prev_start date;
begin
  perform private.assert_workspace_reader(get_star_fork_velocity.workspace_id, 'get_star_fork_velocity');
  perform private.assert_metrics_period(get_star_fork_velocity.period_days, 'get_star_fork_velocity');
  cur_start := today - (period_days - 1);
  prev_start := cur_start - period_days;
  return query
  with repos as (
    select distinct t.repository_id
    from public.workspace_tracked_repositories w
    join public.tracked_repositories t on t.id = w.tracked_repository_id
    where w.workspace_id = get_star_fork_velocity.workspace_id
      and t.repository_id is not null
      and (get_star_fork_velocity.repository_id is null or t.repository_id = get_star_fork_velocity.repository_id)
  ),
  totals as (
    select 'stars'::text as metric,
           coalesce(sum(s.stars) filter (where s.day >= cur_start), 0)::bigint as cur,
           coalesce(sum(s.stars) filter (where s.day < cur_start), 0)::bigint as prev
    from public.star_history s
    where s.repository_id in (select r.repository_id from repos r) and s.day between prev_start and today
    union all
    select 'forks',
           count(*) filter (where f.created_at >= cur_start::timestamp at time zone 'utc'),
           count(*) filter (where f.created_at < cur_start::timestamp at time zone 'utc')
    from public.forks f
    where f.repository_id in (select r.repository_id from repos r)
      and f.created_at >= prev_start::timestamp at time zone 'utc'
      and f.created_at < (today + 1)::timestamp at time zone 'utc'
  )
  select t.metric, t.cur, t.prev,
         round(t.cur::numeric / period_days, 2), round(t.prev::numeric / period_days, 2),
         private.percent_change(t.cur, t.prev), cur_start, prev_start, today
  from totals t;
end
$$;
revoke execute on function public.get_star_fork_velocity(uuid, int, bigint) from public, anon;
grant execute on function public.get_star_fork_velocity(uuid, int, bigint) to authenticated, service_role;
comment on function public.get_star_fork_velocity(uuid, int, bigint) is
  'Star and fork velocity of a workspace''s repositories (or one of them): totals and per-day rates '
  'for the last period_days (7, 30, 90 or 365) UTC days up to today and for the period before, with '
  'the percent change; percent_change is null when the previous period is empty. Members only.';

-- The numbers of a workspace for one period, computed from daily_activity_metrics (plus distinct
-- contributors from commits and pull requests, which do not add up across days). Invoker: RLS
-- applies to members; pg_cron runs it as postgres to fill the cache.
create or replace function private.compute_workspace_activity(workspace_id uuid, period_days int)
returns jsonb
language sql
stable
set search_path = ''
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
  sums as (
    select
      coalesce(sum(m.commits_count) filter (where m.date >= b.cur_start), 0) as commits,
      coalesce(sum(m.additions) filter (where m.date >= b.cur_start), 0) as additions,
      coalesce(sum(m.deletions) filter (where m.date >= b.cur_start), 0) as deletions,
      coalesce(sum(m.prs_opened) filter (where m.date >= b.cur_start), 0) as prs_opened,
      coalesce(sum(m.prs_merged) filter (where m.date >= b.cur_start), 0) as prs_merged,
      coalesce(sum(m.prs_closed) filter (where m.date >= b.cur_start), 0) as prs_closed,
      coalesce(sum(m.issues_opened) filter (where m.date >= b.cur_start), 0) as issues_opened,
      coalesce(sum(m.issues_closed) filter (where m.date >= b.cur_start), 0) as issues_closed,
      coalesce(sum(m.stars) filter (where m.date >= b.cur_start), 0) as stars,
      coalesce(sum(m.forks) filter (where m.date >= b.cur_start), 0) as forks,
      count(distinct m.repository_id) filter (where m.date >= b.cur_start) as active_repositories,
      coalesce(sum(m.commits_count) filter (where m.date < b.cur_start), 0) as prev_commits,
      coalesce(sum(m.prs_opened) filter (where m.date < b.cur_start), 0) as prev_prs_opened,
      coalesce(sum(m.prs_merged) filter (where m.date < b.cur_start), 0) as prev_prs_merged,
      coalesce(sum(m.issues_opened) filter (where m.date < b.cur_start), 0) as prev_issues_opened,
      coalesce(sum(m.issues_closed) filter (where m.date < b.cur_start), 0) as prev_issues_closed,
      coalesce(sum(m.stars) filter (where m.date < b.cur_start), 0) as prev_stars,
      coalesce(sum(m.forks) filter (where m.date < b.cur_start), 0) as prev_forks
    from bounds b
    left join public.daily_activity_metrics m
      on m.repository_id in (select r.repository_id from repos r) and m.date between b.prev_start and b.today
  ),
  people as (
    select count(distinct a) as contributors from (
      select c.author_id as a from public.commits c, bounds b
      where c.repository_id in (select r.repository_id from repos r) and c.author_id is not null
        and c.committed_at >= b.cur_start::timestamp at time zone 'utc'
      union
      select p.author_id from public.pull_requests p, bounds b
      where p.repository_id in (select r.repository_id from repos r) and p.author_id is not null
        and p.created_at >= b.cur_start::timestamp at time zone 'utc'
    ) x
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
grant execute on function private.compute_workspace_activity(uuid, int) to authenticated, service_role;
comment on function private.compute_workspace_activity(uuid, int) is
  'Workspace activity for the last period_days UTC days (and the period before) as JSON; security '
  'invoker, so a member sees only what RLS lets them read.';

-- Fills workspace_metrics_cache for every workspace (or one) and period 7/30/90/365. Runs hourly;
-- entries expire after 65 minutes so a late run never leaves a gap of stale answers.
create or replace function private.refresh_workspace_metrics_cache(workspace_id uuid default null)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  n int;
begin
  insert into public.workspace_metrics_cache as c (workspace_id, period_days, metrics, computed_at, expires_at)
  select w.id, p.d, private.compute_workspace_activity(w.id, p.d), now(), now() + interval '65 minutes'
  from public.workspaces w
  cross join (values (7), (30), (90), (365)) p(d)
  where refresh_workspace_metrics_cache.workspace_id is null or w.id = refresh_workspace_metrics_cache.workspace_id
  on conflict on constraint workspace_metrics_cache_pkey do update
    set metrics = excluded.metrics, computed_at = excluded.computed_at, expires_at = excluded.expires_at;
  get diagnostics n = row_count;
  return n;
end
$$;
revoke execute on function private.refresh_workspace_metrics_cache(uuid) from public, anon, authenticated;
grant execute on function private.refresh_workspace_metrics_cache(uuid) to service_role;
comment on function private.refresh_workspace_metrics_cache(uuid) is
  'Recomputes workspace_metrics_cache (periods 7, 30, 90, 365) for one workspace or all; hourly by pg_cron.';

create or replace function public.get_workspace_activity(workspace_id uuid, period_days int default 30)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  cached jsonb;
begin
  perform private.assert_workspace_reader(get_workspace_activity.workspace_id, 'get_workspace_activity');
  perform private.assert_metrics_period(get_workspace_activity.period_days, 'get_workspace_activity');
  select c.metrics || jsonb_build_object('computed_at', c.computed_at) into cached
  from public.workspace_metrics_cache c
  where c.workspace_id = get_workspace_activity.workspace_id
    and c.period_days = get_workspace_activity.period_days
    and c.expires_at > now();
  if cached is not null then
    return cached;
  end if;
  return private.compute_workspace_activity(get_workspace_activity.workspace_id, get_workspace_activity.period_days)
         || jsonb_build_object('computed_at', now());
end
$$;
revoke execute on function public.get_workspace_activity(uuid, int) from public, anon;
grant execute on function public.get_workspace_activity(uuid, int) to authenticated, service_role;
comment on function public.get_workspace_activity(uuid, int) is
  'Activity of a workspace over the last 7, 30, 90 or 365 UTC days as JSON: repositories, '
  'active_repositories, contributors, commits, additions, deletions, prs_opened/merged/closed, '
  'issues_opened/closed, stars, forks, the previous period''s totals under "previous" and '
  '"percent_change" (null when the previous period is empty), computed_at. Served from the hourly '
  'cache when fresh, else computed on the spot. Members only.';

-- pg_cron, idempotently.
select cron.unschedule(jobid) from cron.job where jobname = 'refresh-daily-activity-metrics';
select cron.schedule('refresh-daily-activity-metrics', '*/5 * * * *',
  $$select private.refresh_daily_activity_metrics(20000)$$);
select cron.unschedule(jobid) from cron.job where jobname = 'refresh-workspace-metrics-cache';
select cron.schedule('refresh-workspace-metrics-cache', '7 * * * *',
  $$select private.refresh_workspace_metrics_cache()$$);
