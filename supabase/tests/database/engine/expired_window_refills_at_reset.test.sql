-- When a window's reset has passed (plus a one-second margin, GitHub reports it to the second),
-- the budget is full again and reservations go through; before it they wait.
begin;
select plan(5);

insert into engine.github_tokens (id, label, vault_secret_id)
values ('00000000-0000-0000-0000-00000000a003', 'env:TEST_REFILL', null),
       ('00000000-0000-0000-0000-00000000a004', 'env:TEST_NOT_YET', null);
insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining, reserved, reset_at)
values ('00000000-0000-0000-0000-00000000a003', 'graphql', 5000, 0, 2, now() - interval '5 seconds'),
       ('00000000-0000-0000-0000-00000000a004', 'graphql', 5000, 0, 0, clock_timestamp() + interval '30 seconds');

select is((select reserved from engine.reserve_budget(50, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a003'::uuid])),
  50, 'an expired window is refilled: the reservation goes through');
select results_eq(
  $$ select remaining, reserved, reset_at from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a003' $$,
  $$ values (5000, 50, null::timestamptz) $$,
  'remaining is back to the limit, reservations of the old window are dropped, the next reset is unknown until an answer');

select is((select token_id from engine.reserve_budget(1, 'graphql', 0, array['00000000-0000-0000-0000-00000000a004'::uuid])),
  null, 'a window that has not reset yet stays empty');
select is((select remaining from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a004'),
  0, 'and is not refilled early');

update engine.rate_limit_budgets set reset_at = clock_timestamp() - interval '500 milliseconds'
where token_id = '00000000-0000-0000-0000-00000000a004';
select is((select token_id from engine.reserve_budget(1, 'graphql', 0, array['00000000-0000-0000-0000-00000000a004'::uuid])),
  null, 'within the one-second margin after the reported reset the window is still treated as empty');

select * from finish();
rollback;
