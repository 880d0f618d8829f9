-- A reservation nobody reconciles (an isolate killed mid-request, an exception between reserve
-- and reconcile) stops counting when it expires, and a window's rollover drops the reservations
-- made in the old window: points never leak for good.
begin;
select plan(6);

insert into engine.github_tokens (id, label, vault_secret_id)
values ('00000000-0000-0000-0000-00000000a0e1', 'env:TEST_EXPIRY', null),
       ('00000000-0000-0000-0000-00000000a0e2', 'env:TEST_ROLLOVER', null);
insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining, reset_at)
values ('00000000-0000-0000-0000-00000000a0e1', 'graphql', 5000, 1100, clock_timestamp() + interval '1 hour'),
       ('00000000-0000-0000-0000-00000000a0e2', 'graphql', 5000, 1100, clock_timestamp() + interval '1 hour');

create temp table r as
select * from engine.reserve_budget(100, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a0e1'::uuid]);
select isnt((select reservation_id from r), null, 'a reservation is a row with an id');
select is((select token_id from engine.reserve_budget(1, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a0e1'::uuid])),
  null, 'while the unreconciled reservation counts, the budget above the reserve is taken');

update engine.budget_reservations set expires_at = clock_timestamp() - interval '1 second'
where token_id = '00000000-0000-0000-0000-00000000a0e1';
select is((select reserved from engine.reserve_budget(100, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a0e1'::uuid])),
  100, 'once expired, the unreconciled reservation no longer counts');
select is((select reserved from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a0e1'),
  100, 'reserved is what the unexpired reservations hold');

-- Pacing (its own test) is lifted: this is about the window's points.
update engine.worker_settings set graphql_points_per_minute = 1000000;
select engine.reserve_budget(100, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a0e2'::uuid]);
update engine.rate_limit_budgets set remaining = 0, reset_at = clock_timestamp() - interval '5 seconds'
where token_id = '00000000-0000-0000-0000-00000000a0e2';
update engine.budget_reservations set created_at = clock_timestamp() - interval '1 minute'
where token_id = '00000000-0000-0000-0000-00000000a0e2';
select is((select reserved from engine.reserve_budget(3900, 'graphql', 1000, array['00000000-0000-0000-0000-00000000a0e2'::uuid])),
  3900, 'after the window rolls over the old window''s reservation is gone: the whole new window above the reserve is free');

select engine.reconcile_budget('00000000-0000-0000-0000-00000000a0e2', 3900, null, null, null, null, 'graphql',
  (select max(id) from engine.budget_reservations where token_id = '00000000-0000-0000-0000-00000000a0e2'));
select is((select reserved from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a0e2'),
  0, 'reconciling by reservation id releases exactly that reservation');

select * from finish();
rollback;
