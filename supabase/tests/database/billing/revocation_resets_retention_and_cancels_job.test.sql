-- Revoked: addon inactive, retention back to the tier default, the live addon job cancelled.
begin;
select plan(5);
\ir _setup.psql

select pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now()));
update public.backfill_jobs set status = 'running' where workspace_id = pg_temp.ws();
select is(pg_temp.deliver('wh_2', pg_temp.sub_event('subscription.revoked', 'sub_1', now() + interval '1 second',
  status => 'canceled')) ->> 'outcome', 'processed', 'The revocation is processed.');
select is((select status from public.subscription_addons where subscription_id = 'sub_1'), 'inactive',
  'The addon is inactive.');
select is((select retention_days from public.workspaces where id = pg_temp.ws()), 90,
  'Retention is back to the pro tier default.');
select results_eq(
  $$ select status, cancelled_at is not null from public.backfill_jobs where workspace_id = pg_temp.ws() $$,
  $$ values ('cancelled'::text, true) $$,
  'The running addon job is cancelled, with its time.');
select matches((select error from public.backfill_jobs where workspace_id = pg_temp.ws()), 'sub_1',
  'The job says which subscription ended it.');

select * from finish();
rollback;
