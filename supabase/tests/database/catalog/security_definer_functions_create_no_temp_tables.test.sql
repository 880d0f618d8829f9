-- A temp table created inside a SECURITY DEFINER function can be pre-created by the caller (with
-- their own rows or triggers) before the call: none of the project's definer functions uses one.
begin;
select plan(1);
select is_empty($$
  select n.nspname || '.' || p.proname
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where p.prosecdef and n.nspname in ('public', 'private', 'engine', 'billing')
    and p.prosrc ~* '(create\s+(temp|temporary)\s+table|pg_temp\.)' $$,
  'no SECURITY DEFINER function of the project creates or reads a temp table');
select * from finish();
rollback;
