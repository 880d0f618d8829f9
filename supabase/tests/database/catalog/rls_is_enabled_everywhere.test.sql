-- Row level security is on for every table of the project's schemas, exposed or not.
begin;
select plan(4);

select ok(tests.rls_enabled('public'), 'every table in public has row level security enabled');
select ok(tests.rls_enabled('engine'), 'every table in engine has row level security enabled');
select ok(tests.rls_enabled('billing'), 'every table in billing has row level security enabled');
select is_empty(
  $$ select n.nspname || '.' || c.relname
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('public', 'engine', 'billing', 'private')
       and c.relkind in ('r', 'p') and not c.relrowsecurity $$,
  'no table in public, engine, billing or private is left without row level security');

select * from finish();
rollback;
