-- Two workspaces of different retention share acme/shared (6001): short (free, 30 days) and
-- long (pro, 90 days). acme/solo (6002) is tracked by short only; acme/orphan (6003) by nobody.
insert into public.workspaces (id, slug, name, tier) values
  ('00000000-0000-4000-8000-000000000601', 'short', 'Short', 'free'),
  ('00000000-0000-4000-8000-000000000602', 'long', 'Long', 'pro');
insert into public.repositories (id, node_id, owner, name, full_name) values
  (6001, 'R_6001', 'acme', 'shared', 'acme/shared'),
  (6002, 'R_6002', 'acme', 'solo', 'acme/solo'),
  (6003, 'R_6003', 'acme', 'orphan', 'acme/orphan');
insert into public.tracked_repositories (id, owner, name, repository_id, status) values
  ('00000000-0000-4000-8000-000000006001', 'acme', 'shared', 6001, 'active'),
  ('00000000-0000-4000-8000-000000006002', 'acme', 'solo', 6002, 'active'),
  ('00000000-0000-4000-8000-000000006003', 'acme', 'orphan', 6003, 'active');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values
  ('00000000-0000-4000-8000-000000000601', '00000000-0000-4000-8000-000000006001'),
  ('00000000-0000-4000-8000-000000000602', '00000000-0000-4000-8000-000000006001'),
  ('00000000-0000-4000-8000-000000000601', '00000000-0000-4000-8000-000000006002');
