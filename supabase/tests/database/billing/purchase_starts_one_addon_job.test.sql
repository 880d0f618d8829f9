-- An addon purchase: subscription and addon recorded, retention 365, one pending addon job.
begin;
select plan(10);
\ir _setup.psql

select is(pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now())) ->> 'outcome',
  'processed', 'A purchase for a known workspace is processed.');
select is((select status from public.polar_subscriptions where id = 'sub_1'), 'active',
  'The subscription is recorded.');
select is((select status from public.subscription_addons where subscription_id = 'sub_1'), 'active',
  'The extended retention addon is active.');
select is((select retention_days from public.workspaces where id = pg_temp.ws()), 365,
  'The workspace''s retention becomes 365 days.');
select is((select count(*)::int from public.backfill_jobs where workspace_id = pg_temp.ws()), 1,
  'Exactly one backfill job is created.');
select results_eq(
  $$ select kind, window_days, status, created_by from public.backfill_jobs where workspace_id = pg_temp.ws() $$,
  $$ values ('addon'::text, 365, 'pending'::text, null::uuid) $$,
  'It is a pending 365-day addon job created by no user.');
select is((select data_types from public.backfill_jobs where workspace_id = pg_temp.ws()),
  array['repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks'],
  'It covers every data type.');
select is((select backfill_job_id from public.subscription_addons where subscription_id = 'sub_1'),
  (select id from public.backfill_jobs where workspace_id = pg_temp.ws()),
  'The addon row (owners and admins read it) names the job the purchase started.');
select is((select source from public.backfill_jobs where workspace_id = pg_temp.ws()),
  '{"origin": "polar_webhook", "event_type": "subscription.active"}'::jsonb,
  'The job''s source, which every member reads, holds no subscription, product or webhook id.');
select is((select outcome from billing.webhook_deliveries where webhook_id = 'wh_1'), 'processed',
  'The delivery is recorded as processed.');

select * from finish();
rollback;
