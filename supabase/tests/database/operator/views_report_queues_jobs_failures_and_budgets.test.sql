-- The operator views show queue depth, jobs older than 24 h, the hourly failure rate and token
-- budgets; only the service role (and postgres) can read them.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(6);

select pgmq.purge_queue('backfill_recent');
select pgmq.send('backfill_recent', '{"task_id": 0}') from generate_series(1, 3);
select results_eq($$ select queue_length from engine.queue_depth where queue_name = 'backfill_recent' $$,
  $$ values (3::bigint) $$, 'queue depth counts the messages waiting in backfill_recent');
update public.backfill_jobs set started_at = now() - interval '25 hours' where id = '00000000-0000-4000-8000-0000000000d1';
select results_eq($$ select job_id from engine.long_running_jobs where workspace = 'acme' $$,
  $$ values ('00000000-0000-4000-8000-0000000000d1'::uuid) $$, 'a job running for 25 hours is listed');
update public.backfill_tasks set status = 'failed', finished_at = date_trunc('hour', now()) + interval '1 minute'
where job_id = '00000000-0000-4000-8000-0000000000d1';
update public.backfill_tasks set status = 'completed', finished_at = date_trunc('hour', now()) + interval '2 minutes'
where job_id = '00000000-0000-4000-8000-0000000000d2';
select results_eq($$ select finished_tasks, failed_tasks, failure_percent from engine.task_failure_rate_per_hour
                     where hour = date_trunc('hour', now()) $$,
  $$ values (2::bigint, 1::bigint, 50.0::numeric) $$, 'one failure in two finished tasks is a 50% failure rate');
insert into engine.github_tokens (id, label, vault_secret_id) values ('00000000-0000-4000-8000-0000000000f1', 'pat-1', gen_random_uuid());
insert into engine.rate_limit_budgets (token_id, resource, remaining, reserved, reset_at)
values ('00000000-0000-4000-8000-0000000000f1', 'graphql', 3000, 200, now() + interval '10 minutes');
select results_eq($$ select label, available from engine.token_budgets where label = 'pat-1' $$,
  $$ values ('pat-1', 2800) $$, 'token budgets show what is available after reservations');

select tests.authenticate_as('owner');
select throws_ok($$ select * from engine.queue_depth $$, '42501', null, 'a workspace owner cannot read operator views');
select tests.authenticate_as_service_role();
select results_eq($$ select label, available from engine.token_budgets where label = 'pat-1' $$,
  $$ values ('pat-1', 2800) $$, 'the service role reads the operator views');

select * from finish();
rollback;
