-- Newest wins: a chunk carrying an older copy of a PR, issue, discussion or comment (an addon job
-- that read it before a sync stored a newer one) never replaces the newer row.
begin;
select plan(4);
insert into public.repositories (id, node_id, owner, name, full_name) values (9301, 'R_9301', 'acme', 'newest', 'acme/newest');
create function pg_temp.pr(p_state text, p_updated timestamptz) returns jsonb language sql as $$
  select jsonb_build_object('pull_requests', jsonb_build_array(jsonb_build_object('id', 93011, 'node_id', 'PR_93011',
    'repository_id', 9301, 'number', 1, 'title', 'A ' || p_state, 'state', p_state, 'is_draft', false, 'created_at', '2026-11-01T00:00:00Z',
    'updated_at', p_updated, 'closed_at', case when p_state <> 'OPEN' then p_updated end))) $$;

select engine.upsert_github_rows(pg_temp.pr('CLOSED', '2026-11-20T10:00:00Z'));
select engine.upsert_github_rows(pg_temp.pr('OPEN', '2026-11-10T10:00:00Z'));
select results_eq($$ select state, updated_at from public.pull_requests where id = 93011 $$,
  $$ values ('CLOSED'::text, '2026-11-20T10:00:00Z'::timestamptz) $$, 'an older copy of a closed PR does not reopen it');
select engine.upsert_github_rows(pg_temp.pr('MERGED', '2026-11-21T10:00:00Z'));
select is((select state from public.pull_requests where id = 93011), 'MERGED', 'a newer copy replaces it');

select engine.upsert_github_rows(jsonb_build_object('issue_comments', jsonb_build_array(jsonb_build_object('id', 93021,
  'node_id', 'IC_93021', 'repository_id', 9301, 'pull_request_id', 93011, 'body', 'edited', 'created_at', '2026-11-02T00:00:00Z',
  'updated_at', '2026-11-22T00:00:00Z'))));
select engine.upsert_github_rows(jsonb_build_object('issue_comments', jsonb_build_array(jsonb_build_object('id', 93021,
  'node_id', 'IC_93021', 'repository_id', 9301, 'pull_request_id', 93011, 'body', 'original', 'created_at', '2026-11-02T00:00:00Z',
  'updated_at', '2026-11-02T00:00:00Z'))));
select is((select body from public.issue_comments where id = 93021), 'edited', 'an older copy of a comment does not undo its edit');
select engine.upsert_github_rows(jsonb_build_object('issue_comments', jsonb_build_array(jsonb_build_object('id', 93021,
  'node_id', 'IC_93021', 'repository_id', 9301, 'pull_request_id', 93011, 'body', 'edited', 'created_at', '2026-11-02T00:00:00Z',
  'updated_at', '2026-11-22T00:00:00Z'))));
select is((select count(*)::int from public.issue_comments where id = 93021), 1, 'the same copy again is idempotent');

select * from finish();
rollback;
