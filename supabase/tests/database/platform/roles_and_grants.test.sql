-- The Supabase roles exist with their attributes, and the API roles cannot reach the
-- platform's private tables.
begin;
select plan(16);

select ok((select not rolcanlogin from pg_roles where rolname = 'anon'), 'anon cannot log in');
select ok((select not rolcanlogin from pg_roles where rolname = 'authenticated'), 'authenticated cannot log in');
select ok((select rolbypassrls and not rolcanlogin from pg_roles where rolname = 'service_role'),
  'service_role bypasses RLS and cannot log in');
select ok((select not rolbypassrls from pg_roles where rolname = 'authenticated'), 'authenticated does not bypass RLS');
select ok((select rolcanlogin and not rolinherit from pg_roles where rolname = 'authenticator'),
  'authenticator logs in and does not inherit');
select ok(pg_has_role('authenticator', 'anon', 'member') and pg_has_role('authenticator', 'authenticated', 'member')
  and pg_has_role('authenticator', 'service_role', 'member'),
  'authenticator may switch to anon, authenticated and service_role');

select ok(has_schema_privilege('anon', 'public', 'usage') and has_schema_privilege('authenticated', 'extensions', 'usage'),
  'the API roles may use schemas public and extensions');

create table public.platform_grant_probe (id int);
select ok(has_table_privilege('anon', 'public.platform_grant_probe', 'select,insert,update,delete')
  and has_table_privilege('authenticated', 'public.platform_grant_probe', 'select')
  and has_table_privilege('service_role', 'public.platform_grant_probe', 'select'),
  'new tables in public are granted to the API roles by default, as on Supabase');

select ok(not has_schema_privilege('anon', 'vault', 'usage') and not has_schema_privilege('authenticated', 'vault', 'usage'),
  'anon and authenticated have no usage on schema vault');
select ok(not has_table_privilege('anon', 'vault.secrets', 'select') and not has_table_privilege('anon', 'vault.decrypted_secrets', 'select'),
  'anon cannot read the vault tables');
select ok(not has_schema_privilege('anon', 'cron', 'usage') and not has_schema_privilege('authenticated', 'cron', 'usage'),
  'anon and authenticated have no usage on schema cron');
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'pg_cron'), 'pg_catalog',
  'pg_cron is registered in pg_catalog, where hosted Supabase puts it');
select ok(not has_table_privilege('anon', 'auth.users', 'select') and not has_table_privilege('authenticated', 'auth.users', 'select'),
  'anon and authenticated cannot read auth.users');
select ok(not has_schema_privilege('anon', '_vault_key', 'usage') and not has_schema_privilege('service_role', '_vault_key', 'usage'),
  'no API role can reach the vault key');
select ok(has_function_privilege('anon', 'auth.uid()', 'execute'), 'the API roles can call auth.uid()');
select ok(exists (select from pg_publication where pubname = 'supabase_realtime'), 'the supabase_realtime publication exists');

select * from finish();
rollback;
