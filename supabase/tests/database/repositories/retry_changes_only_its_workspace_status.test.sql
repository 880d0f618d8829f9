-- One workspace's failure and retry change the repository's status as that workspace sees it,
-- never another workspace's (tracked_repositories.status used to be shared by all of them).
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(5);

-- Globex also tracks acme/widgets, which acme sees as active; globex's own job fails on it.
update public.workspace_tracked_repositories set status = 'active'
where workspace_id = '00000000-0000-4000-8000-00000000000a' and tracked_repository_id = '00000000-0000-4000-8000-0000000000c1';
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values
  ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000c1');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, tracked_repository_ids) values
  ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-00000000000b', 'manual', 30, array['repository'],
   array['00000000-0000-4000-8000-0000000000c1']::uuid[]);
update public.backfill_tasks set status = 'running' where job_id = '00000000-0000-4000-8000-0000000000e1';
select engine.fail_backfill_task(t.id, t.msg_id, 'repository',
  'repository acme/widgets was not found or is not visible to the configured token: check the name or grant access, then retry',
  true, 5, 30, null)
from public.backfill_tasks t where t.job_id = '00000000-0000-4000-8000-0000000000e1';

create function pg_temp.status_of(ws uuid) returns text language sql as $$
  select status from public.workspace_tracked_repositories
  where workspace_id = ws and tracked_repository_id = '00000000-0000-4000-8000-0000000000c1' $$;

select is(pg_temp.status_of('00000000-0000-4000-8000-00000000000b'), 'not_found', 'globex sees its failure');
select is(pg_temp.status_of('00000000-0000-4000-8000-00000000000a'), 'active', 'acme still sees the repository active');
select is((select status from public.tracked_repositories where id = '00000000-0000-4000-8000-0000000000c1'), 'active',
  'the shared tracked repository is unchanged');

-- Acme's owner cannot retry globex's job, and globex's retry resets only globex's view.
select tests.authenticate_as('owner');
select throws_ok($$ select public.retry_backfill('00000000-0000-4000-8000-0000000000e1') $$, '42501', null,
  'another workspace''s owner cannot retry the job');
select tests.authenticate_as('other_owner');
select public.retry_backfill('00000000-0000-4000-8000-0000000000e1');
reset role;
select results_eq($$ select pg_temp.status_of('00000000-0000-4000-8000-00000000000b'), pg_temp.status_of('00000000-0000-4000-8000-00000000000a') $$,
  $$ values ('pending'::text, 'active'::text) $$, 'the retry resets globex''s view only');

select * from finish();
rollback;
