-- Events we do not act on are recorded as ignored and change nothing.
begin;
select plan(4);
\ir _setup.psql

select is(pg_temp.deliver('wh_1', '{"type": "checkout.created", "data": {"id": "co_1"}}') ->> 'outcome', 'ignored',
  'An unhandled event type is ignored.');
select is(pg_temp.deliver('wh_2', '{"type": "brand.new.event", "data": {}}') ->> 'outcome', 'ignored',
  'An event type nobody knows is ignored.');
select is(pg_temp.deliver('wh_3', pg_temp.sub_event('subscription.active', 'sub_pro', now(), product => 'prod_pro_plan')) ->> 'outcome',
  'ignored', 'A subscription to a product that is not the addon is ignored.');
select results_eq(
  $$ select (select count(*)::int from public.polar_subscriptions where id = 'sub_pro'),
            (select count(*)::int from public.backfill_jobs where workspace_id = pg_temp.ws()),
            (select retention_days from public.workspaces where id = pg_temp.ws()) $$,
  $$ values (0, 0, 90) $$,
  'Nothing changed.');

select * from finish();
rollback;
