-- Bulk add starts one initial job for the new repositories only: their metadata and last 200 PRs,
-- at most 5 repositories of one owner in flight; opting out still fetches the metadata.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(6);

select tests.authenticate_as('owner');
create temp table r as select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a',
  array['acme/widgets', 'acme/a', 'acme/b', 'other/c']) as res;
grant select on r to public;

select results_eq(
  $$ select j.kind, j.data_types, j.max_prs_per_repo, j.max_in_flight_per_owner, cardinality(j.tracked_repository_ids), j.created_by
     from public.backfill_jobs j where j.id = (select (res->>'job_id')::uuid from r) $$,
  $$ values ('initial', array['repository', 'pull_requests'], 200, 5, 3, tests.get_supabase_uid('owner')) $$,
  'one initial job fetches metadata and the last 200 PRs of the 3 new repositories, 5 per owner at once');
select is((select count(*)::int from public.backfill_tasks t where t.job_id = (select (res->>'job_id')::uuid from r)), 3,
  'the engine made a task for each new repository and none for the one already present');
select results_eq($$ select (res#>>'{estimate,repositories}')::int, (res#>>'{estimate,estimated_points}')::int,
                          (res#>>'{estimate,estimated_seconds}')::int from r $$,
  $$ values (3, 18, 12) $$, 'the result carries the estimate: 3 repositories, 18 points, 12 seconds');

create temp table r2 as select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/d'], false) as res;
grant select on r2 to public;
select results_eq(
  $$ select j.data_types, j.max_prs_per_repo from public.backfill_jobs j where j.id = (select (res->>'job_id')::uuid from r2) $$,
  $$ values (array['repository'], null::int) $$,
  'opting out of the initial backfill still fetches the metadata, and no PRs');
select is((select res->>'initial_backfill' from r2), 'false', 'the result says no initial backfill was started');

create temp table r3 as select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/a']) as res;
grant select on r3 to public;
select ok((select res->'job_id' = 'null'::jsonb from r3), 'nothing new means no job');

select * from finish();
rollback;
