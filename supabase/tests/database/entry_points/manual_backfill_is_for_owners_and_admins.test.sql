-- Only owners, admins and the service role may start a manual backfill; others are told why.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(6);

select tests.clear_authentication();
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 30) $$,
  '42501', 'permission denied for function start_manual_backfill', 'anon cannot start a manual backfill');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 30) $$,
  '42501', 'start_manual_backfill: only owners and admins of workspace 00000000-0000-4000-8000-00000000000a can do this',
  'a non-member cannot start a manual backfill');
select tests.authenticate_as('member');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 30) $$,
  '42501', 'start_manual_backfill: only owners and admins of workspace 00000000-0000-4000-8000-00000000000a can do this',
  'a plain member cannot start a manual backfill');
select tests.authenticate_as('admin');
select is((public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 30)).kind, 'manual',
  'an admin can start a manual backfill');
select tests.authenticate_as('owner');
select is((public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 14)).created_by, tests.get_supabase_uid('owner'),
  'an owner can start one, and the job records who started it');
select tests.authenticate_as_service_role();
select results_eq($$ select kind, window_days, created_by from public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 7) $$,
  $$ values ('manual'::text, 7, null::uuid) $$, 'the service role can start a manual backfill (started by no user)');

select * from finish();
rollback;
