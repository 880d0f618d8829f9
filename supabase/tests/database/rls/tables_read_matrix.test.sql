-- Who can read which rows of every public table: anon is refused by privilege; a signed-in
-- user who belongs to no workspace sees nothing of workspace data; members see their own
-- workspace's rows (billing: owners and admins only; notifications: their own); the service
-- role sees everything. One assertion per table and identity.
begin;
\ir ../_fixtures/two_workspaces.psql

-- Expected rows per identity; null = refused with "permission denied for table".
create temp table expected (tbl text, anon int, outsider int, member int, admin int, owner int, service_role int);
insert into expected values
  ('tier_plans',                    null, 4, 4, 4, 4, 4),
  ('workspaces',                    null, 0, 1, 1, 1, 2),
  ('workspace_members',             null, 0, 3, 3, 3, 4),
  ('repositories',                  null, 0, 1, 1, 1, 2),
  ('tracked_repositories',          null, 0, 1, 1, 1, 2),
  ('workspace_tracked_repositories',null, 0, 1, 1, 1, 2),
  ('repository_access_grants',      null, 0, 0, 0, 0, 0),
  ('polar_subscriptions',           null, 0, 0, 1, 1, 2),
  ('subscription_addons',           null, 0, 0, 1, 1, 2),
  ('backfill_jobs',                 null, 0, 1, 1, 1, 2),
  ('backfill_tasks',                null, 0, 1, 1, 1, 2),
  ('backfill_progress',             null, 0, 1, 1, 1, 2),
  ('contributors',                  null, 0, 2, 2, 2, 2),
  ('pull_requests',                 null, 0, 1, 1, 1, 2),
  ('reviews',                       null, 0, 1, 1, 1, 2),
  ('issues',                        null, 0, 1, 1, 1, 2),
  ('issue_comments',                null, 0, 1, 1, 1, 2),
  ('review_comments',               null, 0, 1, 1, 1, 2),
  ('discussions',                   null, 0, 1, 1, 1, 2),
  ('discussion_comments',           null, 0, 1, 1, 1, 2),
  ('commits',                       null, 0, 1, 1, 1, 2),
  ('star_history',                  null, 0, 1, 1, 1, 2),
  ('forks',                         null, 0, 1, 1, 1, 2),
  ('daily_activity_metrics',        null, 0, 1, 1, 1, 2),
  ('workspace_metrics_cache',       null, 0, 1, 1, 1, 2),
  ('notifications',                 null, 1, 1, 1, 1, 5);
grant select on expected to public;

select plan(1 + (select count(*)::int * 6 from expected));

select set_eq(
  $$ select tablename::text from pg_tables where schemaname = 'public' $$,
  $$ select tbl from expected $$,
  'the matrix covers every table in public and no other');

do $$
declare
  e record;
  i record;
  want int;
  got int;
begin
  for e in select * from expected order by tbl loop
    for i in select * from identities order by ord loop
      want := (to_jsonb(e) ->> i.who)::int;
      perform pg_temp.become(i.who);
      if want is null then
        insert into tap_out (line) select throws_ok(
          format('select count(*) from public.%I', e.tbl), '42501',
          format('permission denied for table %s', e.tbl),
          format('%s cannot read public.%s: permission denied', i.who, e.tbl));
      else
        execute format('select count(*)::int from public.%I', e.tbl) into got;
        insert into tap_out (line) select is(got, want,
          format('%s reads %s row(s) of public.%s', i.who, want, e.tbl));
      end if;
      perform pg_temp.become('postgres');
    end loop;
  end loop;
end
$$;

select line from tap_out order by n;
select * from finish();
rollback;
