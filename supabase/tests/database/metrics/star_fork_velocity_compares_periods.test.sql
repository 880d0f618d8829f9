-- Star and fork velocity compares the last N UTC days with the N days before, per day and in
-- percent, over the workspace's repositories only.
begin;
select plan(4);
\ir _dataset.psql

-- Period 7: current = today-6 .. today, previous = today-13 .. today-7.
insert into public.star_history (repository_id, day, stars)
select r, private.utc_day(now()) - d, s from (values
  (5001, 0, 3), (5002, 6, 7),        -- current: 10
  (5001, 7, 2), (5002, 13, 2),       -- previous: 4
  (5001, 14, 100),                   -- before both periods
  (5003, 1, 50)                      -- a repository outside the workspace
) v(r, d, s);
insert into public.forks (id, repository_id, full_name, created_at) values
  (1, 5001, 'a/r', now()), (2, 5002, 'b/r', now() - interval '2 days'), (3, 5001, 'c/r', now() - interval '3 days'),
  (4, 5001, 'd/r', now() - interval '9 days'), (5, 5002, 'e/r', now() - interval '10 days'),
  (6, 5003, 'f/r', now());

-- Velocity reads the daily rollup, which pg_cron refreshes from star_history and forks.
select private.refresh_daily_activity_metrics();
select tests.authenticate_as('member5');
select results_eq(
  $$ select metric, current_total, previous_total, percent_change from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 7) order by metric $$,
  $$ values ('forks', 3::bigint, 2::bigint, 50.0::numeric), ('stars', 10::bigint, 4::bigint, 150.0::numeric) $$,
  'stars 10 vs 4 is +150%, forks 3 vs 2 is +50%, ignoring repositories outside the workspace');
select results_eq(
  $$ select current_per_day, previous_per_day from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 7) where metric = 'stars' $$,
  $$ values (1.43::numeric, 0.57::numeric) $$,
  'per-day velocity is the period total over 7 days');
select results_eq(
  $$ select current_total, previous_total from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 7, 5002) order by metric $$,
  $$ values (1::bigint, 1::bigint), (7::bigint, 2::bigint) $$,
  'the velocity of one repository counts only that repository');
select results_eq(
  $$ select current_period_start, previous_period_start, period_end from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 7) limit 1 $$,
  $$ select private.utc_day(now()) - 6, private.utc_day(now()) - 13, private.utc_day(now()) $$,
  'the periods are the 7 UTC days up to today and the 7 before');

select * from finish();
rollback;
