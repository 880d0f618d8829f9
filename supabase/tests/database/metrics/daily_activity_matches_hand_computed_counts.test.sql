-- The daily activity refresh counts commits, line changes, authors, PRs, issues, stars and forks
-- per UTC day exactly as computed by hand from a small fixed dataset.
begin;
select plan(5);
\ir _dataset.psql

-- 2026-03-10: 3 commits (ada twice, one by an unlinked "ghost"), +16/-3, 4 files, 2 authors;
--             PRs A and B opened; issue 1 opened; 4 stars.
-- 2026-03-11: 1 commit by grace, +7/-7, 3 files; PR C opened, A merged, B closed unmerged;
--             issue 1 closed, issue 2 opened; 6 stars; a fork at 23:30 UTC.
-- 2026-03-12: a fork at 00:10 UTC (the next UTC day).
insert into public.commits (repository_id, sha, author_id, author_name, committed_at, additions, deletions, changed_files) values
  (5001, repeat('1', 40), 901, 'Ada', '2026-03-10T09:00:00Z', 10, 2, 1),
  (5001, repeat('2', 40), 901, 'Ada', '2026-03-10T18:00:00Z', 5, 0, 2),
  (5001, repeat('3', 40), null, 'ghost', '2026-03-10T23:59:59Z', 1, 1, 1),
  (5001, repeat('4', 40), 902, 'Grace', '2026-03-11T00:00:00Z', 7, 7, 3);
insert into public.pull_requests (id, node_id, repository_id, number, title, state, author_id, created_at, closed_at, merged_at) values
  (50011, 'PR_50011', 5001, 1, 'A', 'MERGED', 901, '2026-03-10T08:00:00Z', '2026-03-11T08:00:00Z', '2026-03-11T08:00:00Z'),
  (50012, 'PR_50012', 5001, 2, 'B', 'CLOSED', 902, '2026-03-10T08:00:00Z', '2026-03-11T09:00:00Z', null),
  (50013, 'PR_50013', 5001, 3, 'C', 'OPEN', 902, '2026-03-11T08:00:00Z', null, null);
insert into public.issues (id, node_id, repository_id, number, title, state, created_at, closed_at) values
  (50021, 'I_50021', 5001, 4, 'one', 'CLOSED', '2026-03-10T10:00:00Z', '2026-03-11T10:00:00Z'),
  (50022, 'I_50022', 5001, 5, 'two', 'OPEN', '2026-03-11T10:00:00Z', null);
insert into public.star_history (repository_id, day, stars) values (5001, '2026-03-10', 4), (5001, '2026-03-11', 6);
insert into public.forks (id, repository_id, full_name, created_at) values
  (50031, 5001, 'x/rockets', '2026-03-11T23:30:00Z'),
  (50032, 5001, 'y/rockets', '2026-03-12T00:10:00Z');

select is(private.refresh_daily_activity_metrics(), 3, 'the refresh recomputes the three days the writes touched');

select results_eq(
  $$ select commits_count, additions, deletions, files_changed, unique_authors, prs_opened, prs_merged,
            prs_closed, issues_opened, issues_closed, stars, forks
     from public.daily_activity_metrics where repository_id = 5001 and date = '2026-03-10' $$,
  $$ values (3, 16, 3, 4, 2, 2, 0, 0, 1, 0, 4, 0) $$,
  '2026-03-10 has 3 commits, +16/-3 in 4 files by 2 authors, 2 PRs opened, 1 issue opened, 4 stars');

select results_eq(
  $$ select commits_count, additions, deletions, files_changed, unique_authors, prs_opened, prs_merged,
            prs_closed, issues_opened, issues_closed, stars, forks
     from public.daily_activity_metrics where repository_id = 5001 and date = '2026-03-11' $$,
  $$ values (1, 7, 7, 3, 1, 1, 1, 1, 1, 1, 6, 1) $$,
  '2026-03-11 has 1 commit, PR C opened, A merged, B closed unmerged, one issue each way, 6 stars, 1 fork');

select results_eq(
  $$ select commits_count, prs_opened, forks from public.daily_activity_metrics
     where repository_id = 5001 and date = '2026-03-12' $$,
  $$ values (0, 0, 1) $$,
  'a fork at 00:10 UTC counts on the next UTC day');

select is((select count(*)::int from private.daily_activity_dirty_days), 0,
  'no day is left to refresh afterwards');

select * from finish();
rollback;
