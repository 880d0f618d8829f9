-- reserve_budget reserves only what leaves the reserve untouched; beyond it, it names no token
-- and says when to come back (the reset), so no request is sent.
begin;
select plan(8);

insert into engine.github_tokens (id, label, vault_secret_id)
values ('00000000-0000-0000-0000-00000000a001', 'env:TEST_RESERVE', null);
insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining, reset_at)
values ('00000000-0000-0000-0000-00000000a001', 'graphql', 5000, 1010, now() + interval '10 minutes');

select is(
  (select array[reserved] from engine.reserve_budget(10, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a001'::uuid])),
  array[10], 'exactly the headroom above the default reserve of 1,000 can be reserved');

select is((select reserved from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a001'),
  10, 'the reservation is recorded on the budget row');

select is(
  (select token_id from engine.reserve_budget(1, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a001'::uuid])),
  null, 'one more point would eat into the reserve: no token is given');

select ok(
  (select wait_until between now() and now() + interval '2 seconds'
   from engine.reserve_budget(1, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a001'::uuid])),
  'while only an in-flight reservation is in the way, the caller retries a moment later');

-- The request is answered: it cost 10 and GitHub says 1,000 remain until the reset.
select engine.reconcile_budget('00000000-0000-0000-0000-00000000a001', 10, 10, 1000,
  (select reset_at from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a001'), 5000);

select ok(
  (select wait_until between now() + interval '10 minutes' and now() + interval '10 minutes 2 seconds'
   from engine.reserve_budget(1, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a001'::uuid])),
  'the caller is told to wait until the reset of the window');

select is((select reserved from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a001'),
  0, 'a refused reservation reserves nothing');

select is(
  (select reserved from engine.reserve_budget(5, 'graphql', 900, array['00000000-0000-0000-0000-00000000a001'::uuid])),
  5, 'the reserve is configurable: with 900 kept back, 5 more points fit');

select throws_ok(
  $$ select * from engine.reserve_budget(0, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a001'::uuid]) $$,
  '22023', null, 'a reservation costs at least one point');

select * from finish();
rollback;
