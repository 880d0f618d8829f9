-- order.paid of the addon pushes its expiry to the paid period's end, never earlier.
begin;
select plan(3);
\ir _setup.psql

select pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now(), period_end => now() + interval '1 day'));
select is(pg_temp.deliver('wh_2', jsonb_build_object('type', 'order.paid', 'timestamp', now(), 'data', jsonb_build_object(
  'id', 'ord_1', 'product_id', 'prod_addon', 'subscription_id', 'sub_1',
  'subscription', jsonb_build_object('id', 'sub_1', 'current_period_end', now() + interval '31 days')))) ->> 'outcome',
  'processed', 'order.paid for the addon is processed.');
select is((select expires_at from public.subscription_addons where subscription_id = 'sub_1'), now() + interval '31 days',
  'The addon now expires at the end of the paid period.');
select pg_temp.deliver('wh_3', jsonb_build_object('type', 'order.paid', 'timestamp', now(), 'data', jsonb_build_object(
  'id', 'ord_0', 'product_id', 'prod_addon', 'subscription_id', 'sub_1',
  'subscription', jsonb_build_object('id', 'sub_1', 'current_period_end', now() + interval '2 days'))));
select is((select expires_at from public.subscription_addons where subscription_id = 'sub_1'), now() + interval '31 days',
  'An older order never shortens the expiry.');

select * from finish();
rollback;
