-- Every SECURITY DEFINER function of the project pins search_path, so a caller's objects can
-- never stand in for the ones it means. Platform schemas (auth, vault, realtime, net, cron,
-- pgmq, extensions, tests) are not the project's.
begin;
select plan(2);

select is_empty(
  $$ select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where p.prosecdef
       and n.nspname not in ('pg_catalog', 'information_schema', 'auth', 'vault', '_vault_key',
                             'realtime', 'net', 'cron', 'pgmq', 'extensions', 'tests', 'graphql_public')
       and n.nspname not like 'pg\_%'
       and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search\_path=%') $$,
  'every SECURITY DEFINER function in a project schema sets search_path');

select is_empty(
  $$ select n.nspname || '.' || p.proname
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where p.prosecdef and n.nspname in ('public', 'private', 'engine', 'billing')
       and not ('search_path=""' = any (coalesce(p.proconfig, '{}'))) $$,
  'SECURITY DEFINER functions in public, private, engine and billing use an empty search_path');

select * from finish();
rollback;
