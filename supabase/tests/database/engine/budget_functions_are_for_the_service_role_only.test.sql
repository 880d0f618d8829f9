-- The budget functions are the workers' (service role) alone.
begin;
select plan(12);

select ok(has_function_privilege('service_role', p, 'execute'), p || ' is executable by service_role')
from unnest(array[
  'engine.reserve_budget(int, text, int, uuid[], uuid, text)',
  'engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text, bigint)',
  'engine.pause_token(uuid, timestamptz)',
  'engine.ensure_env_github_token(text, text)']) p;
select ok(not has_function_privilege('anon', p, 'execute') and not has_function_privilege('authenticated', p, 'execute'),
  p || ' is not executable by anon or authenticated')
from unnest(array[
  'engine.reserve_budget(int, text, int, uuid[], uuid, text)',
  'engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text, bigint)',
  'engine.pause_token(uuid, timestamptz)',
  'engine.ensure_env_github_token(text, text)',
  'engine.github_token_secret(uuid)']) p;
select ok(has_function_privilege('service_role', 'engine.github_token_secret(uuid)', 'execute'),
  'the worker may read a pooled token''s value');
select throws_ok($$ insert into engine.github_tokens (label) values ('no-secret') $$, '23514', null,
  'only env: rows may lack a vault secret');
create temp table ensured as select engine.ensure_env_github_token('env:TEST_PRIV') as id;
select is((select id from engine.github_tokens where label = 'env:TEST_PRIV'), (select id from ensured),
  'env rows are created on demand, and the id of the row is returned');

select * from finish();
rollback;
