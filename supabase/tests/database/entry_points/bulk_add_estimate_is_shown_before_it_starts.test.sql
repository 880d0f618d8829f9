-- The preview classifies the entries and estimates the initial backfill without changing
-- anything; the estimate grows with repositories of one owner (5 at once) and with the budget.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(5);

select tests.authenticate_as('admin');
create temp table e as select public.estimate_bulk_add('00000000-0000-4000-8000-00000000000a',
  array['acme/widgets', 'acme/a', 'bad entry']) as res;
grant select on e to public;
select results_eq($$ select x->>'status' from e, jsonb_array_elements(res->'results') x $$,
  $$ values ('already_present'), ('added'), ('invalid') $$, 'the preview says what would happen to each entry');
select is((select (res#>>'{estimate,repositories}')::int from e), 1, 'only the new repository is estimated');
select is((select count(*)::int from public.backfill_jobs where kind = 'initial'), 0, 'the preview starts nothing');

select is((private.estimate_initial_backfill(array_fill('acme'::text, array[12])) ->> 'estimated_seconds')::int, 36,
  '12 repositories of one owner run 5 at a time: 3 waves of 12 s');
select is((private.estimate_initial_backfill(array_fill('acme'::text, array[500])) ->> 'estimated_points')::int, 3000,
  '500 repositories cost an estimated 3,000 points');

select * from finish();
rollback;
