-- Who may call each client RPC: anon is refused by privilege; the functions themselves check
-- the caller's role and say why they refuse.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(18);

-- create_workspace: any signed-in user; not anon; not the service role (no user to own it).
select tests.clear_authentication();
select throws_ok($$ select public.create_workspace('anon-ws', 'Anon') $$,
  '42501', 'permission denied for function create_workspace', 'anon cannot create a workspace');
select tests.authenticate_as('outsider');
select is((select slug from public.create_workspace('outsider-ws', 'Outsider')), 'outsider-ws',
  'a user in no workspace can create one');
select tests.authenticate_as('member');
select public.create_workspace('member-ws', 'Member');
select is((select m.role from public.workspace_members m join public.workspaces w on w.id = m.workspace_id
           where w.slug = 'member-ws' and m.user_id = auth.uid()), 'owner',
  'a member can create another workspace, and owns it');
select tests.authenticate_as('admin');
select public.create_workspace('admin-ws', 'Admin');
select is((select m.role from public.workspace_members m join public.workspaces w on w.id = m.workspace_id
           where w.slug = 'admin-ws' and m.user_id = auth.uid()), 'owner',
  'an admin can create another workspace, and owns it');
select tests.authenticate_as('owner');
select public.create_workspace('owner-ws', 'Owner');
select is((select m.role from public.workspace_members m join public.workspaces w on w.id = m.workspace_id
           where w.slug = 'owner-ws' and m.user_id = auth.uid()), 'owner',
  'the creator of a workspace becomes its owner');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.create_workspace('svc-ws', 'Service') $$,
  '42501', 'create_workspace: sign in first; no user in the request',
  'the service role cannot create a workspace: nobody would own it');

-- update_workspace_repository_settings: owners, admins and the service role.
select tests.clear_authentication();
select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"fetch_issues": false}') $$,
  '42501', 'permission denied for function update_workspace_repository_settings', 'anon cannot change repository settings');
select tests.authenticate_as('outsider');
select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"fetch_issues": false}') $$,
  '42501', 'update_workspace_repository_settings: only owners and admins of workspace 00000000-0000-4000-8000-00000000000a can change repository settings',
  'a non-member cannot change repository settings');
select tests.authenticate_as('member');
select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"fetch_issues": false}') $$,
  '42501', 'update_workspace_repository_settings: only owners and admins of workspace 00000000-0000-4000-8000-00000000000a can change repository settings',
  'a plain member cannot change repository settings');
select tests.authenticate_as('admin');
select is((public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"fetch_issues": false}')).fetch_issues,
  false, 'an admin can change repository settings');
select tests.authenticate_as('owner');
select is((public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"sync_frequency_hours": 6}')).sync_frequency_hours,
  6, 'an owner can change repository settings');
select tests.authenticate_as_service_role();
select is((public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"fetch_commits": false}')).fetch_commits,
  false, 'the service role can change repository settings');

-- mark_notification_read: only the notification's own user.
select pg_temp.become('postgres');
create temp table notes as
select n.id, u.raw_user_meta_data ->> 'test_identifier' as who
from public.notifications n join auth.users u on u.id = n.user_id;
grant select on notes to public;

select tests.clear_authentication();
select throws_ok(format('select public.mark_notification_read(%L)', (select id from notes where who = 'owner')),
  '42501', 'permission denied for function mark_notification_read', 'anon cannot mark a notification read');
select tests.authenticate_as('outsider');
select isnt((public.mark_notification_read((select id from notes where who = 'outsider'))).read_at, null,
  'a user in no workspace can mark their own notification read');
select tests.authenticate_as('member');
select throws_ok(format('select public.mark_notification_read(%L)', (select id from notes where who = 'owner')),
  'P0002', format('mark_notification_read: no notification %s for the current user', (select id from notes where who = 'owner')),
  'a member cannot mark somebody else''s notification read');
select tests.authenticate_as('admin');
select isnt((public.mark_notification_read((select id from notes where who = 'admin'))).read_at, null,
  'an admin can mark their own notification read');
select tests.authenticate_as('owner');
select isnt((public.mark_notification_read((select id from notes where who = 'owner'))).read_at, null,
  'an owner can mark their own notification read');
select tests.authenticate_as_service_role();
select throws_ok(format('select public.mark_notification_read(%L)', (select id from notes where who = 'owner')),
  '42501', 'permission denied for function mark_notification_read',
  'the service role does not mark notifications read on a user''s behalf');

select * from finish();
rollback;
