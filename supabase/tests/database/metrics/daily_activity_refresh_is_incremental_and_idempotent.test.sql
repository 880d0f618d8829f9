-- The refresh recomputes only the days a write touched (including the day an update moved a row
-- away from), and recomputing any day again changes nothing.
begin;
select plan(6);
\ir _dataset.psql

insert into public.pull_requests (id, node_id, repository_id, number, title, state, created_at) values
  (50013, 'PR_50013', 5001, 3, 'C', 'OPEN', '2026-03-11T08:00:00Z');
insert into public.commits (repository_id, sha, author_id, committed_at, additions, deletions, changed_files) values
  (5001, repeat('4', 40), 902, '2026-03-11T00:00:00Z', 7, 7, 3);
select private.refresh_daily_activity_metrics();
create temp table before_rows as select * from public.daily_activity_metrics where repository_id = 5001;

select is(private.refresh_daily_activity_metrics(), 0, 'a refresh with no new writes recomputes nothing');

update public.pull_requests set state = 'MERGED', merged_at = '2026-03-12T08:00:00Z', closed_at = '2026-03-12T08:00:00Z'
where id = 50013;
select set_eq($$ select date from private.daily_activity_dirty_days where repository_id = 5001 $$,
  $$ values ('2026-03-11'::date), ('2026-03-12'::date) $$,
  'merging a PR marks its opening day and its merge day, nothing else');
select is(private.refresh_daily_activity_metrics(), 2, 'the refresh recomputes just those two days');
select results_eq($$ select prs_opened, prs_merged, commits_count from public.daily_activity_metrics
                     where repository_id = 5001 and date = '2026-03-12' $$,
  $$ values (0, 1, 0) $$, 'the merge day now counts one merged PR');

create temp table after_rows as
select repository_id, date, commits_count, additions, deletions, files_changed, unique_authors, prs_opened,
       prs_merged, prs_closed, issues_opened, issues_closed, stars, forks
from public.daily_activity_metrics where repository_id = 5001;
select is(private.mark_daily_activity_dirty(5001, '2026-03-01', '2026-03-31'), 31, 'an operator can mark a whole month dirty');
select private.refresh_daily_activity_metrics();
select set_eq(
  $$ select repository_id, date, commits_count, additions, deletions, files_changed, unique_authors, prs_opened,
            prs_merged, prs_closed, issues_opened, issues_closed, stars, forks
     from public.daily_activity_metrics where repository_id = 5001 $$,
  $$ select * from after_rows $$,
  'recomputing the whole month gives the same rows and adds none for empty days');

select * from finish();
rollback;
