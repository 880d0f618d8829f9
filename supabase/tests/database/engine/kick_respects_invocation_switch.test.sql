begin;
select plan(4);

create temp table queued_before on commit drop as
  select count(*)::int as n from net.http_request_queue where url like '%/functions/v1/backfill-worker';

select is(
  (select automatic_invocations from engine.worker_settings),
  true,
  'Automatic invocations of the deployed worker are on by default.'
);

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
