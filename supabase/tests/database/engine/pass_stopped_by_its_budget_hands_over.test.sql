-- A pass that ended at its CPU or time budget kicks its successor when visible work is left and
-- the cap allows it; an empty queue, the cap or the operator switch send none.
begin;
select plan(4);
update engine.worker_settings set automatic_invocations = true, max_concurrent_invocations = 2, last_kick_at = null;
delete from engine.worker_invocations;
delete from engine.worker_kicks;
select pgmq.purge_queue('backfill_recent');
select pgmq.purge_queue('backfill_bulk');

select is(engine.hand_over_worker(), null, 'no visible work: no successor');
select pgmq.send('backfill_bulk', jsonb_build_object('task_id', -1));
select isnt(engine.hand_over_worker(), null, 'a released task is visible: the successor is kicked');
insert into engine.worker_invocations (kick_id) select kick_id from engine.worker_kicks;  -- it started
insert into engine.worker_invocations (kick_id) values (gen_random_uuid());
select is(engine.hand_over_worker(), null, 'at max_concurrent_invocations no successor is kicked');
delete from engine.worker_invocations;
delete from engine.worker_kicks;
update engine.worker_settings set automatic_invocations = false;
select is(engine.hand_over_worker(), null, 'with automatic invocations off, none either');

select * from finish();
rollback;
