-- A manual backfill inserts one job for the selected repositories, days and data types, which
-- the engine fans out into one task per selected repository, readable by every member.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(5);
insert into public.repositories (id, node_id, owner, name, full_name) values (1002, 'R_1002', 'acme', 'gears', 'acme/gears');
insert into public.tracked_repositories (id, owner, name, repository_id, status) values
  ('00000000-0000-4000-8000-0000000000c3', 'acme', 'gears', 1002, 'active');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values
  ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c3');

select tests.authenticate_as('admin');
create temp table j as
select * from public.start_manual_backfill('00000000-0000-4000-8000-00000000000a',
  array['00000000-0000-4000-8000-0000000000c3']::uuid[], 45, array['stars', 'forks', 'stars']);
grant select on j to public;

select results_eq($$ select kind, window_days, data_types, tracked_repository_ids from j $$,
  $$ values ('manual', 45, array['stars', 'forks'], array['00000000-0000-4000-8000-0000000000c3']::uuid[]) $$,
  'the job is manual, 45 days, the chosen data types once each, for the selected repository');
select tests.authenticate_as('member');
select is((select count(*)::int from public.backfill_job_status s where s.job_id = (select id from j)), 1,
  'a plain member can read the job''s status');
select results_eq($$ select t.tracked_repository_id from public.backfill_tasks t where t.job_id = (select id from j) $$,
  $$ values ('00000000-0000-4000-8000-0000000000c3'::uuid) $$,
  'the engine made one task, for the selected repository only');
select tests.authenticate_as('owner');
select is((select total_tasks from public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 10)), 2,
  'with no selection every repository of the workspace is backfilled');
select is((select data_types from public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 10)),
  array['repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks'],
  'with no data types chosen every data type is backfilled');

select * from finish();
rollback;
