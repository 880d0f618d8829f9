-- Clients follow a job through backfill_progress broadcasts: one per committed chunk across a
-- multi-chunk job, and none from a chunk whose transaction rolled back (the broadcast is a row of
-- realtime.messages written in the chunk's own transaction).
begin;
select plan(5);

select pgmq.purge_queue('backfill_recent');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005d0', 'chunk-broadcasts', 'Chunk broadcasts', 'pro');
insert into public.tracked_repositories (id, owner, name)
values ('00000000-0000-4000-8000-0000000005d1', 'castco', 'chunks');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-0000000005d0', '00000000-0000-4000-8000-0000000005d1');
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000005d2', '00000000-0000-4000-8000-0000000005d0', 'manual', 7,
        array['repository', 'pull_requests']);

create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
create function pg_temp.prs(first_id int, n int) returns jsonb language sql as $$
  select jsonb_build_object('pull_requests', jsonb_agg(jsonb_build_object('id', 52000 + g, 'node_id', 'PR_' || (52000 + g),
    'repository_id', 5205, 'number', g, 'title', 'PR ' || g, 'state', 'OPEN', 'is_draft', false, 'created_at', '2026-11-01T00:00:00Z')))
  from generate_series(first_id, first_id + n - 1) g $$;
create function pg_temp.commit(p_type text, p_from text, p_to text, p_done boolean, p_rows jsonb, p_items int) returns text
language sql as $$
  select engine.commit_backfill_chunk((select task_id from c), p_type, (select msg_id from c), p_from, p_to, p_done,
    p_rows, p_items, 20, 1, 300, (select claim_id from c)) $$;
create temp view progress_broadcasts as
select payload ->> 'data_type' as data_type, (payload ->> 'items_done')::int as items_done, (payload ->> 'done')::boolean as done
from realtime.messages
where topic = 'workspace:00000000-0000-4000-8000-0000000005d0:backfill' and event = 'backfill_progress';

select is(pg_temp.commit('repository', null, null, true,
  '{"repository": {"id": 5205, "node_id": "R_5205", "owner": "castco", "name": "chunks", "full_name": "castco/chunks", "stargazer_count": 0, "fork_count": 0, "is_private": false}}'::jsonb, 1),
  'committed', 'chunk 1 (repository) commits');
select is(pg_temp.commit('pull_requests', null, 'c1', false, pg_temp.prs(1, 10), 10), 'committed', 'chunk 2 (10 PRs) commits');

-- A chunk whose transaction fails after the commit function ran (the worker died, the
-- connection broke): everything it wrote goes, its broadcast included.
savepoint doomed;
select pg_temp.commit('pull_requests', 'c1', 'c2', false, pg_temp.prs(11, 7), 7);
rollback to savepoint doomed;

select is(pg_temp.commit('pull_requests', 'c1', null, true, pg_temp.prs(11, 5), 5), 'task_completed',
  'the redelivered chunk 3 (5 PRs) resumes from the stored cursor and completes the task');
select bag_eq($$ select data_type, items_done, done from progress_broadcasts $$,
  $$ values ('repository'::text, 1, true), ('pull_requests', 10, false), ('pull_requests', 15, true) $$,
  'one backfill_progress per committed chunk, each with the items done after it, none of the rolled-back chunk');
select is((select count(*)::int from public.pull_requests where repository_id = 5205), 15,
  'the stored rows are those of the committed chunks');

select * from finish();
rollback;
