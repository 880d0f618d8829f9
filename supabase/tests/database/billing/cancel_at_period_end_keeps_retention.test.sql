-- Canceled at period end: retention kept until the period ends; uncanceled: active again with no
-- second job; canceled with the period over: retention back to the tier default.
begin;
select plan(6);
\ir _setup.psql

select pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now()));
select pg_temp.deliver('wh_2', pg_temp.sub_event('subscription.canceled', 'sub_1', now() + interval '1 second',
  cancel_at_period_end => true));
select is((select status from public.subscription_addons where subscription_id = 'sub_1'), 'canceled',
  'A cancel at period end marks the addon canceled.');
select is((select retention_days from public.workspaces where id = pg_temp.ws()), 365,
  'Retention stays 365 days until the period ends.');

select pg_temp.deliver('wh_3', pg_temp.sub_event('subscription.uncanceled', 'sub_1', now() + interval '2 seconds'));
select is((select status from public.subscription_addons where subscription_id = 'sub_1'), 'active',
  'Uncanceled makes the addon active again.');
select is((select count(*)::int from public.backfill_jobs where workspace_id = pg_temp.ws()), 1,
  'Uncanceling starts no second job.');

select pg_temp.deliver('wh_4', pg_temp.sub_event('subscription.updated', 'sub_1', now() + interval '3 seconds',
  status => 'canceled', period_end => now() - interval '1 day'));
select is((select status from public.subscription_addons where subscription_id = 'sub_1'), 'inactive',
  'A canceled subscription past its period makes the addon inactive.');
select is((select retention_days from public.workspaces where id = pg_temp.ws()), 90,
  'Retention falls back to the pro tier default.');

select * from finish();
rollback;
