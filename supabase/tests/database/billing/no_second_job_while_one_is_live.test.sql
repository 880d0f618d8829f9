-- At most one live (pending/running) addon job per workspace; a later purchase after it
-- finished starts a new one.
begin;
select plan(4);
\ir _setup.psql

select pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now()));
select is(pg_temp.deliver('wh_2', pg_temp.sub_event('subscription.active', 'sub_1', now() + interval '1 second')) ->> 'job_id',
  null, 'A second active event of the same subscription starts no job.');
select is(pg_temp.deliver('wh_3', pg_temp.sub_event('subscription.active', 'sub_2', now())) ->> 'job_id',
  null, 'A second subscription of the workspace starts no job while one is pending.');
select is((select count(*)::int from public.backfill_jobs where workspace_id = pg_temp.ws()), 1,
  'Still one job.');

update public.backfill_jobs set status = 'completed' where workspace_id = pg_temp.ws();
select pg_temp.deliver('wh_4', pg_temp.sub_event('subscription.revoked', 'sub_1', now() + interval '2 seconds', status => 'canceled'));
select pg_temp.deliver('wh_5', pg_temp.sub_event('subscription.revoked', 'sub_2', now() + interval '2 seconds', status => 'canceled'));
select isnt(pg_temp.deliver('wh_6', pg_temp.sub_event('subscription.active', 'sub_3', now() + interval '3 seconds')) ->> 'job_id',
  null, 'A new purchase after the earlier job finished and the addon lapsed starts a new job.');

select * from finish();
rollback;
