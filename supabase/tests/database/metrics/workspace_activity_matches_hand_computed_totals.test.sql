-- Workspace activity sums the daily metrics of the workspace's repositories over the period,
-- compares with the period before, and counts distinct contributors.
begin;
select plan(6);
\ir _dataset.psql

insert into public.commits (repository_id, sha, author_id, committed_at) values
  (5001, repeat('5', 40), 901, now()), (5002, repeat('6', 40), 901, now() - interval '1 day'),
  (5001, repeat('7', 40), 902, now() - interval '20 days');
insert into public.pull_requests (id, node_id, repository_id, number, title, state, author_id, created_at) values
  (50051, 'PR_50051', 5002, 9, 'x', 'OPEN', 902, now() - interval '2 days');
-- The refresh derives the contributors from these rows; the daily totals are then replaced by
-- the hand-made ones below (and the cache the refresh filled is dropped).
select private.refresh_daily_activity_metrics();
delete from public.daily_activity_metrics where repository_id in (5001, 5002, 5003);
delete from public.workspace_metrics_cache;

-- Period 7: current = today-6 .. today; previous = today-13 .. today-7.
insert into public.daily_activity_metrics (repository_id, date, commits_count, additions, prs_opened, prs_merged, issues_opened, stars, forks)
select r, private.utc_day(now()) - d, c, a, po, pm, io, s, f from (values
  (5001, 0, 3, 30, 1, 1, 2, 5, 1),
  (5002, 6, 2, 20, 1, 0, 0, 5, 0),    -- current: commits 5, additions 50, prs 2/1, issues 2, stars 10, forks 1
  (5001, 7, 4, 40, 0, 0, 1, 4, 0),    -- previous: commits 4, issues 1, stars 4, prs_opened 0
  (5001, 14, 99, 99, 9, 9, 9, 9, 9),  -- older than both
  (5003, 0, 50, 50, 5, 5, 5, 5, 5)    -- not in the workspace
) v(r, d, c, a, po, pm, io, s, f);

select tests.authenticate_as('member5');
create temp table a as select public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 7) as m;
grant select on a to public;

select results_eq(
  $$ select (m->>'commits')::int, (m->>'additions')::int, (m->>'prs_opened')::int, (m->>'prs_merged')::int,
            (m->>'issues_opened')::int, (m->>'stars')::int, (m->>'forks')::int, (m->>'active_repositories')::int from a $$,
  $$ values (5, 50, 2, 1, 2, 10, 1, 2) $$,
  'the current 7 days hold 5 commits, +50 lines, 2 PRs opened, 1 merged, 2 issues, 10 stars, 1 fork in 2 repositories');
select results_eq(
  $$ select (m#>>'{previous,commits}')::int, (m#>>'{previous,stars}')::int, (m#>>'{previous,issues_opened}')::int from a $$,
  $$ values (4, 4, 1) $$,
  'the previous 7 days hold 4 commits, 4 stars and 1 issue');
select results_eq(
  $$ select (m#>>'{percent_change,commits}')::numeric, (m#>>'{percent_change,stars}')::numeric,
            (m#>>'{percent_change,issues_opened}')::numeric from a $$,
  $$ values (25.0, 150.0, 100.0) $$,
  'commits +25%, stars +150%, issues +100% against the previous period');
select ok((select m #> '{percent_change,prs_opened}' = 'null'::jsonb from a),
  'PRs opened against an empty previous period has a null percent change, not +100%');
select is((select (m->>'contributors')::int from a), 2,
  'two distinct people committed or opened PRs in the period (ada twice counts once)');
select is((select (m->>'repositories')::int from a), 2, 'the workspace has two repositories');

select * from finish();
rollback;
