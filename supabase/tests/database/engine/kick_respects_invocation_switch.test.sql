begin;
select plan(4);

create temp table queued_before on commit drop as
  select count(*)::int as n from net.http_request_queue where url like '%/functions/v1/backfill-worker';

select is(
  (select column_default from information_schema.columns
   where table_schema = 'engine' and table_name = 'worker_settings' and column_name = 'automatic_invocations'),
  'true',
  'Automatic invocations of the deployed worker are on by default.'
);

-- Whatever state earlier runs left, start from "on" (rolled back with the test).
update engine.worker_settings set automatic_invocations = true, last_kick_at = null;
-- and no kick counted as a live invocation (max_concurrent_invocations).
delete from engine.worker_kicks;

select isnt(engine.kick_backfill_worker(), null, 'With the switch on, a kick queues a request to the worker.');

update engine.worker_settings set automatic_invocations = false, reason = 'test';
select is(engine.kick_backfill_worker(), null, 'With the switch off, a kick sends nothing.');

select is(
  (select count(*)::int from net.http_request_queue where url like '%/functions/v1/backfill-worker')
    - (select n from queued_before),
  1,
  'Only the kick made while the switch was on was queued.'
);

select * from finish();
rollback;
