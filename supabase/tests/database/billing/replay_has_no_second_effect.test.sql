-- A webhook-id seen before changes nothing and answers the first outcome.
begin;
select plan(5);
\ir _setup.psql

select pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now()));
select is(pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now())) ->> 'replayed', 'true',
  'A replay is reported as one.');
select is(pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now())) ->> 'outcome', 'processed',
  'A replay answers the first delivery''s outcome.');
select is(pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.revoked', 'sub_1', now() + interval '1 minute')) ->> 'replayed',
  'true', 'A different body under the same webhook-id is still a replay.');
select is((select status from public.subscription_addons where subscription_id = 'sub_1'), 'active',
  'The replayed body was not applied.');
select results_eq(
  $$ select (select count(*)::int from public.backfill_jobs where workspace_id = pg_temp.ws()),
            (select count(*)::int from billing.webhook_deliveries where webhook_id = 'wh_1') $$,
  $$ values (1, 1) $$,
  'One job and one delivery row after four deliveries of one webhook-id.');

select * from finish();
rollback;
