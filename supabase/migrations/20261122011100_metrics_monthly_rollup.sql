-- Period totals in a handful of rows per repository: a monthly rollup of daily_activity_metrics.
--
-- A 365-day period with its previous period reads 730 daily rows per repository (36,500 for 50
-- repositories); summing them was most of the metrics RPCs' time. private.activity_totals reads
-- the whole months inside a period from private.monthly_activity_metrics and only the days at its
-- two ends from daily_activity_metrics: about 12 monthly and at most 60 daily rows per repository
-- and year. The monthly rows follow the daily rows through statement triggers on
-- daily_activity_metrics (the refresh, retention and any direct write alike): every month a
-- statement touched is summed again from its days, and a month with no day left loses its row.

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
comment on table private.monthly_activity_metrics is
  'Sums of daily_activity_metrics per repository and calendar month (days = rows summed); kept in '
  'step by statement triggers on daily_activity_metrics.';
alter table private.monthly_activity_metrics enable row level security;
revoke all on private.monthly_activity_metrics from public, anon, authenticated;
grant select on private.monthly_activity_metrics to service_role;

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

drop trigger if exists tg_daily_activity_metrics__roll_up_months_on_insert on public.daily_activity_metrics;
create trigger tg_daily_activity_metrics__roll_up_months_on_insert after insert on public.daily_activity_metrics
  referencing new table as new_rows for each statement
  execute function private.tg_daily_activity_metrics__roll_up_months();
drop trigger if exists tg_daily_activity_metrics__roll_up_months_on_update on public.daily_activity_metrics;
create trigger tg_daily_activity_metrics__roll_up_months_on_update after update on public.daily_activity_metrics
  referencing old table as old_rows new table as new_rows for each statement
  execute function private.tg_daily_activity_metrics__roll_up_months();
drop trigger if exists tg_daily_activity_metrics__roll_up_months_on_delete on public.daily_activity_metrics;
create trigger tg_daily_activity_metrics__roll_up_months_on_delete after delete on public.daily_activity_metrics
  referencing old table as old_rows for each statement
  execute function private.tg_daily_activity_metrics__roll_up_months();

-- Totals of daily_activity_metrics over [from_date, to_date] for a set of repositories: whole
-- months from the monthly rollup, the days before the first and after the last whole month from
-- the daily rows. active_repositories counts the repositories with at least one day in the range.
create or replace function private.activity_totals(repository_ids bigint[], from_date date, to_date date)
returns table (
  commits bigint, additions bigint, deletions bigint, prs_opened bigint, prs_merged bigint, prs_closed bigint,
  issues_opened bigint, issues_closed bigint, stars bigint, forks bigint, active_repositories bigint)
language sql
stable
rows 1
set search_path = ''
as $$
  with whole as (
    -- [m_start, m_end): the whole months inside the range; empty (both to_date + 1) when there are none.
    select case when x.m_start < x.m_end then x.m_start else to_date + 1 end as m_start,
           case when x.m_start < x.m_end then x.m_end else to_date + 1 end as m_end
    from (select (date_trunc('month', (from_date - 1)::timestamp) + interval '1 month')::date as m_start,
                 date_trunc('month', (to_date + 1)::timestamp)::date as m_end) x
  ),
  parts as (
    select mm.repository_id, mm.commits_count, mm.additions, mm.deletions, mm.prs_opened, mm.prs_merged,
           mm.prs_closed, mm.issues_opened, mm.issues_closed, mm.stars, mm.forks
    from whole w
    join private.monthly_activity_metrics mm
      on mm.repository_id = any (repository_ids) and mm.month >= w.m_start and mm.month < w.m_end
    union all
    select d.repository_id, d.commits_count, d.additions, d.deletions, d.prs_opened, d.prs_merged,
           d.prs_closed, d.issues_opened, d.issues_closed, d.stars, d.forks
    from whole w
    join public.daily_activity_metrics d
      on d.repository_id = any (repository_ids) and d.date >= from_date and d.date < w.m_start
    union all
    select d.repository_id, d.commits_count, d.additions, d.deletions, d.prs_opened, d.prs_merged,
           d.prs_closed, d.issues_opened, d.issues_closed, d.stars, d.forks
    from whole w
    join public.daily_activity_metrics d
      on d.repository_id = any (repository_ids) and d.date >= w.m_end and d.date <= to_date
  )
  select coalesce(sum(p.commits_count), 0)::bigint, coalesce(sum(p.additions), 0)::bigint,
         coalesce(sum(p.deletions), 0)::bigint, coalesce(sum(p.prs_opened), 0)::bigint,
         coalesce(sum(p.prs_merged), 0)::bigint, coalesce(sum(p.prs_closed), 0)::bigint,
         coalesce(sum(p.issues_opened), 0)::bigint, coalesce(sum(p.issues_closed), 0)::bigint,
         coalesce(sum(p.stars), 0)::bigint, coalesce(sum(p.forks), 0)::bigint,
         count(distinct p.repository_id)
  from parts p
$$;
revoke execute on function private.activity_totals(bigint[], date, date) from public, anon, authenticated;
grant execute on function private.activity_totals(bigint[], date, date) to service_role;
comment on function private.activity_totals(bigint[], date, date) is
  'Sums of daily_activity_metrics from from_date to to_date (inclusive) over the given repositories, '
  'read from whole months of monthly_activity_metrics plus the days at both ends; no RLS check.';

-- The days stored before this migration.
select private.roll_up_activity_months(array_agg(k.repository_id), array_agg(k.month))
from (select distinct d.repository_id, date_trunc('month', d.date::timestamp)::date as month
      from public.daily_activity_metrics d) k;
