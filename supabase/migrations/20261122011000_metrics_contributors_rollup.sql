-- Distinct contributors without reading raw rows at request time (DESIGN.md §6: metrics RPCs at
-- p95 ≤ 20 ms for 50 repositories × 365 days).
--
-- "Contributors over a period" = distinct author ids of commits committed and PRs opened from the
-- period's first UTC day on. Distinct counts do not add up across days, so the daily rollup cannot
-- hold them; two small tables do:
--   private.daily_contributors    (repository, day, contributor): who was active on a repository
--                                  day; the exact per-day truth, maintained with the day's metrics.
--   private.repository_contributors (repository, contributor, last_active_on): the latest such day.
-- Every period ends today (and counts anything later), so a contributor is in the period exactly
-- when last_active_on >= its first day: a range scan of an index on (repository, last_active_on,
-- contributor), at most one row per person and repository, instead of every commit of the year.
--
-- Upkeep: private.refresh_daily_activity_metrics recomputes the contributors of the days it
-- recomputes (the dirty days of inserts and updates), in the same statement as their metrics.
-- Deletes do not mark days (retention removes old metric rows itself), so a statement trigger
-- on deletes from commits and pull_requests drops the contributor days no remaining row supports;
-- a contributor whose last day goes falls back to the previous one. After a refresh, the workspace
-- metrics cache of every workspace tracking a recomputed repository is refreshed too, so clients
-- normally hit a warm cache between the hourly runs.

create table private.daily_contributors (
  repository_id bigint not null references public.repositories (id) on delete cascade,
  date date not null,
  contributor_id bigint not null,
  primary key (repository_id, date, contributor_id)
);
create index daily_contributors_repository_id_contributor_id_date_idx
  on private.daily_contributors (repository_id, contributor_id, date);
comment on table private.daily_contributors is
  'Contributors (commit authors, PR openers) active on a repository per UTC day; maintained by '
  'refresh_daily_activity_metrics and the delete triggers on commits and pull_requests.';
alter table private.daily_contributors enable row level security;
revoke all on private.daily_contributors from public, anon, authenticated;
grant select on private.daily_contributors to service_role;

create table private.repository_contributors (
  repository_id bigint not null references public.repositories (id) on delete cascade,
  contributor_id bigint not null,
  last_active_on date not null,
  primary key (repository_id, contributor_id)
);
create index repository_contributors_repository_id_last_active_on_idx
  on private.repository_contributors (repository_id, last_active_on, contributor_id);
comment on table private.repository_contributors is
  'Per repository and contributor, the latest UTC day with a commit or an opened PR (the maximum '
  'of daily_contributors); a period from day D counts those with last_active_on >= D.';
alter table private.repository_contributors enable row level security;
revoke all on private.repository_contributors from public, anon, authenticated;
grant select on private.repository_contributors to service_role;

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

drop trigger if exists tg_commits__forget_contributor_days_on_delete on public.commits;
create trigger tg_commits__forget_contributor_days_on_delete after delete on public.commits
  referencing old table as old_rows for each statement
  execute function private.tg_content__forget_contributor_days();
drop trigger if exists tg_pull_requests__forget_contributor_days_on_delete on public.pull_requests;
create trigger tg_pull_requests__forget_contributor_days_on_delete after delete on public.pull_requests
  referencing old table as old_rows for each statement
  execute function private.tg_content__forget_contributor_days();

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
  where refresh_workspace_metrics_cache.workspace_id is null or w.id = refresh_workspace_metrics_cache.workspace_id
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
  'Recomputes workspace_metrics_cache (periods 7, 30, 90, 365) for one workspace or all; hourly by '
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

-- Content stored before this migration: its contributor days, once. (Dirty days still queued are
-- recomputed by the next refresh, which corrects anything written meanwhile.)
insert into private.daily_contributors (repository_id, date, contributor_id)
select c.repository_id, private.utc_day(c.committed_at), c.author_id from public.commits c where c.author_id is not null
union
select p.repository_id, private.utc_day(p.created_at), p.author_id from public.pull_requests p where p.author_id is not null
on conflict do nothing;
insert into private.repository_contributors (repository_id, contributor_id, last_active_on)
select d.repository_id, d.contributor_id, max(d.date) from private.daily_contributors d group by 1, 2
on conflict (repository_id, contributor_id) do update set last_active_on = excluded.last_active_on;
