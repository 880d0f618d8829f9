-- A starting pass runs as many tasks at once as the token pool's concurrency leaves to it:
-- usable platform tokens × max_concurrent_requests_per_token over the live passes, between 1 and
-- max_slots_per_invocation. Paused and disabled tokens do not count.
begin;
select plan(5);
update engine.worker_settings set max_concurrent_requests_per_token = 10, max_slots_per_invocation = 32,
  automatic_invocations = false;
delete from engine.worker_invocations;
delete from engine.worker_kicks;
delete from engine.github_tokens where workspace_id is null;
insert into engine.github_tokens (id, label, vault_secret_id) values
  ('00000000-0000-4000-8000-0000000f4001', 'pool-a', gen_random_uuid()),
  ('00000000-0000-4000-8000-0000000f4002', 'pool-b', gen_random_uuid());
insert into engine.worker_invocations (kick_id) values (gen_random_uuid());  -- this pass

select is(engine.worker_slots(), 20, 'two tokens of ten concurrent requests each give one pass twenty slots');
insert into engine.worker_invocations (kick_id) values (gen_random_uuid());
select is(engine.worker_slots(), 10, 'two live passes share them: ten each');
update engine.worker_settings set max_concurrent_requests_per_token = 60;
select is(engine.worker_slots(), 32, 'never more than max_slots_per_invocation');
select engine.pause_token('00000000-0000-4000-8000-0000000f4001', now() + interval '1 minute');
update engine.github_tokens set enabled = false where id = '00000000-0000-4000-8000-0000000f4002';
select is(engine.worker_slots(), 1, 'with every token paused or disabled a pass still gets one slot');
update engine.rate_limit_budgets set paused_until = null;
select is(engine.worker_slots(), 30, 'the paused token counts again once its pause is over');

select * from finish();
rollback;
