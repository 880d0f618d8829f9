-- Distinct contributors come from a rollup the refresh keeps (who was active on which repository
-- day, and each person's last active day per repository); updates move a person's day, deletes
-- (retention) drop the days no remaining commit or opened PR supports, and the RPC's count equals
-- the raw rows' count.
begin;
select plan(6);
\ir _dataset.psql
insert into public.contributors (id, node_id, login) values (903, 'U_903', 'linus');

insert into public.commits (repository_id, sha, author_id, committed_at) values
  (5001, repeat('a', 40), 901, now() - interval '2 days'),
  (5001, repeat('b', 40), 902, now() - interval '10 days'),
  (5001, repeat('c', 40), null, now()),
  (5002, repeat('d', 40), 903, now() - interval '40 days');
insert into public.pull_requests (id, node_id, repository_id, number, title, state, author_id, created_at) values
  (50061, 'PR_50061', 5002, 1, 'x', 'OPEN', 902, now() - interval '1 day'),
  (50062, 'PR_50062', 5001, 2, 'y', 'OPEN', 902, now() - interval '10 days');
select private.refresh_daily_activity_metrics();

select set_eq(
  $$ select repository_id, contributor_id, last_active_on from private.repository_contributors where repository_id in (5001, 5002) $$,
  $$ values (5001::bigint, 901::bigint, private.utc_day(now() - interval '2 days')),
            (5001, 902, private.utc_day(now() - interval '10 days')),
            (5002, 902, private.utc_day(now() - interval '1 day')),
            (5002, 903, private.utc_day(now() - interval '40 days')) $$,
  'each person''s last active day per repository comes from their commits and opened PRs, authorless commits aside');

update public.commits set committed_at = now() - interval '5 days' where sha = repeat('a', 40);
select private.refresh_daily_activity_metrics();
select is((select last_active_on from private.repository_contributors where repository_id = 5001 and contributor_id = 901),
  private.utc_day(now() - interval '5 days'), 'a commit moved to another day moves its author''s day with it');

delete from public.commits where sha = repeat('b', 40);
select is((select count(*)::int from private.daily_contributors where repository_id = 5001 and contributor_id = 902), 1,
  'deleting a commit keeps the day when the same person opened a PR that day');
delete from public.commits where sha in (repeat('a', 40), repeat('d', 40));
select set_eq($$ select repository_id, contributor_id from private.repository_contributors where repository_id in (5001, 5002) $$,
  $$ values (5001::bigint, 902::bigint), (5002, 902) $$,
  'deleting a person''s only rows (as retention does) removes them from the rollup at once');

-- (Deletes do not refresh the workspace cache; the next refresh does. Read past it here.)
delete from public.workspace_metrics_cache;
select tests.authenticate_as('member5');
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 7) ->> 'contributors')::int, 1,
  'one person committed or opened a PR in the last 7 days');
select tests.authenticate_as_service_role();
select is((public.get_workspace_activity('00000000-0000-4000-8000-000000000501', 30) ->> 'contributors')::int,
  (select count(distinct a)::int from (
     select author_id a from public.commits where repository_id in (5001, 5002)
       and committed_at >= (private.utc_day(now()) - 29)::timestamp at time zone 'utc'
     union select author_id from public.pull_requests where repository_id in (5001, 5002)
       and created_at >= (private.utc_day(now()) - 29)::timestamp at time zone 'utc') x where a is not null),
  'the 30-day contributor count equals the distinct authors of the raw rows');

select * from finish();
rollback;
