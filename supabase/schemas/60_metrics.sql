-- Metrics in SQL: daily activity per repository (incremental, idempotent, pg_cron), star and
-- fork velocity, workspace activity over 7/30/90/365 days and the hourly workspace metrics cache.
--
-- Incremental refresh: statement-level triggers with transition tables record which
-- (repository, UTC day) pairs a write touched in private.daily_activity_dirty_days; the cron job
-- recomputes exactly those days from the stored content and upserts them. Recomputing a day from
-- its source is idempotent. Distinct contributors come from a rollup the refresh keeps
-- (private.daily_contributors, private.repository_contributors; delete triggers keep it exact
-- under retention), period totals from a monthly rollup of daily_activity_metrics plus the edge
-- days (private.monthly_activity_metrics). Membership is checked once, in SECURITY DEFINER
-- private functions behind the public signatures.

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
alter table public.daily_activity_metrics enable row level security;
revoke all on public.daily_activity_metrics from anon, authenticated;
grant select on public.daily_activity_metrics to authenticated;
grant all on public.daily_activity_metrics to service_role;
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
alter table public.workspace_metrics_cache enable row level security;
revoke all on public.workspace_metrics_cache from anon, authenticated;
grant select on public.workspace_metrics_cache to authenticated;
grant all on public.workspace_metrics_cache to service_role;
comment on table public.workspace_metrics_cache is
  'Workspace-level metrics for a period, valid until expires_at.';

create index workspace_metrics_cache_expires_at_idx on public.workspace_metrics_cache (expires_at);

-- A queue, not a set: a day may be marked several times before a refresh takes it. Without a
-- unique key, marking never waits for a refresh that is taking the same day (or for another
-- commit marking it), so chunk commits and the refresh cannot deadlock over it whatever the order
-- of their other locks.
create table private.daily_activity_dirty_days (
  repository_id bigint not null,
  date date not null,
  marked_at timestamptz not null default now(),
  id bigint generated always as identity primary key
);
alter table private.daily_activity_dirty_days enable row level security;
revoke all on private.daily_activity_dirty_days from public, anon, authenticated;
comment on table private.daily_activity_dirty_days is
  'Repository days whose content changed since daily_activity_metrics last computed them (a queue: a day may '
  'appear more than once; the refresh takes rows in id order).';

create table private.daily_contributors (
  repository_id bigint not null references public.repositories (id) on delete cascade,
  date date not null,
  contributor_id bigint not null,
  primary key (repository_id, date, contributor_id)
);
alter table private.daily_contributors enable row level security;
revoke all on private.daily_contributors from public, anon, authenticated;
grant select on private.daily_contributors to service_role;
comment on table private.daily_contributors is
  'Contributors (commit authors, PR openers) active on a repository per UTC day; maintained by '
  'refresh_daily_activity_metrics and the delete triggers on commits and pull_requests.';

create index daily_contributors_repository_id_contributor_id_date_idx
  on private.daily_contributors (repository_id, contributor_id, date);

create table private.repository_contributors (
  repository_id bigint not null references public.repositories (id) on delete cascade,
  contributor_id bigint not null,
  last_active_on date not null,
  primary key (repository_id, contributor_id)
);
alter table private.repository_contributors enable row level security;
revoke all on private.repository_contributors from public, anon, authenticated;
grant select on private.repository_contributors to service_role;
comment on table private.repository_contributors is
  'Per repository and contributor, the latest UTC day with a commit or an opened PR (the maximum '
  'of daily_contributors); a period from day D counts those with last_active_on >= D.';

create index repository_contributors_repository_id_last_active_on_idx
  on private.repository_contributors (repository_id, last_active_on, contributor_id);

