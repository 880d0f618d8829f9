-- engine.sync_backlog counts the scheduled syncs due, queued and failing; engine.retention_summary
-- sums the clean-up's deletions per day and table over 30 days; engine.stale_backfill_jobs lists
-- the jobs still unfinished 24 hours after they were created. Only the service role reads them.
-- (sync_backlog counts every workspace's rows: its numbers are compared before and after the
-- fixture.)
begin;
select plan(9);

create temp table backlog_before as select * from engine.sync_backlog;
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-000000000580', 'operator-views', 'Operator views', 'pro');
insert into public.tracked_repositories (id, owner, name)
select ('00000000-0000-4000-8000-00000000058' || n)::uuid, 'opsco', 'repo-' || n from generate_series(1, 4) n;
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, next_sync_at, last_sync_status) values
  ('00000000-0000-4000-8000-000000000580', '00000000-0000-4000-8000-000000000581', '2000-01-01T00:00:00Z', 'queued'),
  ('00000000-0000-4000-8000-000000000580', '00000000-0000-4000-8000-000000000582', null, 'failed: GitHub answered 502'),
  ('00000000-0000-4000-8000-000000000580', '00000000-0000-4000-8000-000000000583', now() + interval '1 day', 'completed'),
  ('00000000-0000-4000-8000-000000000580', '00000000-0000-4000-8000-000000000584', now() + interval '1 hour', 'failed');
select results_eq(
  $$ select a.due - b.due, a.queued - b.queued, a.failing - b.failing from engine.sync_backlog a, backlog_before b $$,
  $$ values (2::bigint, 1::bigint, 2::bigint) $$,
  'two rows are due (a past next sync, none planned), one is queued, two are failing');
select is((select oldest_due_at from engine.sync_backlog), '2000-01-01T00:00:00Z'::timestamptz,
  'the oldest due time is the earliest past next sync');

-- Retention: this test's own table name keeps other deletions out of the comparison.
insert into engine.retention_deletions (deleted_at, table_name, repository_id, retention_days, cutoff, rows_deleted) values
  (now(), 'pgtap_operator_views', 1, 30, now() - interval '30 days', 5),
  (now(), 'pgtap_operator_views', 2, 30, now() - interval '30 days', 3),
  (now() - interval '3 days', 'pgtap_operator_views', 1, 30, now() - interval '33 days', 4),
  (now() - interval '40 days', 'pgtap_operator_views', 1, 30, now() - interval '70 days', 9);
select results_eq(
  $$ select day, rows_deleted, repositories from engine.retention_summary where table_name = 'pgtap_operator_views' $$,
  $$ values (date_trunc('day', now()), 8::bigint, 2::bigint), (date_trunc('day', now() - interval '3 days'), 4, 1) $$,
  'deletions are summed per day (newest first) with the repositories they touched; 40 days ago is left out');

-- Stale jobs: created 25 h and 48 h ago and still pending or running are listed; one of 23 h
-- and a finished one of 48 h are not.
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types) values
  ('00000000-0000-4000-8000-000000000591', '00000000-0000-4000-8000-000000000580', 'manual', 7, array['repository']),
  ('00000000-0000-4000-8000-000000000592', '00000000-0000-4000-8000-000000000580', 'manual', 7, array['repository']),
  ('00000000-0000-4000-8000-000000000593', '00000000-0000-4000-8000-000000000580', 'manual', 7, array['repository']),
  ('00000000-0000-4000-8000-000000000594', '00000000-0000-4000-8000-000000000580', 'manual', 7, array['repository']);
update public.backfill_jobs j set status = v.status, created_at = now() - v.age
from (values ('00000000-0000-4000-8000-000000000591'::uuid, 'pending', interval '25 hours'),
             ('00000000-0000-4000-8000-000000000592'::uuid, 'running', interval '48 hours'),
             ('00000000-0000-4000-8000-000000000593'::uuid, 'running', interval '23 hours'),
             ('00000000-0000-4000-8000-000000000594'::uuid, 'completed', interval '48 hours')) v(id, status, age)
where j.id = v.id;
select set_eq(
  $$ select id, status, age from engine.stale_backfill_jobs where workspace_id = '00000000-0000-4000-8000-000000000580' $$,
  $$ values ('00000000-0000-4000-8000-000000000591'::uuid, 'pending'::text, interval '25 hours'),
            ('00000000-0000-4000-8000-000000000592', 'running', interval '48 hours') $$,
  'jobs unfinished 24 hours after creation are listed with their age; younger or finished ones are not');

select tests.authenticate_as_service_role();
select is((select count(*)::int from engine.stale_backfill_jobs where workspace_id = '00000000-0000-4000-8000-000000000580'), 2,
  'the service role reads engine.stale_backfill_jobs');
select is((select due from engine.sync_backlog) >= 2 and (select count(*) from engine.retention_summary where table_name = 'pgtap_operator_views') = 2,
  true, 'and engine.sync_backlog and engine.retention_summary');
select tests.create_supabase_user('operator_views_user');
select tests.authenticate_as('operator_views_user');
select throws_ok($$ select * from engine.stale_backfill_jobs $$, '42501', null, 'a signed-in user cannot read engine.stale_backfill_jobs');
select throws_ok($$ select * from engine.sync_backlog $$, '42501', null, 'nor engine.sync_backlog');
select throws_ok($$ select * from engine.retention_summary $$, '42501', null, 'nor engine.retention_summary');

select * from finish();
rollback;
