-- Verified but unusable payloads are recorded as rejected, with a reason operators can act on,
-- and change nothing else.
begin;
select plan(9);
\ir _setup.psql

select is(pg_temp.deliver('wh_none', pg_temp.sub_event('subscription.active', 'sub_x', now(), metadata => '{}', checkout_id => null)) ->> 'outcome',
  'rejected', 'A subscription naming no workspace is rejected.');
select matches((select error from billing.webhook_deliveries where webhook_id = 'wh_none'), 'comes from no checkout.*names no workspace',
  'The reason says the workspace is missing.');
select is(pg_temp.deliver('wh_unknown', pg_temp.sub_event('subscription.active', 'sub_y', now(),
  metadata => '{"workspace_id": "00000000-0000-4000-8000-00000000dead"}', checkout_id => null)) ->> 'outcome',
  'rejected', 'A subscription naming an unknown workspace is rejected.');
select matches((select error from billing.webhook_deliveries where webhook_id = 'wh_unknown'), '00000000-0000-4000-8000-00000000dead, which does not exist',
  'The reason names the unknown workspace.');
select is(private.process_polar_webhook('wh_notjson', null, now(), null, array['prod_addon']) ->> 'outcome',
  'rejected', 'A body that was not JSON (payload null) is rejected.');
select is(pg_temp.deliver('wh_badts', jsonb_set(pg_temp.sub_event('subscription.active', 'sub_z', now()),
  '{data,current_period_end}', '"not a date"')) ->> 'outcome',
  'rejected', 'A payload with a malformed timestamp is rejected, not an error.');
select is(pg_temp.deliver('wh_noid', pg_temp.sub_event('subscription.active', 'sub_z', now()) #- '{data,id}') ->> 'outcome',
  'rejected', 'A subscription event without data.id is rejected.');
select results_eq(
  $$ select (select count(*)::int from public.polar_subscriptions where id in ('sub_x', 'sub_y', 'sub_z')),
            (select count(*)::int from public.subscription_addons where subscription_id in ('sub_x', 'sub_y', 'sub_z')),
            (select count(*)::int from public.backfill_jobs where workspace_id = pg_temp.ws()) $$,
  $$ values (0, 0, 0) $$,
  'Nothing but the delivery rows was written.');
select set_eq(
  $$ select webhook_id from billing.recent_webhook_rejections where webhook_id like 'wh\_%' $$,
  array['wh_none', 'wh_unknown', 'wh_notjson', 'wh_badts', 'wh_noid'],
  'Operators see every rejection in billing.recent_webhook_rejections.');

select * from finish();
rollback;
