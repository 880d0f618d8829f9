-- The client views are security invoker: each identity sees through them exactly what the
-- underlying tables' policies allow. anon is refused by privilege.
begin;
\ir ../_fixtures/two_workspaces.psql

-- Expected rows per identity; null = refused with "permission denied for view".
-- workspace_data_coverage has one row per repository and data type (10 types).
create temp table expected (vw text, anon int, outsider int, member int, admin int, owner int, service_role int);
insert into expected values
  ('backfill_job_status',        null, 0, 1, 1, 1, 2),
  ('backfill_repository_status', null, 0, 1, 1, 1, 2),
  ('backfill_data_type_status',  null, 0, 1, 1, 1, 2),
  ('workspace_data_coverage',    null, 0, 10, 10, 10, 20);
grant select on expected to public;

select plan(2 + (select count(*)::int * 6 from expected));

select set_eq(
  $$ select viewname::text from pg_views where schemaname = 'public' $$,
  $$ select vw from expected $$,
  'the matrix covers every view in public');

select is_empty(
  $$ select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'v'
       and not coalesce(c.reloptions @> array['security_invoker=true'], false) $$,
  'every view in public is security invoker');

do $$
declare
  e record;
  i record;
  want int;
  got int;
begin
  for e in select * from expected order by vw loop
    for i in select * from identities order by ord loop
      want := (to_jsonb(e) ->> i.who)::int;
      perform pg_temp.become(i.who);
      if want is null then
        insert into tap_out (line) select throws_ok(
          format('select count(*) from public.%I', e.vw), '42501',
          format('permission denied for view %s', e.vw),
          format('%s cannot read public.%s: permission denied', i.who, e.vw));
      else
        execute format('select count(*)::int from public.%I', e.vw) into got;
        insert into tap_out (line) select is(got, want,
          format('%s reads %s row(s) of public.%s', i.who, want, e.vw));
      end if;
      perform pg_temp.become('postgres');
    end loop;
  end loop;
end
$$;

select line from tap_out order by n;
select * from finish();
rollback;
