-- Revoked: addon inactive, retention back to the tier default, the live addon job cancelled as
-- cancel_backfill cancels one: its tasks and their queue messages end, the owner is told.
begin;
select plan(8);
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
select results_eq(
  $$ select status, count(*)::int from public.backfill_tasks where workspace_id = pg_temp.ws() group by status $$,
  $$ values ('cancelled'::text, 2) $$,
  'Both repositories'' tasks are cancelled.');
select is((select count(*)::int from pgmq.q_backfill_recent m join public.backfill_tasks t on t.msg_id = m.msg_id
           where t.workspace_id = pg_temp.ws())
        + (select count(*)::int from pgmq.q_backfill_bulk m join public.backfill_tasks t on t.msg_id = m.msg_id
           where t.workspace_id = pg_temp.ws()), 0,
  'Their queue messages are gone: no worker fetches for a revoked addon.');
select results_eq(
  $$ select payload ->> 'status', title from public.notifications where workspace_id = pg_temp.ws()
     and user_id = tests.get_supabase_uid('billing_owner') and kind = 'backfill_finished' $$,
  $$ values ('cancelled'::text, 'Backfill cancelled: the extended retention addon of subscription sub_1 ended (subscription.revoked)'::text) $$,
  'The owner is told why.');

select * from finish();
rollback;
