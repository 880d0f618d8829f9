-- When GitHub answers for tracked acme-r/old-name with nameWithOwner acme-r/new-name (it follows
-- renames), the tracked repository ends status 'renamed' with a message naming the new name; its
-- backfill completes normally. Casing differences are not renames; a rename noticed later (the
-- repository row renamed) is caught too, and a name that matches again is active again.
begin;
select plan(9);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-000000000600', 'renames', 'Renames', 'pro');
insert into public.tracked_repositories (id, owner, name) values
  ('00000000-0000-4000-8000-000000000601', 'acme-r', 'old-name'),
  ('00000000-0000-4000-8000-000000000602', 'acme-r', 'same-name');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-000000000600', id from public.tracked_repositories where owner = 'acme-r';
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-000000000603', '00000000-0000-4000-8000-000000000600', 'manual', 7,
        array['repository', 'pull_requests']);

create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 10, 300);
create function pg_temp.repo(p_id bigint, p_full_name text) returns jsonb language sql as $$
  select jsonb_build_object('repository', jsonb_build_object('id', p_id, 'node_id', 'R_' || p_id,
    'owner', split_part(p_full_name, '/', 1), 'name', split_part(p_full_name, '/', 2), 'full_name', p_full_name,
    'stargazer_count', 0, 'fork_count', 0, 'is_private', false))
$$;

select is(engine.commit_backfill_chunk((select task_id from c where name = 'old-name'), 'repository',
  (select msg_id from c where name = 'old-name'), null, null, true, pg_temp.repo(6001, 'acme-r/new-name'), 1, 1, 1),
  'committed', 'the metadata chunk of acme-r/old-name commits GitHub''s answer for acme-r/new-name');
select results_eq(
  $$ select status, repository_id, last_error from public.tracked_repositories where id = '00000000-0000-4000-8000-000000000601' $$,
  $$ values ('renamed'::text, 6001::bigint,
     'repository acme-r/old-name was renamed on GitHub to acme-r/new-name; its data keeps syncing through GitHub''s redirect. To track it by its new name, add acme-r/new-name to the workspace and remove acme-r/old-name (no data is lost)'::text) $$,
  'the tracked repository is linked to the GitHub repository and ends renamed, naming the new name and what to do');

select is(engine.commit_backfill_chunk((select task_id from c where name = 'old-name'), 'pull_requests',
  (select msg_id from c where name = 'old-name'), null, null, true, pg_temp.repo(6001, 'acme-r/new-name'), 0, 0, 1),
  'task_completed', 'the pull requests chunk (which upserts the repository again) completes the task');
select is((select status from public.tracked_repositories where id = '00000000-0000-4000-8000-000000000601'), 'renamed',
  'a later chunk does not turn the renamed repository back to active');
select is((select status from public.backfill_tasks where id = (select task_id from c where name = 'old-name')), 'completed',
  'the renamed repository''s backfill completes: nothing is missing');

select engine.commit_backfill_chunk((select task_id from c where name = 'same-name'), 'repository',
  (select msg_id from c where name = 'same-name'), null, null, true, pg_temp.repo(6002, 'Acme-R/Same-Name'), 1, 1, 1);
select results_eq(
  $$ select status, last_error from public.tracked_repositories where id = '00000000-0000-4000-8000-000000000602' $$,
  $$ values ('active'::text, null::text) $$,
  'GitHub''s casing of the same name is not a rename: the repository is active');

update public.repositories set full_name = 'acme-r/moved', name = 'moved' where id = 6002;
select is((select status from public.tracked_repositories where id = '00000000-0000-4000-8000-000000000602'), 'renamed',
  'a rename noticed later, when the stored repository''s name changes, marks the tracked repository renamed');
update public.repositories set full_name = 'acme-r/same-name', name = 'same-name' where id = 6002;
select results_eq(
  $$ select status, last_error from public.tracked_repositories where id = '00000000-0000-4000-8000-000000000602' $$,
  $$ values ('active'::text, null::text) $$,
  'renamed back to the tracked name, the repository is active again without an error');

update public.tracked_repositories set status = 'not_found', last_error = 'repository acme-r/old-name was not found'
where id = '00000000-0000-4000-8000-000000000601';
select is((select status from public.tracked_repositories where id = '00000000-0000-4000-8000-000000000601'), 'not_found',
  'a failure status (not_found) is not overwritten by the rename rule');

select * from finish();
rollback;
