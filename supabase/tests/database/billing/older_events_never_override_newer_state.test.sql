-- An event older than the last one applied to the subscription is recorded but not applied.
begin;
select plan(4);
\ir _setup.psql

select pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now()));
select pg_temp.deliver('wh_3', pg_temp.sub_event('subscription.revoked', 'sub_1', now() + interval '3 seconds', status => 'canceled'));
select is(pg_temp.deliver('wh_2', pg_temp.sub_event('subscription.updated', 'sub_1', now() + interval '1 second')) ->> 'outcome',
  'ignored', 'An updated event older than the revocation is ignored.');
select matches((select error from billing.webhook_deliveries where webhook_id = 'wh_2'), 'out of order',
  'The delivery says why.');
select results_eq(
  $$ select a.status, w.retention_days from public.subscription_addons a join public.workspaces w on w.id = a.workspace_id
     where a.subscription_id = 'sub_1' $$,
  $$ values ('inactive'::text, 90) $$,
  'The addon stays inactive and retention stays at the tier default.');
select is((select count(*)::int from public.backfill_jobs where workspace_id = pg_temp.ws()), 1,
  'No job is started by the stale event.');

select * from finish();
rollback;
