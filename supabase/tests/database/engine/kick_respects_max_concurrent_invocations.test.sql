-- No kick (cron tick included) while max_concurrent_invocations passes may be live: registered
-- passes that have not ended and heartbeat, plus kicks still in flight (sent, not answered, no
-- pass registered). The worker answers a kick at once (202), so an answer no longer means the
-- pass ended; a pass that stopped heartbeating (killed) no longer counts.
begin;
select plan(7);

update engine.worker_settings
set automatic_invocations = true, last_kick_at = null, last_kick_request_id = null,
    kick_debounce_seconds = 5, max_concurrent_invocations = 2, invocation_seconds = 150;
delete from engine.worker_kicks;
delete from engine.worker_invocations;

-- A pass draining (heartbeat 5 s ago), one killed (heartbeat 2 minutes ago), one ended.
insert into engine.worker_invocations (kick_id, started_at, heartbeat_at, ended_at) values
  (gen_random_uuid(), now() - interval '60 seconds', now() - interval '5 seconds', null),
  (gen_random_uuid(), now() - interval '200 seconds', now() - interval '120 seconds', null),
  (gen_random_uuid(), now() - interval '90 seconds', now() - interval '30 seconds', now() - interval '30 seconds');
select is(engine.live_worker_invocations(), 1, 'A draining pass counts; a killed one and an ended one do not.');

-- A kick sent 10 s ago, not answered, its pass not registered yet: it is starting.
insert into engine.worker_kicks (request_id, kicked_at, kick_id) values (-13, now() - interval '10 seconds', gen_random_uuid());
select is(engine.live_worker_invocations(), 2, 'A kick in flight counts as live.');
select is(engine.kick_backfill_worker(), null, 'With max_concurrent_invocations passes possibly live, a kick sends nothing.');
select pgmq.send('backfill_bulk', '{"task_id": -1}'::jsonb); -- visible work for the cron tick
select is(engine.kick_backfill_worker_if_work(), null, 'Nor does the cron tick, though work is queued.');

-- The kick was answered 202 and its pass registered: that pass counts, not the kick twice.
insert into net._http_response (id, status_code, content, timed_out, created)
values (-13, 202, '{"accepted":true}', false, now() - interval '9 seconds');
insert into engine.worker_invocations (kick_id) select kick_id from engine.worker_kicks where request_id = -13;
select is(engine.live_worker_invocations(), 2, 'An accepted kick counts once, through its registered pass.');

-- That pass ends: below the cap, a kick goes out.
update engine.worker_invocations set ended_at = now() where kick_id = (select kick_id from engine.worker_kicks where request_id = -13);
select is(engine.live_worker_invocations(), 1, 'An ended pass no longer counts.');
select isnt(engine.kick_backfill_worker(), null, 'Below the cap, a kick is sent.');

select * from finish();
rollback;
