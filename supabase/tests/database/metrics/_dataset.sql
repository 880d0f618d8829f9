-- Small fixed dataset for the metrics tests (included with \ir inside the test's transaction).
-- Workspace rockets (pro, with the addon: 365 days) tracks acme/rockets (5001) and acme/boosters (5002); acme/other (5003)
-- is tracked by nobody's workspace here. Users: owner5 (owner), member5 (member), outsider5.
select tests.create_supabase_user('owner5');
select tests.create_supabase_user('member5');
select tests.create_supabase_user('outsider5');

-- With the Extended Data Retention addon: its metrics cover 365 days.
insert into public.workspaces (id, slug, name, tier, retention_days) values
  ('00000000-0000-4000-8000-000000000501', 'rockets', 'Rockets', 'pro', 365);
insert into public.workspace_members (workspace_id, user_id, role) values
  ('00000000-0000-4000-8000-000000000501', tests.get_supabase_uid('owner5'), 'owner'),
  ('00000000-0000-4000-8000-000000000501', tests.get_supabase_uid('member5'), 'member');
insert into public.repositories (id, node_id, owner, name, full_name) values
  (5001, 'R_5001', 'acme', 'rockets', 'acme/rockets'),
  (5002, 'R_5002', 'acme', 'boosters', 'acme/boosters'),
  (5003, 'R_5003', 'acme', 'other', 'acme/other');
insert into public.tracked_repositories (id, owner, name, repository_id, status) values
  ('00000000-0000-4000-8000-000000005001', 'acme', 'rockets', 5001, 'active'),
  ('00000000-0000-4000-8000-000000005002', 'acme', 'boosters', 5002, 'active'),
  ('00000000-0000-4000-8000-000000005003', 'acme', 'other', 5003, 'active');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values
  ('00000000-0000-4000-8000-000000000501', '00000000-0000-4000-8000-000000005001'),
  ('00000000-0000-4000-8000-000000000501', '00000000-0000-4000-8000-000000005002');
insert into public.contributors (id, node_id, login) values (901, 'U_901', 'ada'), (902, 'U_902', 'grace');
