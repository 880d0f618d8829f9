-- No kick (cron tick included) while max_concurrent_invocations invocations may be live: kicks
-- of the last invocation_seconds without a recorded HTTP answer. A timed-out kick counts until
-- invocation_seconds have passed; an answered one no longer counts.
begin;
select plan(6);

update engine.worker_settings
set automatic_invocations = true, last_kick_at = null, last_kick_request_id = null,
    kick_debounce_seconds = 5, max_concurrent_invocations = 2, invocation_seconds = 150;
delete from engine.worker_kicks;

-- Two kicks of earlier transactions: one 100 s ago (timed out after 1 s, so maybe still
-- running), one 200 s ago (beyond invocation_seconds).
insert into engine.worker_kicks (request_id, kicked_at) values
  (-11, now() - interval '100 seconds'),
  (-12, now() - interval '200 seconds');
insert into net._http_response (id, status_code, timed_out, error_msg, created)
values (-11, null, true, 'Timeout of 1000 ms reached', now() - interval '99 seconds');

select is(engine.live_worker_invocations(), 1,
  'A timed-out kick within invocation_seconds counts as live; an older one does not.');

insert into engine.worker_kicks (request_id, kicked_at) values (-13, now() - interval '30 seconds');
select is(engine.live_worker_invocations(), 2, 'A kick without any answer yet counts as live.');
select is(engine.kick_backfill_worker(), null,
  'With max_concurrent_invocations invocations possibly live, a kick sends nothing.');
select pgmq.send('backfill_bulk', '{"task_id": -1}'::jsonb); -- visible work for the cron tick
select is(engine.kick_backfill_worker_if_work(), null, 'Nor does the cron tick, though work is queued.');

-- The worker of the last kick answered: it has ended.
insert into net._http_response (id, status_code, content, timed_out, created)
values (-13, 200, '{"stoppedBy":"empty"}', false, now() - interval '20 seconds');
select is(engine.live_worker_invocations(), 1, 'An answered kick no longer counts as live.');
select isnt(engine.kick_backfill_worker(), null, 'Below the cap, a kick is sent.');

select * from finish();
rollback;
