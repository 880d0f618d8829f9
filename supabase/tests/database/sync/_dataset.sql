-- Three workspaces: ent (enterprise, 30 tier points), pro (15), free (0). acme/shared (7001,
-- 50,000 stars) is tracked by all three; acme/pro-only (7002, 9 stars) by pro; acme/free-only
-- (7003, no stars) by free. Everything is due now.
insert into public.workspaces (id, slug, name, tier) values
  ('00000000-0000-4000-8000-000000000701', 'ent', 'Ent', 'enterprise'),
  ('00000000-0000-4000-8000-000000000702', 'pro7', 'Pro', 'pro'),
  ('00000000-0000-4000-8000-000000000703', 'free7', 'Free', 'free');
insert into public.repositories (id, node_id, owner, name, full_name, stargazer_count) values
  (7001, 'R_7001', 'acme', 'shared', 'acme/shared', 50000),
  (7002, 'R_7002', 'acme', 'pro-only', 'acme/pro-only', 9),
  (7003, 'R_7003', 'acme', 'free-only', 'acme/free-only', 0);
insert into public.tracked_repositories (id, owner, name, repository_id, status) values
  ('00000000-0000-4000-8000-000000007001', 'acme', 'shared', 7001, 'active'),
  ('00000000-0000-4000-8000-000000007002', 'acme', 'pro-only', 7002, 'active'),
  ('00000000-0000-4000-8000-000000007003', 'acme', 'free-only', 7003, 'active');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, last_sync_at, next_sync_at, sync_frequency_hours, fetch_issues, fetch_commits, fetch_discussions) values
  ('00000000-0000-4000-8000-000000000701', '00000000-0000-4000-8000-000000007001', now() - interval '24 hours', now(), 24, true, false, false),
  ('00000000-0000-4000-8000-000000000702', '00000000-0000-4000-8000-000000007001', now() - interval '48 hours', now() - interval '24 hours', 24, false, true, false),
  ('00000000-0000-4000-8000-000000000703', '00000000-0000-4000-8000-000000007001', now() - interval '24 hours', now(), 24, false, false, false),
  ('00000000-0000-4000-8000-000000000702', '00000000-0000-4000-8000-000000007002', now() - interval '36 hours', now() - interval '12 hours', 24, true, false, false),
  ('00000000-0000-4000-8000-000000000703', '00000000-0000-4000-8000-000000007003', null, null, 24, true, false, false);
