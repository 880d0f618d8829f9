-- A workspace that merely names a private repository gets nothing of it through the platform's
-- tokens: a chunk that says the repository is private, fetched with a platform token, is not
-- stored ('private'); fetched with the workspace's own token it is stored and the workspace's
-- grant is recorded. Tried as the attacker: before, the platform token's answer was stored and
-- readable by every workspace tracking the name.
begin;
select plan(8);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier) values ('00000000-0000-4000-8000-0000000c0001', 'prying', 'Prying', 'free');
insert into public.tracked_repositories (id, owner, name) values ('00000000-0000-4000-8000-0000000c0002', 'acme', 'secret');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000c0001', '00000000-0000-4000-8000-0000000c0002');
insert into engine.github_tokens (id, label, vault_secret_id) values ('00000000-0000-4000-8000-0000000c0003', 'platform-pat', gen_random_uuid());
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000c0004', '00000000-0000-4000-8000-0000000c0001', 'manual', 7, array['repository']);

create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
create function pg_temp.secret() returns jsonb language sql as $$
  select jsonb_build_object('repository', jsonb_build_object('id', 9100, 'node_id', 'R_9100', 'owner', 'acme', 'name', 'secret',
    'full_name', 'acme/secret', 'stargazer_count', 3, 'fork_count', 0, 'is_private', true, 'description', 'the crown jewels'))
$$;

select is((select repository_is_private from c), null, 'before its metadata is fetched, nobody knows the repository is private');
select is(engine.commit_backfill_chunk((select task_id from c), 'repository', (select msg_id from c), null, null, true,
  pg_temp.secret(), 1, 1, 1, 300, (select claim_id from c), '00000000-0000-4000-8000-0000000c0003'),
  'private', 'a private repository''s chunk fetched with a platform token is refused');
select is((select count(*)::int from public.repositories where id = 9100), 0, 'nothing of it was stored');
select is((select count(*)::int from public.repository_access_grants), 0, 'and no grant was recorded');
select results_eq($$ select status, items_done, cursor from public.backfill_progress where task_id = (select task_id from c) $$,
  $$ values ('pending'::text, 0::bigint, null::text) $$, 'its progress did not move');

-- The workspace connects its own token; the same chunk fetched with it is stored, with a grant.
insert into engine.github_tokens (id, label, vault_secret_id, workspace_id)
values ('00000000-0000-4000-8000-0000000c0005', 'workspace:prying', gen_random_uuid(), '00000000-0000-4000-8000-0000000c0001');
select is(engine.commit_backfill_chunk((select task_id from c), 'repository', (select msg_id from c), null, null, true,
  pg_temp.secret(), 1, 1, 1, 300, (select claim_id from c), '00000000-0000-4000-8000-0000000c0005'),
  'task_completed', 'fetched with the workspace''s own token the chunk commits');
select results_eq($$ select workspace_id, repository_id, token_id from public.repository_access_grants $$,
  $$ values ('00000000-0000-4000-8000-0000000c0001'::uuid, 9100::bigint, '00000000-0000-4000-8000-0000000c0005'::uuid) $$,
  'the workspace''s grant to read it is recorded, naming the token');
select is((select is_private from public.repositories where id = 9100), true, 'the repository is stored as private');

select * from finish();
rollback;
