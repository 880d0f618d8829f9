-- Engine rows only take the statuses, kinds, windows and data types the engine knows.
begin;
select plan(9);

insert into public.workspaces (id, slug, name) values ('00000000-0000-4000-8000-00000000000a', 'acme', 'Acme');

select throws_ok($$ insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
                    values ('00000000-0000-4000-8000-00000000000a', 'manual', 30, array['pull_requests', 'wikis']) $$,
  '23514', 'new row for relation "backfill_jobs" violates check constraint "backfill_jobs_data_types_are_known_and_not_empty"',
  'an unknown data type is rejected');
select throws_ok($$ insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
                    values ('00000000-0000-4000-8000-00000000000a', 'manual', 30, array[]::text[]) $$,
  '23514', 'new row for relation "backfill_jobs" violates check constraint "backfill_jobs_data_types_are_known_and_not_empty"',
  'an empty list of data types is rejected');
select throws_ok($$ insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
                    values ('00000000-0000-4000-8000-00000000000a', 'manual', 366, array['issues']) $$,
  '23514', 'new row for relation "backfill_jobs" violates check constraint "backfill_jobs_window_days_between_1_and_365"',
  'a window over 365 days is rejected');
select throws_ok($$ insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
                    values ('00000000-0000-4000-8000-00000000000a', 'urgent', 30, array['issues']) $$,
  '23514', 'new row for relation "backfill_jobs" violates check constraint "backfill_jobs_kind_is_addon_manual_initial_or_scheduled"',
  'an unknown job kind is rejected');
select throws_ok($$ insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, status)
                    values ('00000000-0000-4000-8000-00000000000a', 'manual', 30, array['issues'], 'done') $$,
  '23514', 'new row for relation "backfill_jobs" violates check constraint "backfill_jobs_status_is_known"',
  'an unknown job status is rejected');
select throws_ok($$ insert into public.tracked_repositories (owner, name, status) values ('acme', 'widgets', 'gone') $$,
  '23514', 'new row for relation "tracked_repositories" violates check constraint "tracked_repositories_status_is_known"',
  'an unknown tracked repository status is rejected');
select throws_ok($$ insert into public.workspace_members (workspace_id, user_id, role)
                    values ('00000000-0000-4000-8000-00000000000a', tests.create_supabase_user('x'), 'superuser') $$,
  '23514', 'new row for relation "workspace_members" violates check constraint "workspace_members_role_is_owner_admin_or_member"',
  'an unknown member role is rejected');
select throws_ok($$ insert into billing.webhook_deliveries (webhook_id, outcome) values ('wh_1', 'maybe') $$,
  '23514', 'new row for relation "webhook_deliveries" violates check constraint "webhook_deliveries_outcome_is_known"',
  'an unknown webhook outcome is rejected');

insert into public.repositories (id, node_id, owner, name, full_name) values (1001, 'R_1001', 'acme', 'widgets', 'acme/widgets');
select throws_ok($$ insert into public.issue_comments (id, node_id, repository_id, created_at) values (1, 'IC_1', 1001, now()) $$,
  '23514', 'new row for relation "issue_comments" violates check constraint "issue_comments_belong_to_exactly_one_issue_or_pull_request"',
  'a comment with neither an issue nor a pull request is rejected');

select * from finish();
rollback;
