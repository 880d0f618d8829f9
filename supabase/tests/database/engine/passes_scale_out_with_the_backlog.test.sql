-- A pass that sees more visible work than the live passes' slots asks for one more pass, up to
-- max_concurrent_invocations; a small backlog, the cap, or the operator switch send none.
begin;
select plan(5);
update engine.worker_settings set automatic_invocations = true, max_concurrent_invocations = 3, last_kick_at = null;
delete from engine.worker_invocations;
delete from engine.worker_kicks;
select pgmq.purge_queue('backfill_recent');
select pgmq.purge_queue('backfill_bulk');
insert into engine.worker_invocations (kick_id) values (gen_random_uuid());  -- this pass

select pgmq.send_batch('backfill_bulk', array(select jsonb_build_object('task_id', -i) from generate_series(1, 3) i));
select is(engine.scale_out_worker(4), null, 'three messages for one pass of four slots: no more passes');
select pgmq.send_batch('backfill_bulk', array(select jsonb_build_object('task_id', -i) from generate_series(4, 20) i));
select isnt(engine.scale_out_worker(4), null, 'twenty messages for one pass of four slots: one more pass is kicked');
insert into engine.worker_invocations (kick_id) select kick_id from engine.worker_kicks;  -- it started
insert into engine.worker_invocations (kick_id) values (gen_random_uuid());
select is(engine.live_worker_invocations(), 3, 'three passes are live');
select is(engine.scale_out_worker(4), null, 'at max_concurrent_invocations no further pass is kicked');
update engine.worker_settings set automatic_invocations = false, max_concurrent_invocations = 10;
select is(engine.scale_out_worker(4), null, 'with automatic invocations off, none either');

select * from finish();
rollback;
