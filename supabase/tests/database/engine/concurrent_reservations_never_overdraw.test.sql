-- Two workers reserving on the same token at the same moment never overdraw it:
-- reserve_budget locks the budget rows (FOR UPDATE, in token order) before it reads the
-- headroom, so the second reservation waits for the first to commit and then sees it.
--
-- Approach (like pgmq/concurrent_readers_get_distinct_messages): two dblink connections.
-- "budget_a" reserves 60 of the 100 points of headroom inside an open transaction; "budget_b"
-- asks for 60 more asynchronously and must block on A's row lock; once A commits, B must be
-- refused (only 40 left) instead of reserving on stale numbers. Rows are created and removed
-- through a committed connection because both sessions must see them.
begin;
select plan(7);

create extension if not exists dblink;

create temp table budget_conn as
select coalesce(
  nullif(current_setting('pgmq_tests.dblink_connstr', true), ''),
  format('host=%s port=%s dbname=%s user=%s%s',
    coalesce(host(inet_server_addr()), trim(split_part(current_setting('unix_socket_directories'), ',', 1))),
    current_setting('port'), current_database(), current_user,
    case when (select rolsuper from pg_roles where rolname = current_user) then ''
         else ' password=' || coalesce(nullif(current_setting('pgmq_tests.dblink_password', true), ''), 'postgres')
    end)) as connstr;

select dblink_connect('budget_a', connstr), dblink_connect('budget_b', connstr) from budget_conn;
create temp table backends as
select 'a' as who, pid from dblink('budget_a', 'select pg_backend_pid()') as t(pid int)
union all select 'b', pid from dblink('budget_b', 'select pg_backend_pid()') as t(pid int);
select is((select count(distinct pid)::int from backends where pid <> pg_backend_pid()), 2, 'two independent connections are opened');

select dblink_exec('budget_b', $$
  delete from engine.github_tokens where id = '00000000-0000-0000-0000-00000000a0c1';
  insert into engine.github_tokens (id, label, vault_secret_id)
  values ('00000000-0000-0000-0000-00000000a0c1', 'env:TEST_CONCURRENT_' || pg_backend_pid(), null);
  insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining, reset_at)
  values ('00000000-0000-0000-0000-00000000a0c1', 'graphql', 5000, 1100, now() + interval '1 hour') $$);

select dblink_exec('budget_a', 'begin');
select is(
  (select reserved from dblink('budget_a', $$ select reserved from engine.reserve_budget(60, 'graphql', 1000,
     array['00000000-0000-0000-0000-00000000a0c1'::uuid]) $$) as t(reserved int)),
  60, 'A reserves 60 of the 100 points above the reserve (transaction still open)');

select dblink_send_query('budget_b', $$ select token_id, reserved from engine.reserve_budget(60, 'graphql', 1000,
  array['00000000-0000-0000-0000-00000000a0c1'::uuid]) $$);
-- B is blocked once the lock manager says A blocks it (polled: pg_blocking_pids is live).
create function pg_temp.blockers_of(b int, a int) returns int[] language plpgsql as $$
declare
  waited int := 0;
begin
  while not (a = any (pg_blocking_pids(b))) and waited < 200 loop
    perform pg_sleep(0.05);
    waited := waited + 1;
  end loop;
  return pg_blocking_pids(b);
end $$;
select is(pg_temp.blockers_of((select pid from backends where who = 'b'),
                              (select pid from backends where who = 'a')),
  array[(select pid from backends where who = 'a')], 'B waits for A''s lock instead of reading stale headroom');
select is(dblink_is_busy('budget_b'), 1, 'and has no answer yet');

select dblink_exec('budget_a', 'commit');
select results_eq(
  $$ select token_id, reserved from dblink_get_result('budget_b') as t(token_id uuid, reserved int) $$,
  $$ values (null::uuid, 0) $$,
  'after A commits, B sees only 40 points left and is refused');
select count(*) from dblink_get_result('budget_b') as t(token_id uuid, reserved int);

select is(
  (select r from dblink('budget_b', $$ select reserved from engine.rate_limit_budgets
     where token_id = '00000000-0000-0000-0000-00000000a0c1' $$) as t(r int)),
  60, 'the token carries exactly one reservation: remaining - reserved never goes below the reserve');

select dblink_exec('budget_b', $$ delete from engine.github_tokens where id = '00000000-0000-0000-0000-00000000a0c1' $$);
select dblink_disconnect('budget_a'), dblink_disconnect('budget_b');
select is(dblink_get_connections(), null, 'connections closed');

select * from finish();
rollback;
