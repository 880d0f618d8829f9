-- Anyone outside the workspace is refused by the metrics RPCs with a message that says why;
-- members and the service role may read; periods other than 7/30/90/365 are refused.
begin;
select plan(9);
\ir _dataset.psql

select tests.clear_authentication();
select throws_ok($$ select * from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 30) $$,
  '42501', 'permission denied for function get_star_fork_velocity', 'anon cannot read velocity');
select throws_ok($$ select public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 30) $$,
  '42501', 'permission denied for function get_workspace_activity', 'anon cannot read workspace activity');

select tests.authenticate_as('outsider5');
select throws_ok($$ select * from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 30) $$,
  '42501', 'get_star_fork_velocity: you are not a member of workspace 00000000-0000-4000-8000-000000000501',
  'a non-member is told they are not a member when asking for velocity');
select throws_ok($$ select public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 30) $$,
  '42501', 'get_workspace_activity: you are not a member of workspace 00000000-0000-4000-8000-000000000501',
  'a non-member is told they are not a member when asking for activity');

select tests.authenticate_as('member5');
select isnt_empty($$ select * from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', 90) $$,
  'a member can read velocity');
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 365) ->> 'repositories')::int, 2,
  'a member can read activity of the workspace''s two repositories');
select throws_ok($$ select public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 14) $$,
  '22023', 'get_workspace_activity: period_days must be 7, 30, 90 or 365, got 14', 'a 14-day period is refused');
select throws_ok($$ select * from public.get_star_fork_velocity('00000000-0000-4000-8000-000000000501', null) $$,
  '22023', 'get_star_fork_velocity: period_days must be 7, 30, 90 or 365, got null', 'a missing period is refused');

select tests.authenticate_as_service_role();
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 365) ->> 'repositories')::int, 2,
  'the service role can read activity');

select * from finish();
rollback;
