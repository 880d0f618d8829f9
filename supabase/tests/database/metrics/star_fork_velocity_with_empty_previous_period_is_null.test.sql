-- When the previous period has nothing (no history backfilled yet, or nothing happened), the
-- percent change is null rather than a made-up +100%.
begin;
select plan(3);
\ir _dataset.psql

insert into public.star_history (repository_id, day, stars) values (5001, private.utc_day(now()) - 1, 12);
-- Velocity reads the daily rollup, which pg_cron refreshes from star_history and forks.
select private.refresh_daily_activity_metrics();
select tests.authenticate_as('owner5');

select results_eq(
  $$ select current_total, previous_total, percent_change from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 30) where metric = 'stars' $$,
  $$ values (12::bigint, 0::bigint, null::numeric) $$,
  '12 stars now against an empty previous period gives a null percent change');
select results_eq(
  $$ select current_total, previous_total, percent_change from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 30) where metric = 'forks' $$,
  $$ values (0::bigint, 0::bigint, null::numeric) $$,
  'no forks in either period gives zeros and a null percent change');
select is(private.percent_change(0, 5), -100.0, 'dropping from 5 to 0 is a real -100%');

select * from finish();
rollback;
