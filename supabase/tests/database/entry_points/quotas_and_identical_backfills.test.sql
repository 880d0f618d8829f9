-- One tenant cannot use up everyone's budget by asking again and again: an identical manual
-- backfill while one is live returns the live job; live jobs and tracked repositories are capped
-- per tier; bulk add caps each name's length. Before, five identical calls made five jobs.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(10);

select tests.authenticate_as('owner');
create temp table calls as
select (public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 30, array['stars'])).id
from generate_series(1, 5);
grant select on calls to public;
select is((select count(distinct id)::int from calls), 1, 'five identical manual backfills are one job');
select is((select count(*)::int from public.backfill_jobs where workspace_id = '00000000-0000-4000-8000-00000000000a'
           and kind = 'manual' and data_types = array['stars']), 1, 'and only one job row exists');
select isnt((public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 30, array['forks'])).id,
  (select id from calls limit 1), 'a backfill of other data types is another job');

-- With 3 live jobs allowed (the fixture's running one and the two above), a fourth is refused.
reset role;
update public.tier_plans set max_live_jobs = 3 where tier = 'pro';
select tests.authenticate_as('owner');
select throws_ok($$ select public.start_manual_backfill('00000000-0000-4000-8000-00000000000a', null, 7, array['commits']) $$,
  '54000', 'start_manual_backfill: workspace 00000000-0000-4000-8000-00000000000a already has 3 backfill jobs pending or running, the most its pro plan allows',
  'beyond the plan''s live jobs a new backfill is refused, saying how many and which plan');
select is((select count(*)::int from public.backfill_jobs where workspace_id = '00000000-0000-4000-8000-00000000000a'
           and data_types = array['commits']), 0, 'and nothing was written');

-- Tracked repositories: the quota refuses the new entries past it, and says why.
reset role;
update public.tier_plans set max_tracked_repositories = 2 where tier = 'pro';
update public.tier_plans set max_live_jobs = 10 where tier = 'pro';
select tests.authenticate_as('owner');
create temp table added as
select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array['acme/one', 'acme/two', 'acme/three'], false) as r;
grant select on added to public;
select results_eq($$ select e ->> 'full_name', e ->> 'status' from added, jsonb_array_elements(r -> 'results') e $$,
  $$ values ('acme/one', 'added'), ('acme/two', 'over_quota'), ('acme/three', 'over_quota') $$,
  'with one of two repositories tracked, only the first new one is added, the rest are over quota');
select matches((select e ->> 'reason' from added, jsonb_array_elements(r -> 'results') e where e ->> 'full_name' = 'acme/two'),
  'may track 2 repositories on its pro plan', 'the reason names the quota and the plan');
select is((select count(*)::int from public.workspace_tracked_repositories where workspace_id = '00000000-0000-4000-8000-00000000000a'), 2,
  'the workspace tracks exactly its quota');

-- A name longer than any GitHub owner/name is refused without being parsed.
create temp table long_one as
select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array[repeat('a', 5000) || '/x'], false) as r;
grant select on long_one to public;
select is((select r -> 'results' -> 0 ->> 'status' from long_one), 'invalid', 'a 5,000-character entry is invalid');
select matches((select r -> 'results' -> 0 ->> 'reason' from long_one), 'entry of 5002 characters',
  'its reason gives the length and the limit');

select * from finish();
rollback;
