-- The schemas that are not exposed give anon nothing at all, and signed-in users nothing in
-- engine and billing (they reach private only for the policy helpers they were granted).
begin;
select plan(7);

select is_empty(
  $$ select s from unnest(array['private', 'engine', 'billing']) s
     where has_schema_privilege('anon', s, 'usage') or has_schema_privilege('anon', s, 'create') $$,
  'anon has neither usage nor create on private, engine or billing');

select is_empty(
  $$ select s from unnest(array['engine', 'billing']) s
     where has_schema_privilege('authenticated', s, 'usage') $$,
  'authenticated has no usage on engine or billing');

select is_empty(
  $$ select n.nspname || '.' || c.relname || ' ' || p
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     cross join unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) p
     where n.nspname in ('private', 'engine', 'billing') and c.relkind in ('r', 'p', 'v', 'm', 'f')
       and has_table_privilege('anon', c.oid, p) $$,
  'anon has no privilege on any table or view in private, engine or billing');

select is_empty(
  $$ select n.nspname || '.' || c.relname || ' ' || p
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     cross join unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) p
     where n.nspname in ('engine', 'billing') and c.relkind in ('r', 'p', 'v', 'm', 'f')
       and has_table_privilege('authenticated', c.oid, p) $$,
  'authenticated has no privilege on any table or view in engine or billing');

select is_empty(
  $$ select n.nspname || '.' || p.proname
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('private', 'engine', 'billing')
       and has_function_privilege('anon', p.oid, 'execute') $$,
  'anon cannot execute any function in private, engine or billing');

select is_empty(
  $$ select n.nspname || '.' || c.relname
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('private', 'engine', 'billing') and c.relkind = 'S'
       and (has_sequence_privilege('anon', c.oid, 'usage') or has_sequence_privilege('anon', c.oid, 'select')) $$,
  'anon has no privilege on any sequence in private, engine or billing');

select is_empty(
  $$ select c.relname || ' ' || p
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     cross join unnest(array['insert', 'update', 'delete', 'truncate']) p
     where n.nspname = 'public' and c.relkind in ('r', 'p', 'v')
       and (has_table_privilege('anon', c.oid, p) or has_table_privilege('authenticated', c.oid, p)) $$,
  'neither anon nor authenticated can write any table or view in public directly');

select * from finish();
rollback;
