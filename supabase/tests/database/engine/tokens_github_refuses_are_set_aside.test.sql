-- Credentials are a token problem, not a repository's: a token GitHub answered 401 is disabled
-- (with the reason operators see) and never leased again; a token refused one data type (a
-- missing scope) keeps serving the others; only when no usable token is left does a reservation
-- fail, saying why. An env token whose value changed is enabled again.
begin;
select plan(8);

insert into engine.github_tokens (id, label, vault_secret_id) values
  ('00000000-0000-4000-8000-0000000f1001', 'pool-a', gen_random_uuid()),
  ('00000000-0000-4000-8000-0000000f1002', 'pool-b', gen_random_uuid());
create function pg_temp.lease(p_type text default null) returns uuid language sql as $$
  select token_id from engine.reserve_budget(1, 'graphql', 0,
    array['00000000-0000-4000-8000-0000000f1001', '00000000-0000-4000-8000-0000000f1002']::uuid[], null, p_type) $$;

select engine.disable_token('00000000-0000-4000-8000-0000000f1001', 'GitHub answered 401 Bad credentials: replace it');
select is(pg_temp.lease(), '00000000-0000-4000-8000-0000000f1002'::uuid, 'a revoked token is never leased again');
select is((select enabled::text || ' ' || disabled_reason from engine.github_tokens where label = 'pool-a'),
  'false GitHub answered 401 Bad credentials: replace it', 'it is disabled with the reason');

select engine.deny_token_data_type('00000000-0000-4000-8000-0000000f1002', 'discussions', 'missing scope read:discussion');
select is(pg_temp.lease('pull_requests'), '00000000-0000-4000-8000-0000000f1002'::uuid,
  'a token refused discussions still serves pull requests');
select throws_ok($$ select pg_temp.lease('discussions') $$, 'P0002',
  'no enabled GitHub token may fetch discussions: missing scope read:discussion',
  'with no token left for discussions the reservation fails, saying why');

select engine.disable_token('00000000-0000-4000-8000-0000000f1002', 'GitHub answered 401 Bad credentials: replace it');
select throws_ok($$ select pg_temp.lease() $$, 'P0002', null, 'with every token disabled nothing is leased');

-- The env token: disabled for its old value, enabled again by a new one.
select engine.ensure_env_github_token('env:TEST_ROTATE', 'aaaa');
update engine.github_tokens set enabled = false, disabled_reason = '401' where label = 'env:TEST_ROTATE';
select engine.ensure_env_github_token('env:TEST_ROTATE', 'aaaa');
select is((select enabled from engine.github_tokens where label = 'env:TEST_ROTATE'), false,
  'the same value stays disabled');
select engine.ensure_env_github_token('env:TEST_ROTATE', 'bbbb');
select results_eq($$ select enabled, disabled_reason from engine.github_tokens where label = 'env:TEST_ROTATE' $$,
  $$ values (true, null::text) $$, 'a new value of the variable is enabled again');
select is((select count(*)::int from engine.token_budgets where label in ('pool-a', 'pool-b') and disabled_reason is not null), 2,
  'operators see both disabled tokens and why in engine.token_budgets');

select * from finish();
rollback;
