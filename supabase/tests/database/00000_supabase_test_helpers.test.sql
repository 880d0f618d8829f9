-- Runs first (pg_prove sorts the files it finds): installs the pgTAP helpers of schema tests for
-- every file after it, as basejump's supabase_test_helpers are installed by a suite's first file.
-- Outside a transaction on purpose, so the helpers stay; the file is idempotent. This is what
-- lets `supabase test db` run the suite on Supabase's own (Docker) stack, where nothing else
-- creates them; the local stack's bootstrap has installed them already.
\ir _helpers/supabase_test_helpers.psql

begin;
select plan(8);

select has_function('tests', 'create_supabase_user', array['text', 'text'], 'tests.create_supabase_user(identifier, email) exists');
select has_function('tests', 'get_supabase_user', array['text'], 'tests.get_supabase_user(identifier) exists');
select has_function('tests', 'get_supabase_uid', array['text'], 'tests.get_supabase_uid(identifier) exists');
select has_function('tests', 'authenticate_as', array['text'], 'tests.authenticate_as(identifier) exists');
select has_function('tests', 'authenticate_as_service_role', 'tests.authenticate_as_service_role() exists');
select has_function('tests', 'clear_authentication', 'tests.clear_authentication() exists');

select tests.create_supabase_user('helpers_probe');
select tests.authenticate_as('helpers_probe');
select is(auth.uid(), tests.get_supabase_uid('helpers_probe'), 'authenticate_as makes auth.uid() the test user');
select tests.clear_authentication();
select is(current_user::text, 'anon', 'clear_authentication leaves an anonymous request');

select * from finish();
rollback;
