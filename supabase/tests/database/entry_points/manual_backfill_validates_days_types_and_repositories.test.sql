-- A manual backfill is refused, with a message naming the limit and what to do, when the days
-- exceed the workspace's retention, a data type is unknown, or a repository is not the workspace's.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(7);
-- acme is pro: 90 days of retention without the addon.
update public.workspaces set retention_days = 90 where slug = 'acme';

select tests.authenticate_as('owner');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 400) $$,
  '22023', 'backfill of 400 days exceeds workspace acme''s retention of 90 days; buy the Extended Data Retention addon for up to 365 days',
  'days beyond retention name the limit and the addon');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 0) $$,
  '22023', 'start_manual_backfill: days must be a whole number from 1 to 90, got 0', 'zero days is refused');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 30, array['pull_requests', 'events']) $$,
  '22023', 'start_manual_backfill: unknown data type(s) events', 'an unknown data type is refused');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', array['00000000-0000-4000-8000-0000000000c2']::uuid[], 30) $$,
  '22023', 'start_manual_backfill: repositories {00000000-0000-4000-8000-0000000000c2} are not tracked by workspace acme',
  'a repository of another workspace is refused');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', '{}'::uuid[], 30) $$,
  '22023', 'start_manual_backfill: select at least one repository, or pass null for all repositories of workspace acme',
  'an empty selection is refused');
select results_eq($$ select kind, window_days from public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 90) $$,
  $$ values ('manual'::text, 90) $$, 'exactly the retention is allowed: a manual job of 90 days');

select tests.authenticate_as_service_role();
update public.workspaces set retention_days = 365 where slug = 'acme';
select tests.authenticate_as('owner');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 366) $$,
  '22023', 'backfill of 366 days exceeds workspace acme''s retention of 365 days, the most any plan keeps',
  'with the addon, more than 365 days is refused without suggesting the addon');

select * from finish();
rollback;
