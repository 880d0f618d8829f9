-- A repository shared by a 30-day and a 90-day workspace keeps 90 days of content; one tracked
-- only by the 30-day workspace keeps 30; one tracked by nobody is left alone.
begin;
select plan(8);
\ir _dataset.psql

insert into public.pull_requests (id, node_id, repository_id, number, title, state, created_at, updated_at) values
  (60011, 'PR_60011', 6001, 1, '60 days old', 'OPEN', now() - interval '60 days', now() - interval '60 days'),
  (60012, 'PR_60012', 6001, 2, '100 days old', 'OPEN', now() - interval '100 days', now() - interval '100 days'),
  (60013, 'PR_60013', 6001, 3, 'old but updated last week', 'OPEN', now() - interval '200 days', now() - interval '7 days'),
  (60021, 'PR_60021', 6002, 1, '60 days old', 'OPEN', now() - interval '60 days', now() - interval '60 days'),
  (60022, 'PR_60022', 6002, 2, '10 days old', 'OPEN', now() - interval '10 days', now() - interval '10 days'),
  (60031, 'PR_60031', 6003, 1, '500 days old', 'OPEN', now() - interval '500 days', now() - interval '500 days');
insert into public.issue_comments (id, node_id, repository_id, pull_request_id, body, created_at) values
  (60041, 'IC_60041', 6001, 60013, 'old comment on a live PR', now() - interval '150 days'),
  (60042, 'IC_60042', 6001, 60013, 'recent comment', now() - interval '8 days');
insert into public.star_history (repository_id, day, stars) values
  (6001, private.utc_day(now()) - 95, 1), (6001, private.utc_day(now()) - 85, 2),
  (6002, private.utc_day(now()) - 35, 3), (6002, private.utc_day(now()) - 25, 4);

select results_eq($$ select repository_id, retention_days from private.repository_retention_cutoffs
                     where repository_id between 6001 and 6003 order by 1 $$,
  $$ values (6001::bigint, 90), (6002::bigint, 30) $$,
  'the shared repository takes the longer 90 days, the solo one 30, the untracked one none');

select is(private.delete_expired_content(5000), 5, 'one call deletes the five expired rows');

select set_eq($$ select id from public.pull_requests where repository_id in (6001, 6002, 6003) $$,
  $$ values (60011::bigint), (60013::bigint), (60022::bigint), (60031::bigint) $$,
  'PRs inside the longest retention, recently updated, or of an untracked repository stay');
select set_eq($$ select id from public.issue_comments where repository_id = 6001 $$, $$ values (60042::bigint) $$,
  'an old comment goes even when its PR stays; the recent one stays');
select set_eq($$ select stars from public.star_history where repository_id in (6001, 6002) $$, $$ values (2), (4) $$,
  'star days older than each repository''s cutoff go');

select set_eq($$ select table_name, repository_id, retention_days, rows_deleted from engine.retention_deletions $$,
  $$ values ('pull_requests', 6001::bigint, 90, 1), ('pull_requests', 6002::bigint, 30, 1),
            ('issue_comments', 6001::bigint, 90, 1), ('star_history', 6001::bigint, 90, 1),
            ('star_history', 6002::bigint, 30, 1) $$,
  'every deletion is recorded with its table, repository, retention and count');
select is((select sum(rows_deleted)::int from engine.retention_deletions), 5,
  'the log accounts for every row deleted directly (plus none hidden in cascades)');

select is(private.delete_expired_content(5000), 0, 'a second run finds nothing more to delete');

select * from finish();
rollback;
