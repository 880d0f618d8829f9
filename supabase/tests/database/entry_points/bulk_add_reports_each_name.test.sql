-- Bulk add reports every entry as added, already present or invalid (with the reason), accepts
-- github.com URLs, and adds only the new repositories to the workspace.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(6);

select tests.authenticate_as('owner');
create temp table r as select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', array[
  'acme/widgets',                       -- already in acme
  'https://github.com/globex/gadgets.git', -- tracked by globex, new to acme
  'Acme/Rockets',                       -- new
  'acme/rockets',                       -- listed twice
  'not a repo',
  '-bad/owner',
  'acme/bad name',
  ''], false) as res;
grant select on r to public;

select results_eq(
  $$ select e->>'status', e->>'full_name' from r, jsonb_array_elements(res->'results') e $$,
  $$ values ('already_present', 'acme/widgets'), ('added', 'globex/gadgets'), ('added', 'Acme/Rockets'),
            ('already_present', 'acme/rockets'), ('invalid', null), ('invalid', null), ('invalid', null), ('invalid', null) $$,
  'each entry is reported in order as added, already present or invalid');
select results_eq(
  $$ select e->>'reason' from r, jsonb_array_elements(res->'results') e where e->>'status' = 'invalid' $$,
  $$ values ('"not a repo" is not owner/name, e.g. supabase/supabase'),
            ('owner "-bad" is not a GitHub login: 1-39 letters, digits or single hyphens'),
            ('name "bad name" is not a GitHub repository name: 1-100 letters, digits, dots, underscores or hyphens'),
            ('empty entry; give the repository as owner/name') $$,
  'each invalid entry says what is wrong');
select results_eq($$ select (res->>'added')::int, (res->>'already_present')::int, (res->>'invalid')::int from r $$,
  $$ values (2, 2, 4) $$, 'the counts add up');
select set_eq(
  $$ select t.full_name from public.workspace_tracked_repositories w join public.tracked_repositories t on t.id = w.tracked_repository_id
     where w.workspace_id = '00000000-0000-4000-8000-00000000000a' $$,
  $$ values ('acme/widgets'), ('globex/gadgets'), ('Acme/Rockets') $$,
  'the workspace now tracks the two new repositories besides its own');
select is((select count(*)::int from public.tracked_repositories where lower(full_name) = 'globex/gadgets'), 1,
  'a repository another workspace already tracks is shared, not duplicated');
select throws_ok($$ select public.bulk_add_repositories('00000000-0000-4000-8000-00000000000a', '{}') $$,
  '22023', 'bulk_add_repositories: give at least one repository as owner/name', 'an empty list is refused');

select * from finish();
rollback;
