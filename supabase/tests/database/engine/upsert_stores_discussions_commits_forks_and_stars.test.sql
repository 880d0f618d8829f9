begin;
select plan(9);

select is(engine.supported_data_types(),
  array['repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks'],
  'The worker fetches every data type a job may ask for, so the fan-out skips none.');

-- A reply listed before the comment it replies to: the parent_id key holds at the statement's end.
select is(engine.upsert_github_rows($$ {
  "repository": {"id": 990001, "node_id": "R_t1", "owner": "t", "name": "dt", "full_name": "t/dt",
                 "stargazer_count": 3, "fork_count": 1, "is_private": false, "github_created_at": "2025-01-01T00:00:00Z"},
  "contributors": [{"id": 990101, "node_id": "U_t1", "login": "ann", "type": "User"}],
  "discussions": [{"id": 990201, "node_id": "D_t1", "repository_id": 990001, "number": 1, "title": "hi",
                   "author_id": 990101, "created_at": "2026-11-01T00:00:00Z"}],
  "discussion_comments": [
    {"id": 990302, "node_id": "DC_t2", "repository_id": 990001, "discussion_id": 990201, "parent_id": 990301,
     "created_at": "2026-11-02T00:00:00Z"},
    {"id": 990301, "node_id": "DC_t1", "repository_id": 990001, "discussion_id": 990201, "parent_id": null,
     "author_id": 990101, "created_at": "2026-11-01T01:00:00Z"}],
  "commits": [{"repository_id": 990001, "sha": "0123456789abcdef0123456789abcdef01234567", "author_id": 990101,
               "author_name": "Ann", "committed_at": "2026-11-03T00:00:00Z", "additions": 5, "deletions": 2,
               "changed_files": 1, "message_headline": "fix"}],
  "forks": [{"id": 990401, "repository_id": 990001, "full_name": "bob/dt", "owner_login": "bob",
             "created_at": "2026-11-04T00:00:00Z"}],
  "star_history": [{"repository_id": 990001, "day": "2026-11-05", "stars": 2},
                   {"repository_id": 990001, "day": "2026-11-06", "stars": 0}]
} $$::jsonb), 5, 'The upsert counts discussions, commits, forks and star days as top-level items.');

select is((select parent_id from public.discussion_comments where id = 990302), 990301::bigint,
  'A reply is stored under the comment it replies to.');
select is((select parent_id from public.discussion_comments where id = 990301), null::bigint,
  'A top-level comment has no parent.');
select is((select additions from public.commits where sha = '0123456789abcdef0123456789abcdef01234567'), 5,
  'A commit is stored by repository and sha with its additions.');
select is((select created_at from public.forks where id = 990401), '2026-11-04T00:00:00Z'::timestamptz,
  'A fork is stored with its creation time.');
select is((select array_agg(stars order by day) from public.star_history where repository_id = 990001), array[2, 0],
  'One star_history row is stored per day, zero days included.');

-- The same chunk again (a redelivered message) changes counts, not row numbers.
select engine.upsert_github_rows($$ {
  "star_history": [{"repository_id": 990001, "day": "2026-11-05", "stars": 4}],
  "commits": [{"repository_id": 990001, "sha": "0123456789abcdef0123456789abcdef01234567", "author_id": 990101,
               "committed_at": "2026-11-03T00:00:00Z", "additions": 6}]
} $$::jsonb);
select is((select stars from public.star_history where repository_id = 990001 and day = '2026-11-05'), 4,
  'A star day upserted again takes the new count.');
select is((select count(*)::int from public.commits where repository_id = 990001), 1,
  'A commit upserted again stays one row.');

select * from finish();
rollback;
