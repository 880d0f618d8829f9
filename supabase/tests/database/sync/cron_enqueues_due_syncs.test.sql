-- A pg_cron job enqueues due syncs every 10 minutes.
begin;
select plan(1);
select isnt_empty($$ select 1 from cron.job where jobname = 'enqueue-scheduled-syncs' and schedule = '*/10 * * * *'
                     and command = 'select private.enqueue_due_syncs(200) from engine.worker_settings where automatic_invocations' $$,
  'a pg_cron job enqueues up to 200 due repositories every 10 minutes');
select * from finish();
rollback;
