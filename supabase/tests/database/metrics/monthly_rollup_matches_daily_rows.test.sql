-- Period totals read whole months from the monthly rollup and the days at both ends from the daily
-- rows; the rollup follows every write to daily_activity_metrics, and any range gives what summing
-- its days gives.
begin;
select plan(4);
\ir _dataset.psql

insert into public.daily_activity_metrics (repository_id, date, commits_count, additions, prs_opened, stars, forks)
select r, d::date, (extract(day from d)::int % 5), 10, 1, (extract(doy from d)::int % 7), r % 3
from (values (5001), (5002)) v(r), generate_series('2026-01-25'::date, '2026-04-05'::date, interval '1 day') d
where extract(day from d)::int % 4 <> 0;

select results_eq(
  $$ select days, commits_count, stars from private.monthly_activity_metrics where repository_id = 5001 and month = '2026-02-01' $$,
  $$ select count(*)::int, sum(commits_count)::bigint, sum(stars)::bigint from public.daily_activity_metrics
     where repository_id = 5001 and date >= '2026-02-01' and date < '2026-03-01' $$,
  'a month of the rollup holds the sums of its days');

update public.daily_activity_metrics set commits_count = commits_count + 100 where repository_id = 5001 and date = '2026-02-10';
delete from public.daily_activity_metrics where repository_id = 5002 and date >= '2026-03-01' and date < '2026-04-01';
select results_eq(
  $$ select month, commits_count from private.monthly_activity_metrics where repository_id = 5001 and month = '2026-02-01'
     union all select month, commits_count from private.monthly_activity_metrics where repository_id = 5002 and month = '2026-03-01' $$,
  $$ select '2026-02-01'::date, sum(commits_count)::bigint from public.daily_activity_metrics
     where repository_id = 5001 and date >= '2026-02-01' and date < '2026-03-01' $$,
  'updates are summed again and a month whose days are all deleted loses its row');

create temp table ranges (from_date date, to_date date);
insert into ranges values ('2026-01-01', '2026-12-31'), ('2026-02-01', '2026-02-28'), ('2026-02-02', '2026-02-27'),
  ('2026-01-28', '2026-03-03'), ('2026-02-01', '2026-03-31'), ('2026-03-15', '2026-03-20'), ('2026-01-31', '2026-04-01');
select set_eq(
  $$ select g.from_date, g.to_date, t.commits, t.additions, t.prs_opened, t.stars, t.forks, t.active_repositories
     from ranges g, private.activity_totals(array[5001, 5002]::bigint[], g.from_date, g.to_date) t $$,
  $$ select g.from_date, g.to_date, coalesce(sum(d.commits_count), 0)::bigint as commits,
            coalesce(sum(d.additions), 0)::bigint as additions, coalesce(sum(d.prs_opened), 0)::bigint as prs_opened,
            coalesce(sum(d.stars), 0)::bigint as stars, coalesce(sum(d.forks), 0)::bigint as forks,
            count(distinct d.repository_id) as active_repositories
     from ranges g left join public.daily_activity_metrics d
       on d.repository_id in (5001, 5002) and d.date between g.from_date and g.to_date
     group by g.from_date, g.to_date $$,
  'totals over ranges starting and ending inside or on the edges of months equal the sums of their days');
select is((select commits from private.activity_totals(array[5003]::bigint[], '2026-01-01', '2026-12-31')), 0::bigint,
  'a repository without days totals zero');

select * from finish();
rollback;