create table private.monthly_activity_metrics (
  repository_id bigint not null references public.repositories (id) on delete cascade,
  month date not null constraint monthly_activity_metrics_month_is_a_first_day check (extract(day from month) = 1),
  days int not null,
  commits_count bigint not null,
  additions bigint not null,
  deletions bigint not null,
  prs_opened bigint not null,
  prs_merged bigint not null,
  prs_closed bigint not null,
  issues_opened bigint not null,
  issues_closed bigint not null,
  stars bigint not null,
  forks bigint not null,
  primary key (repository_id, month)
);
alter table private.monthly_activity_metrics enable row level security;
revoke all on private.monthly_activity_metrics from public, anon, authenticated;
grant select on private.monthly_activity_metrics to service_role;
comment on table private.monthly_activity_metrics is
  'Sums of daily_activity_metrics per repository and calendar month (days = rows summed); kept in '
  'step by statement triggers on daily_activity_metrics.';

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
language plpgsql
immutable
set search_path = ''
as $$
begin
  -- plpgsql: a SQL function with a SET clause is planned at each call (a dozen per metrics RPC).
  return case when coalesce(previous_value, 0) = 0 then null
              else round(100.0 * (coalesce(current_value, 0) - previous_value) / previous_value, 1) end;
end
$$;
revoke execute on function private.percent_change(numeric, numeric) from public, anon;
grant execute on function private.percent_change(numeric, numeric) to authenticated, service_role;
comment on function private.percent_change(numeric, numeric) is
  'Change from previous to current in percent, one decimal; null when the previous value is 0 or null '
  '(an empty previous period has no trend, not +100%).';

