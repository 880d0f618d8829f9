-- Retrying and cancelling a job are for the owners and admins of its workspace (and the service
-- role): anon is refused by privilege, a plain member, a user of no workspace and another
-- workspace's owner by the function itself, with 42501 and a message naming the job.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(16);

-- Acme's running job d1 has a failed task (to retry); d3 is another live job (to cancel twice).
update public.backfill_tasks set status = 'failed', last_error = 'boom' where job_id = '00000000-0000-4000-8000-0000000000d1';
update public.backfill_jobs set failed_tasks = 1 where id = '00000000-0000-4000-8000-0000000000d1';
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000000d3', '00000000-0000-4000-8000-00000000000a', 'manual', 7, array['repository']);

create function pg_temp.refail() returns void language sql as $$
  update public.backfill_tasks set status = 'failed' where job_id = '00000000-0000-4000-8000-0000000000d1';
  update public.backfill_jobs set failed_tasks = 1 where id = '00000000-0000-4000-8000-0000000000d1' $$;

select tests.clear_authentication();
select throws_ok($$ select public.retry_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  '42501', 'permission denied for function retry_backfill', 'anon cannot retry');
select throws_ok($$ select public.cancel_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  '42501', 'permission denied for function cancel_backfill', 'anon cannot cancel');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.retry_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  '42501', 'only owners and admins of the workspace can retry backfill job 00000000-0000-4000-8000-0000000000d1',
  'a user of no workspace cannot retry');
select throws_ok($$ select public.cancel_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  '42501', 'only owners and admins of the workspace can cancel backfill job 00000000-0000-4000-8000-0000000000d1',
  'a user of no workspace cannot cancel');
select tests.authenticate_as('member');
select throws_ok($$ select public.retry_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  '42501', 'only owners and admins of the workspace can retry backfill job 00000000-0000-4000-8000-0000000000d1',
  'a plain member cannot retry');
select throws_ok($$ select public.cancel_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  '42501', 'only owners and admins of the workspace can cancel backfill job 00000000-0000-4000-8000-0000000000d1',
  'a plain member cannot cancel');
select tests.authenticate_as('other_owner');
select throws_ok($$ select public.retry_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  '42501', 'only owners and admins of the workspace can retry backfill job 00000000-0000-4000-8000-0000000000d1',
  'another workspace''s owner cannot retry');
select throws_ok($$ select public.cancel_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  '42501', 'only owners and admins of the workspace can cancel backfill job 00000000-0000-4000-8000-0000000000d1',
  'another workspace''s owner cannot cancel');
reset role;
select results_eq($$ select status, failed_tasks from public.backfill_jobs where id = '00000000-0000-4000-8000-0000000000d1' $$,
  $$ values ('running'::text, 1) $$, 'the refused calls changed nothing');

select tests.authenticate_as('admin');
select results_eq($$ select status, failed_tasks from public.retry_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  $$ values ('running'::text, 0) $$, 'an admin can retry');
reset role;
select is((select status from public.backfill_tasks where job_id = '00000000-0000-4000-8000-0000000000d1'), 'pending',
  'the retried task is pending again');
select pg_temp.refail();
select tests.authenticate_as('owner');
select results_eq($$ select status, failed_tasks from public.retry_backfill('00000000-0000-4000-8000-0000000000d1') $$,
  $$ values ('running'::text, 0) $$, 'an owner can retry');

select tests.authenticate_as('admin');
select is((public.cancel_backfill('00000000-0000-4000-8000-0000000000d1')).status, 'cancelled', 'an admin can cancel');
select tests.authenticate_as('owner');
select is((public.cancel_backfill('00000000-0000-4000-8000-0000000000d3')).status, 'cancelled', 'an owner can cancel');
reset role;
select is((select array_agg(distinct status) from public.backfill_tasks
           where job_id in ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000d3')),
  array['cancelled'], 'the cancelled jobs'' tasks are cancelled');
select tests.authenticate_as_service_role();
select is((public.cancel_backfill('00000000-0000-4000-8000-0000000000d2')).status, 'cancelled',
  'the service role can cancel any workspace''s job');

select * from finish();
rollback;
