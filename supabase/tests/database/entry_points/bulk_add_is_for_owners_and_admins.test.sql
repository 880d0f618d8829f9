-- Only owners, admins and the service role may bulk add or preview a bulk add.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(7);

select tests.clear_authentication();
select throws_ok($$ select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/new']) $$,
  '42501', 'permission denied for function bulk_add_repositories', 'anon cannot bulk add');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/new']) $$,
  '42501', 'bulk_add_repositories: only owners and admins of workspace 00000000-0000-4000-8000-00000000000a can do this',
  'a non-member cannot bulk add');
select tests.authenticate_as('member');
select throws_ok($$ select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/new']) $$,
  '42501', 'bulk_add_repositories: only owners and admins of workspace 00000000-0000-4000-8000-00000000000a can do this',
  'a plain member cannot bulk add');
select throws_ok($$ select public.estimate_bulk_add('00000000-0000-4000-8000-00000000000a', array['acme/new']) $$,
  '42501', 'estimate_bulk_add: only owners and admins of workspace 00000000-0000-4000-8000-00000000000a can do this',
  'a plain member cannot preview a bulk add');
select tests.authenticate_as('admin');
select is((public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/new']) ->> 'added')::int, 1,
  'an admin can bulk add');
select tests.authenticate_as('owner');
select is((public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/newer']) ->> 'added')::int, 1,
  'an owner can bulk add');
select tests.authenticate_as_service_role();
select is((public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/newest']) ->> 'added')::int, 1,
  'the service role can bulk add');

select * from finish();
rollback;