-- A workspace reads metrics of its own retention only: a period beyond it would be computed from
-- rows another workspace's retention kept.
create or replace function private.assert_metrics_period(workspace_id uuid, period_days int, action text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  ws public.workspaces;
begin
  if period_days is null or period_days not in (7, 30, 90, 365) then
    raise exception '%: period_days must be 7, 30, 90 or 365, got %', action, coalesce(period_days::text, 'null')
      using errcode = '22023';
  end if;
  select * into ws from public.workspaces w where w.id = assert_metrics_period.workspace_id;
  if period_days > ws.retention_days then
    raise exception '%: a period of % days exceeds workspace %''s retention of % days', action, period_days, ws.slug,
      ws.retention_days
      using errcode = '22023',
            hint = 'Choose a period of at most ' || ws.retention_days || ' days, or buy the Extended Data Retention addon for 365 days.';
  end if;
end
$$;
revoke execute on function private.assert_metrics_period(uuid, int, text) from public, anon, authenticated;
grant execute on function private.assert_metrics_period(uuid, int, text) to authenticated, service_role;

-- The repositories whose content counts in a workspace's metrics: the ones it tracks, private
-- ones only with its grant (as private.readable_repository_windows decides for readers).
create or replace function private.workspace_repository_ids(workspace_id uuid)
returns bigint[]
language plpgsql
stable
set search_path = ''
as $$
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
$$;
revoke execute on function private.workspace_repository_ids(uuid) from public, anon, authenticated;
grant execute on function private.workspace_repository_ids(uuid) to service_role;
comment on function private.workspace_repository_ids(uuid) is
  'Repositories a workspace''s metrics cover: tracked, and readable to it (public, or private with its grant). '
  'No membership check: callers check first.';

-- The first day of a workspace's retention window: metrics never read a day before it.
create or replace function private.workspace_retention_start(workspace_id uuid)
returns date
language plpgsql
stable
set search_path = ''
as $$
begin
  return (select private.utc_day(now()) - w.retention_days from public.workspaces w
          where w.id = workspace_retention_start.workspace_id);
end
$$;
revoke execute on function private.workspace_retention_start(uuid) from public, anon, authenticated;
grant execute on function private.workspace_retention_start(uuid) to service_role;

-- Marks the days a write touched (a queue insert that never waits: see the table).
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
      order by 1, 2;
    when 'pull_requests' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, d from new_rows n
      cross join lateral (values (private.utc_day(n.created_at)), (private.utc_day(n.merged_at)),
                                 (private.utc_day(n.closed_at))) v(d)
      where d is not null
      order by 1, 2;
    when 'issues' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, d from new_rows n
      cross join lateral (values (private.utc_day(n.created_at)), (private.utc_day(n.closed_at))) v(d)
      where d is not null
      order by 1, 2;
    when 'star_history' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, n.day from new_rows n
      order by 1, 2;
    when 'forks' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, private.utc_day(n.created_at) from new_rows n
      order by 1, 2;
  end case;
  return null;
end
$$;
revoke execute on function private.tg_content__mark_activity_days() from public, anon, authenticated;
comment on function private.tg_content__mark_activity_days() is
  'Statement trigger: records the repository days a write to a content table touched (in key '
  'order, so concurrent writers never deadlock), for the incremental daily activity refresh.';

-- Recomputes last_active_on of the given (repository, contributor) pairs from daily_contributors;
-- a pair with no day left loses its row. Rows are locked and written in key order, so the refresh
-- and a concurrent retention delete never wait on each other in a cycle.
create or replace function private.sync_repository_contributors(repository_ids bigint[], contributor_ids bigint[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if coalesce(cardinality(repository_ids), 0) = 0 then
    return;
  end if;
  perform 1 from private.repository_contributors rc
  where (rc.repository_id, rc.contributor_id) in (
    select * from unnest(repository_ids, contributor_ids) p(repository_id, contributor_id))
  order by rc.repository_id, rc.contributor_id
  for update;
  with pairs as (
    select distinct p.repository_id, p.contributor_id
    from unnest(repository_ids, contributor_ids) p(repository_id, contributor_id)
  ),
  latest as (
    select p.repository_id, p.contributor_id,
           (select max(d.date) from private.daily_contributors d
            where d.repository_id = p.repository_id and d.contributor_id = p.contributor_id) as last_active_on
    from pairs p
  ),
  gone as (
    delete from private.repository_contributors rc using latest l
    where l.last_active_on is null and rc.repository_id = l.repository_id and rc.contributor_id = l.contributor_id
    returning 1
  )
  insert into private.repository_contributors as rc (repository_id, contributor_id, last_active_on)
  select l.repository_id, l.contributor_id, l.last_active_on from latest l
  where l.last_active_on is not null
  order by l.repository_id, l.contributor_id
  on conflict (repository_id, contributor_id) do update set last_active_on = excluded.last_active_on
    where rc.last_active_on is distinct from excluded.last_active_on;
end
$$;
revoke execute on function private.sync_repository_contributors(bigint[], bigint[]) from public, anon, authenticated;
grant execute on function private.sync_repository_contributors(bigint[], bigint[]) to service_role;
comment on function private.sync_repository_contributors(bigint[], bigint[]) is
  'Recomputes repository_contributors.last_active_on for the given (repository, contributor) pairs '
  '(parallel arrays) from daily_contributors.';

-- Deletes from commits or pull_requests (retention, a repository removed): the contributor days
-- the deleted rows supported, unless another commit or opened PR of that person on that day remains.
create or replace function private.tg_content__forget_contributor_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  repos bigint[];
  dates date[];
  people bigint[];
begin
  if tg_table_name = 'commits' then
    select array_agg(g.repository_id), array_agg(g.date), array_agg(g.contributor_id) into repos, dates, people
    from (select distinct o.repository_id, private.utc_day(o.committed_at) as date, o.author_id as contributor_id
          from old_rows o where o.author_id is not null) g;
  else
    select array_agg(g.repository_id), array_agg(g.date), array_agg(g.contributor_id) into repos, dates, people
    from (select distinct o.repository_id, private.utc_day(o.created_at) as date, o.author_id as contributor_id
          from old_rows o where o.author_id is not null) g;
  end if;
  if repos is null then
    return null;
  end if;
  with stale as (
    delete from private.daily_contributors d
    using unnest(repos, dates, people) g(repository_id, date, contributor_id)
    where d.repository_id = g.repository_id and d.date = g.date and d.contributor_id = g.contributor_id
      and not exists (
        select 1 from public.commits c
        where c.repository_id = g.repository_id and c.author_id = g.contributor_id
          and c.committed_at >= g.date::timestamp at time zone 'utc'
          and c.committed_at < (g.date + 1)::timestamp at time zone 'utc')
      and not exists (
        select 1 from public.pull_requests p
        where p.repository_id = g.repository_id and p.author_id = g.contributor_id
          and p.created_at >= g.date::timestamp at time zone 'utc'
          and p.created_at < (g.date + 1)::timestamp at time zone 'utc')
    returning d.repository_id, d.contributor_id
  )
  select array_agg(s.repository_id), array_agg(s.contributor_id) into repos, people
  from (select distinct s.repository_id, s.contributor_id from stale s) s;
  perform private.sync_repository_contributors(repos, people);
  return null;
end
$$;
revoke execute on function private.tg_content__forget_contributor_days() from public, anon, authenticated;
comment on function private.tg_content__forget_contributor_days() is
  'Statement trigger after deletes from commits and pull_requests: drops the contributor days no '
  'remaining commit or opened PR supports and recomputes those contributors'' last active day.';

-- Workspaces' caches in (workspace, period) order, whoever calls: the hourly run and the refresh
-- after a recomputation lock the same rows in the same order.
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
  where (refresh_workspace_metrics_cache.workspace_id is null or w.id = refresh_workspace_metrics_cache.workspace_id)
    and p.d <= w.retention_days
  order by w.id, p.d
  on conflict on constraint workspace_metrics_cache_pkey do update
    set metrics = excluded.metrics, computed_at = excluded.computed_at, expires_at = excluded.expires_at;
  get diagnostics n = row_count;
  return n;
end
$$;
revoke execute on function private.refresh_workspace_metrics_cache(uuid) from public, anon, authenticated;
grant execute on function private.refresh_workspace_metrics_cache(uuid) to service_role;
comment on function private.refresh_workspace_metrics_cache(uuid) is
  'Recomputes workspace_metrics_cache (periods 7, 30, 90, 365 within the workspace''s retention) for one workspace or all; hourly by '
  'pg_cron, and for the workspaces of the repositories refresh_daily_activity_metrics recomputed.';

-- The refresh of 20261122003000 plus the contributors of the claimed days (same statement, so a
-- failure leaves the days dirty), then the contributors' last active days and the caches of the
-- workspaces tracking a recomputed repository.
create or replace function private.refresh_daily_activity_metrics(max_days int default 20000)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  refreshed int;
  claimed_repos bigint[];
  touched_repos bigint[];
  touched_people bigint[];
  ws uuid;
begin
  with taken as (
    delete from private.daily_activity_dirty_days d
    where d.id in (
      select x.id from private.daily_activity_dirty_days x
      order by x.id
      limit greatest(coalesce(max_days, 20000), 1)
      for update skip locked)
    returning d.repository_id, d.date
  ),
  claimed as (select distinct t.repository_id, t.date from taken t),
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
  ),
  -- Who was active on each claimed day, read through the (repository, time) indexes day by day.
  people as (
    select distinct k.repository_id, k.date, x.contributor_id
    from claimed k
    cross join lateral (
      select c.author_id from public.commits c
      where c.repository_id = k.repository_id and c.author_id is not null
        and c.committed_at >= k.date::timestamp at time zone 'utc'
        and c.committed_at < (k.date + 1)::timestamp at time zone 'utc'
      union all
      select p.author_id from public.pull_requests p
      where p.repository_id = k.repository_id and p.author_id is not null
        and p.created_at >= k.date::timestamp at time zone 'utc'
        and p.created_at < (k.date + 1)::timestamp at time zone 'utc'
    ) x(contributor_id)
    where exists (select 1 from public.repositories r where r.id = k.repository_id)
  ),
  people_left as (
    delete from private.daily_contributors d using claimed k
    where d.repository_id = k.repository_id and d.date = k.date
      and not exists (select 1 from people p
                      where p.repository_id = d.repository_id and p.date = d.date and p.contributor_id = d.contributor_id)
    returning d.repository_id, d.contributor_id
  ),
  people_came as (
    insert into private.daily_contributors (repository_id, date, contributor_id)
    select p.repository_id, p.date, p.contributor_id from people p
    order by 1, 2, 3
    on conflict do nothing
    returning repository_id, contributor_id
  ),
  touched as (
    select distinct t.repository_id, t.contributor_id
    from (select * from people_left union all select * from people_came) t
  )
  select (select count(*) from claimed),
         (select array_agg(r.repository_id order by r.repository_id) from repos r),
         (select array_agg(t.repository_id order by t.repository_id, t.contributor_id) from touched t),
         (select array_agg(t.contributor_id order by t.repository_id, t.contributor_id) from touched t)
    into refreshed, claimed_repos, touched_repos, touched_people;

  perform private.sync_repository_contributors(touched_repos, touched_people);

  -- Recomputed days change the numbers of every workspace tracking those repositories.
  if refreshed > 0 then
    for ws in
      select distinct w.workspace_id
      from public.workspace_tracked_repositories w
      join public.tracked_repositories t on t.id = w.tracked_repository_id
      where t.repository_id = any (claimed_repos)
      order by 1
    loop
      perform private.refresh_workspace_metrics_cache(ws);
    end loop;
  end if;
  return refreshed;
end
$$;
revoke execute on function private.refresh_daily_activity_metrics(int) from public, anon, authenticated;
grant execute on function private.refresh_daily_activity_metrics(int) to service_role;
comment on function private.refresh_daily_activity_metrics(int) is
  'Recomputes daily_activity_metrics for up to max_days repository days whose content changed '
  '(commits, PRs opened/merged/closed without merge, issues opened/closed, stars, forks per UTC '
  'day) and the contributors of those days (daily_contributors, repository_contributors), then '
  'refreshes the metrics cache of the workspaces tracking those repositories. Idempotent; run by '
  'pg_cron every 5 minutes. Returns the days recomputed.';

create or replace function private.roll_up_activity_months(repository_ids bigint[], months date[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  with keys as (
    select distinct k.repository_id, k.month from unnest(repository_ids, months) k(repository_id, month)
  ),
  sums as (
    select k.repository_id, k.month, count(d.date)::int as days,
           coalesce(sum(d.commits_count), 0) as commits_count, coalesce(sum(d.additions), 0) as additions,
           coalesce(sum(d.deletions), 0) as deletions, coalesce(sum(d.prs_opened), 0) as prs_opened,
           coalesce(sum(d.prs_merged), 0) as prs_merged, coalesce(sum(d.prs_closed), 0) as prs_closed,
           coalesce(sum(d.issues_opened), 0) as issues_opened, coalesce(sum(d.issues_closed), 0) as issues_closed,
           coalesce(sum(d.stars), 0) as stars, coalesce(sum(d.forks), 0) as forks
    from keys k
    left join public.daily_activity_metrics d
      on d.repository_id = k.repository_id and d.date >= k.month and d.date < (k.month + interval '1 month')::date
    group by k.repository_id, k.month
  ),
  emptied as (
    delete from private.monthly_activity_metrics mm using sums s
    where s.days = 0 and mm.repository_id = s.repository_id and mm.month = s.month
    returning 1
  )
  insert into private.monthly_activity_metrics as mm (repository_id, month, days, commits_count, additions,
    deletions, prs_opened, prs_merged, prs_closed, issues_opened, issues_closed, stars, forks)
  select s.repository_id, s.month, s.days, s.commits_count, s.additions, s.deletions, s.prs_opened, s.prs_merged,
         s.prs_closed, s.issues_opened, s.issues_closed, s.stars, s.forks
  from sums s
  where s.days > 0 and exists (select 1 from public.repositories r where r.id = s.repository_id)
  order by s.repository_id, s.month
  on conflict (repository_id, month) do update set
    days = excluded.days, commits_count = excluded.commits_count, additions = excluded.additions,
    deletions = excluded.deletions, prs_opened = excluded.prs_opened, prs_merged = excluded.prs_merged,
    prs_closed = excluded.prs_closed, issues_opened = excluded.issues_opened,
    issues_closed = excluded.issues_closed, stars = excluded.stars, forks = excluded.forks;
end
$$;
revoke execute on function private.roll_up_activity_months(bigint[], date[]) from public, anon, authenticated;
grant execute on function private.roll_up_activity_months(bigint[], date[]) to service_role;
comment on function private.roll_up_activity_months(bigint[], date[]) is
  'Sums the daily_activity_metrics of the given (repository, first day of month) pairs into '
  'monthly_activity_metrics; months without days lose their row.';

create or replace function private.tg_daily_activity_metrics__roll_up_months()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  repos bigint[];
  months date[];
begin
  if tg_op = 'INSERT' then
    select array_agg(k.repository_id), array_agg(k.month) into repos, months
    from (select distinct n.repository_id, date_trunc('month', n.date::timestamp)::date as month from new_rows n) k;
  elsif tg_op = 'DELETE' then
    select array_agg(k.repository_id), array_agg(k.month) into repos, months
    from (select distinct o.repository_id, date_trunc('month', o.date::timestamp)::date as month from old_rows o) k;
  else
    select array_agg(k.repository_id), array_agg(k.month) into repos, months
    from (select n.repository_id, date_trunc('month', n.date::timestamp)::date as month from new_rows n
          union
          select o.repository_id, date_trunc('month', o.date::timestamp)::date from old_rows o) k;
  end if;
  if repos is not null then
    perform private.roll_up_activity_months(repos, months);
  end if;
  return null;
end
$$;
revoke execute on function private.tg_daily_activity_metrics__roll_up_months() from public, anon, authenticated;
comment on function private.tg_daily_activity_metrics__roll_up_months() is
  'Statement trigger on daily_activity_metrics: re-sums the months a write touched into '
  'monthly_activity_metrics.';

-- Totals of daily_activity_metrics over [from_date, to_date] for a set of repositories: whole
-- months from the monthly rollup, the days before the first and after the last whole month from
-- the daily rows. active_repositories counts the repositories with at least one day in the range.
-- plpgsql, not sql: its statement's plan is cached for the session (a SQL function with a SET
-- clause is planned at every call, ~1 ms of a 30-day RPC), and the month bounds are variables the
-- index scans use (joined from a CTE they were filters over every row of the repositories).
create or replace function private.activity_totals(repository_ids bigint[], from_date date, to_date date)
returns table (
  commits bigint, additions bigint, deletions bigint, prs_opened bigint, prs_merged bigint, prs_closed bigint,
  issues_opened bigint, issues_closed bigint, stars bigint, forks bigint, active_repositories bigint)
language plpgsql
stable
rows 1
set search_path = ''
as $$
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
$$;
revoke execute on function private.activity_totals(bigint[], date, date) from public, anon, authenticated;
grant execute on function private.activity_totals(bigint[], date, date) to service_role;
comment on function private.activity_totals(bigint[], date, date) is
  'Sums of daily_activity_metrics from from_date to to_date (inclusive) over the given repositories, '
  'read from whole months of monthly_activity_metrics plus the days at both ends; no RLS check.';

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
  perform private.assert_metrics_period(star_fork_velocity.workspace_id, star_fork_velocity.period_days, 'get_star_fork_velocity');
  cur_start := today - (star_fork_velocity.period_days - 1);
  -- The previous period is compared only when it lies inside the workspace's retention.
  prev_start := case when cur_start - star_fork_velocity.period_days > private.workspace_retention_start(star_fork_velocity.workspace_id)
                     then cur_start - star_fork_velocity.period_days end;
  select array_agg(r) into repos
  from unnest(private.workspace_repository_ids(star_fork_velocity.workspace_id)) r
  where star_fork_velocity.repository_id is null or r = star_fork_velocity.repository_id;
  select a.stars, a.forks into cur_stars, cur_forks from private.activity_totals(repos, cur_start, today) a;
  if prev_start is not null then
    select a.stars, a.forks into prev_stars, prev_forks from private.activity_totals(repos, prev_start, cur_start - 1) a;
  end if;
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
language plpgsql
stable
set search_path = ''
set jit = off
as $$
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
  -- No row, so every field null, when there is no previous period to compare.
  select * into prev from private.activity_totals(repos, prev_start, cur_start - 1) where prev_start is not null;
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
$$;
revoke execute on function private.compute_workspace_activity(uuid, int) from public, anon, authenticated;
grant execute on function private.compute_workspace_activity(uuid, int) to authenticated, service_role;
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
  perform private.assert_metrics_period(workspace_activity.workspace_id, workspace_activity.period_days, 'get_workspace_activity');
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

create trigger tg_commits__forget_contributor_days_on_delete after delete on public.commits
  referencing old table as old_rows for each statement
  execute function private.tg_content__forget_contributor_days();

create trigger tg_pull_requests__forget_contributor_days_on_delete after delete on public.pull_requests
  referencing old table as old_rows for each statement
  execute function private.tg_content__forget_contributor_days();

create trigger tg_daily_activity_metrics__roll_up_months_on_insert after insert on public.daily_activity_metrics
  referencing new table as new_rows for each statement
  execute function private.tg_daily_activity_metrics__roll_up_months();

create trigger tg_daily_activity_metrics__roll_up_months_on_update after update on public.daily_activity_metrics
  referencing old table as old_rows new table as new_rows for each statement
  execute function private.tg_daily_activity_metrics__roll_up_months();

create trigger tg_daily_activity_metrics__roll_up_months_on_delete after delete on public.daily_activity_metrics
  referencing old table as old_rows for each statement
  execute function private.tg_daily_activity_metrics__roll_up_months();

create policy "members can read daily activity of their workspace repos inside their retention" on public.daily_activity_metrics
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = daily_activity_metrics.repository_id
      and daily_activity_metrics.date::timestamp at time zone 'utc' >= w.since));

create policy "members can read their workspace's metrics" on public.workspace_metrics_cache
  for select to authenticated using (workspace_id in (select private.member_workspace_ids()));

-- An update can move a row to another day (a PR merged today was opened last week), so updates
-- mark the old row's days as well as the new row's.
create trigger tg_commits__mark_activity_days_on_insert after insert on public.commits
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_commits__mark_activity_days_on_update after update on public.commits
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_commits__mark_old_activity_days_on_update after update on public.commits
  referencing old table as new_rows for each statement execute function private.tg_content__mark_activity_days();

create trigger tg_pull_requests__mark_activity_days_on_insert after insert on public.pull_requests
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_pull_requests__mark_activity_days_on_update after update on public.pull_requests
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_pull_requests__mark_old_activity_days_on_update after update on public.pull_requests
  referencing old table as new_rows for each statement execute function private.tg_content__mark_activity_days();

create trigger tg_issues__mark_activity_days_on_insert after insert on public.issues
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_issues__mark_activity_days_on_update after update on public.issues
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_issues__mark_old_activity_days_on_update after update on public.issues
  referencing old table as new_rows for each statement execute function private.tg_content__mark_activity_days();

create trigger tg_star_history__mark_activity_days_on_insert after insert on public.star_history
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_star_history__mark_activity_days_on_update after update on public.star_history
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_star_history__mark_old_activity_days_on_update after update on public.star_history
  referencing old table as new_rows for each statement execute function private.tg_content__mark_activity_days();

create trigger tg_forks__mark_activity_days_on_insert after insert on public.forks
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_forks__mark_activity_days_on_update after update on public.forks
  referencing new table as new_rows for each statement execute function private.tg_content__mark_activity_days();
create trigger tg_forks__mark_old_activity_days_on_update after update on public.forks
  referencing old table as new_rows for each statement execute function private.tg_content__mark_activity_days();

select cron.schedule('refresh-daily-activity-metrics', '*/5 * * * *',
  $$select private.refresh_daily_activity_metrics(20000)$$);

select cron.schedule('refresh-workspace-metrics-cache', '7 * * * *',
  $$select private.refresh_workspace_metrics_cache()$$);
