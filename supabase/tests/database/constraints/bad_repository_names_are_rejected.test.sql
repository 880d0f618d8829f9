-- Tracked repositories must be real GitHub owner/name pairs; the error says which part is
-- wrong and how to give it. Full names are unique regardless of case.
begin;
select plan(7);

select lives_ok($$ insert into public.tracked_repositories (owner, name) values ('supabase', 'supabase.js') $$,
  'a valid owner/name is accepted');
select is((select full_name from public.tracked_repositories where name = 'supabase.js'), 'supabase/supabase.js',
  'full_name is owner/name');
select throws_ok($$ insert into public.tracked_repositories (owner, name) values ('-bad', 'repo') $$,
  '23514', 'invalid GitHub owner "-bad": use 1-39 letters, digits or single hyphens, not starting or ending with a hyphen',
  'an owner starting with a hyphen is rejected with a readable error');
select throws_ok($$ insert into public.tracked_repositories (owner, name) values (repeat('a', 40), 'repo') $$,
  '23514', null, 'an owner longer than 39 characters is rejected');
select throws_ok($$ insert into public.tracked_repositories (owner, name) values ('octo', 'bad name') $$,
  '23514', 'invalid GitHub repository name "bad name": use 1-100 letters, digits, dots, underscores or hyphens',
  'a repository name with a space is rejected with a readable error');
select throws_ok($$ insert into public.tracked_repositories (owner, name) values ('octo', '..') $$,
  '23514', 'invalid GitHub repository name "..": use 1-100 letters, digits, dots, underscores or hyphens',
  'the repository name ".." is rejected');
select throws_ok($$ insert into public.tracked_repositories (owner, name) values ('SupaBase', 'Supabase.JS') $$,
  '23505', null, 'the same repository in another case is a duplicate');

select * from finish();
rollback;
