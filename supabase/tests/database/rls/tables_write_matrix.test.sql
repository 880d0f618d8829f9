-- Nobody but the service role writes any public table: for anon and every signed-in identity
-- (outsider, member, admin, owner) insert, update and delete are refused by privilege with
-- "permission denied for table", so denial does not hang on a policy alone. The service role
-- updates every row. One assertion per table, identity and operation.
begin;
\ir ../_fixtures/two_workspaces.psql

create temp table write_targets as
select c.relname::text as tbl,
       (select a.attname::text from pg_attribute a
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' and a.attidentity = ''
         order by a.attnum limit 1) as col
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p');
grant select on write_targets to public;

select plan((select count(*)::int * (5 * 3 + 1) from write_targets));

do $$
declare
  t record;
  who text;
  op text;
  stmt text;
  total int;
  got int;
begin
  for t in select * from write_targets order by tbl loop
    foreach who in array array['anon', 'outsider', 'member', 'admin', 'owner'] loop
      foreach op in array array['insert', 'update', 'delete'] loop
        stmt := case op
          when 'insert' then format('insert into public.%I default values', t.tbl)
          when 'update' then format('update public.%I set %I = %I', t.tbl, t.col, t.col)
          else format('delete from public.%I', t.tbl) end;
        perform pg_temp.become(who);
        insert into tap_out (line) select throws_ok(stmt, '42501',
          format('permission denied for table %s', t.tbl),
          format('%s cannot %s public.%s: permission denied', who, op, t.tbl));
        perform pg_temp.become('postgres');
      end loop;
    end loop;

    execute format('select count(*)::int from public.%I', t.tbl) into total;
    perform pg_temp.become('service_role');
    execute format('update public.%I set %I = %I', t.tbl, t.col, t.col);
    get diagnostics got = row_count;
    perform pg_temp.become('postgres');
    insert into tap_out (line) select is(got, total,
      format('the service role can update all %s row(s) of public.%s', total, t.tbl));
  end loop;
end
$$;

select line from tap_out order by n;
select * from finish();
rollback;
