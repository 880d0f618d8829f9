-- What Supabase's newest advisors flag and the CLI's pinned copy of them does not yet
-- (anon_security_definer_function_executable, authenticated_security_definer_function_executable):
-- no SECURITY DEFINER function in an exposed schema (config.toml [api] schemas: public,
-- graphql_public) may be executed by anon or authenticated. Definer code lives in private;
-- the public RPCs are security-invoker wrappers.
begin;
select plan(2);
select is_empty($$
  select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where p.prosecdef and n.nspname in ('public', 'graphql_public') and has_function_privilege('anon', p.oid, 'execute') $$,
  'anon can execute no SECURITY DEFINER function of an exposed schema');
select is_empty($$
  select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where p.prosecdef and n.nspname in ('public', 'graphql_public') and has_function_privilege('authenticated', p.oid, 'execute') $$,
  'authenticated can execute no SECURITY DEFINER function of an exposed schema');
select * from finish();
rollback;
