-- reconcile_budget releases the reservation and records what GitHub reported: remaining,
-- resetAt and limit; late answers of the same window never raise remaining; a primary-limit
-- answer (remaining 0) makes reservations wait for the reset.
begin;
select plan(8);

insert into engine.github_tokens (id, label, vault_secret_id)
values ('00000000-0000-0000-0000-00000000a002', 'env:TEST_RECONCILE', null);

select is((select reserved from engine.reserve_budget(3, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a002'::uuid])),
  3, 'a fresh token row is created on demand with the default 5,000 points');

select engine.reconcile_budget('00000000-0000-0000-0000-00000000a002', 3, 2, 4321,
  now() + interval '1 hour', 5000);
select results_eq(
  $$ select reserved, remaining, limit_points from engine.rate_limit_budgets
     where token_id = '00000000-0000-0000-0000-00000000a002' and resource = 'graphql' $$,
  $$ values (0, 4321, 5000) $$,
  'the reservation is released and remaining comes from the answer');
select ok((select reset_at > now() + interval '59 minutes' from engine.rate_limit_budgets
           where token_id = '00000000-0000-0000-0000-00000000a002'), 'reset_at comes from the answer');

-- An answer of the same window that arrives late (higher remaining) does not raise it.
select engine.reconcile_budget('00000000-0000-0000-0000-00000000a002', 0, 1, 4400,
  (select reset_at from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a002'), 5000);
select is((select remaining from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a002'),
  4321, 'a late answer of the same window does not raise remaining');

-- No answer at all (a 502): the reservation is released, a known cost is charged.
select engine.reserve_budget(7, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a002'::uuid]);
select engine.reconcile_budget('00000000-0000-0000-0000-00000000a002', 7, 1);
select results_eq(
  $$ select reserved, remaining from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a002' $$,
  $$ values (0, 4320) $$, 'without a report the reservation is released and the known cost charged');

-- A new window with a new limit (GitHub App installations scale up to 12,500).
select engine.reconcile_budget('00000000-0000-0000-0000-00000000a002', 0, 1, 12000, now() + interval '2 hours', 12500);
select results_eq(
  $$ select remaining, limit_points from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a002' $$,
  $$ values (12000, 12500) $$, 'a newer window replaces remaining and limit');

-- Primary limit: remaining 0 until the reset; reservations wait for it.
select engine.reconcile_budget('00000000-0000-0000-0000-00000000a002', 0, null, 0, now() + interval '3 hours', 12500);
select is((select token_id from engine.reserve_budget(1, 'graphql', 0, array['00000000-0000-0000-0000-00000000a002'::uuid])),
  null, 'after remaining 0 nothing is reserved, even without a reserve');
select ok((select wait_until >= now() + interval '3 hours'
           from engine.reserve_budget(1, 'graphql', 0, array['00000000-0000-0000-0000-00000000a002'::uuid])),
  'the wait lasts until the reported reset');

select * from finish();
rollback;
