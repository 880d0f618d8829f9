-- Content is stored once per repository and shared; each reader sees it through their own
-- workspaces. Tried as the tenants sharing it would:
--   public acme/shared (9001) is tracked by 'paid' (365 days) and 'free' (30 days); each content
--   table has a row from 10 days ago and one from 100 days ago;
--   private acme/secret (9002) is tracked by 'granted' (its own token fetched it: a grant) and by
--   'ungranted' (none); each content table has a row from 10 days ago;
--   users: paid_m, free_m, granted_m, ungranted_m, and both_m (member of 'free' and 'paid').
begin;
select plan(7 * 11 + 9);

select tests.create_supabase_user(u) from unnest(array['paid_m', 'free_m', 'granted_m', 'ungranted_m', 'both_m']) u;
insert into public.workspaces (id, slug, name, tier, retention_days) values
  ('00000000-0000-4000-8000-0000000e0001', 'paid', 'Paid', 'pro', 365),
  ('00000000-0000-4000-8000-0000000e0002', 'free', 'Free', 'free', 30),
  ('00000000-0000-4000-8000-0000000e0003', 'granted', 'Granted', 'team', 180),
  ('00000000-0000-4000-8000-0000000e0004', 'ungranted', 'Ungranted', 'team', 180);
insert into public.workspace_members (workspace_id, user_id, role) values
  ('00000000-0000-4000-8000-0000000e0001', tests.get_supabase_uid('paid_m'), 'member'),
  ('00000000-0000-4000-8000-0000000e0002', tests.get_supabase_uid('free_m'), 'member'),
  ('00000000-0000-4000-8000-0000000e0003', tests.get_supabase_uid('granted_m'), 'member'),
  ('00000000-0000-4000-8000-0000000e0004', tests.get_supabase_uid('ungranted_m'), 'owner'),
  ('00000000-0000-4000-8000-0000000e0001', tests.get_supabase_uid('both_m'), 'member'),
  ('00000000-0000-4000-8000-0000000e0002', tests.get_supabase_uid('both_m'), 'member');
insert into public.repositories (id, node_id, owner, name, full_name, is_private) values
  (9001, 'R_9001', 'acme', 'shared', 'acme/shared', false),
  (9002, 'R_9002', 'acme', 'secret', 'acme/secret', true);
insert into public.tracked_repositories (id, owner, name, repository_id, status) values
  ('00000000-0000-4000-8000-0000000f9001', 'acme', 'shared', 9001, 'active'),
  ('00000000-0000-4000-8000-0000000f9002', 'acme', 'secret', 9002, 'active');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values
  ('00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000f9001'),
  ('00000000-0000-4000-8000-0000000e0002', '00000000-0000-4000-8000-0000000f9001'),
  ('00000000-0000-4000-8000-0000000e0003', '00000000-0000-4000-8000-0000000f9002'),
  ('00000000-0000-4000-8000-0000000e0004', '00000000-0000-4000-8000-0000000f9002');
insert into engine.github_tokens (id, label, vault_secret_id, workspace_id)
values ('00000000-0000-4000-8000-0000000a0003', 'workspace:granted', gen_random_uuid(), '00000000-0000-4000-8000-0000000e0003');
insert into public.repository_access_grants (workspace_id, repository_id, token_id)
values ('00000000-0000-4000-8000-0000000e0003', 9002, '00000000-0000-4000-8000-0000000a0003');

-- One author per (repository, age): 1 = shared recent, 2 = shared old, 3 = secret recent.
insert into public.contributors (id, node_id, login) values (1, 'U1', 'recent'), (2, 'U2', 'old'), (3, 'U3', 'insider');
create temp table ages (repo bigint, author bigint, at timestamptz, k int);
insert into ages values (9001, 1, now() - interval '10 days', 1), (9001, 2, now() - interval '100 days', 2),
                        (9002, 3, now() - interval '10 days', 3);
insert into public.pull_requests (id, node_id, repository_id, number, title, state, author_id, created_at)
select 100 + k, 'PR' || k, repo, k, 't', 'OPEN', author, at from ages;
insert into public.reviews (id, node_id, repository_id, pull_request_id, author_id, state, submitted_at)
select 200 + k, 'RV' || k, repo, 100 + k, author, 'APPROVED', at from ages;
insert into public.issues (id, node_id, repository_id, number, title, state, author_id, created_at)
select 300 + k, 'I' || k, repo, 10 + k, 't', 'OPEN', author, at from ages;
insert into public.issue_comments (id, node_id, repository_id, issue_id, author_id, body, created_at)
select 400 + k, 'IC' || k, repo, 300 + k, author, 'b', at from ages;
insert into public.review_comments (id, node_id, repository_id, pull_request_id, review_id, author_id, path, body, created_at)
select 500 + k, 'RC' || k, repo, 100 + k, 200 + k, author, 'a', 'b', at from ages;
insert into public.discussions (id, node_id, repository_id, number, title, author_id, created_at)
select 600 + k, 'D' || k, repo, 20 + k, 't', author, at from ages;
insert into public.discussion_comments (id, node_id, repository_id, discussion_id, author_id, body, created_at)
select 700 + k, 'DC' || k, repo, 600 + k, author, 'b', at from ages;
insert into public.commits (repository_id, sha, author_id, committed_at)
select repo, repeat(k::text, 40), author, at from ages;
insert into public.star_history (repository_id, day, stars) select repo, (at at time zone 'utc')::date, 1 from ages;
insert into public.forks (id, repository_id, full_name, owner_login, created_at) select 800 + k, repo, 'f/' || k, 'f', at from ages;
insert into public.daily_activity_metrics (repository_id, date, commits_count) select repo, (at at time zone 'utc')::date, 1 from ages;

create temp table tap_out (n serial, line text);
grant all on tap_out to public;
grant all on sequence tap_out_n_seq to public;
create temp table expected (who text, shared_rows int, secret_rows int);
-- paid reads both ages of acme/shared; free only the recent one; a member of both the longest.
insert into expected values ('paid_m', 2, 0), ('free_m', 1, 0), ('both_m', 2, 0), ('granted_m', 0, 1), ('ungranted_m', 0, 0);
grant select on expected to public;

do $$
declare
  t text;
  e record;
  got_shared int;
  got_secret int;
begin
  foreach t in array array['pull_requests', 'reviews', 'issues', 'issue_comments', 'review_comments', 'discussions',
                           'discussion_comments', 'commits', 'star_history', 'forks', 'daily_activity_metrics'] loop
    for e in select * from expected order by who loop
      perform tests.authenticate_as(e.who);
      execute format('select count(*) filter (where repository_id = 9001)::int, count(*) filter (where repository_id = 9002)::int from public.%I', t)
        into got_shared, got_secret;
      perform set_config('role', 'postgres', true);
      insert into tap_out (line) select is(array[got_shared, got_secret], array[e.shared_rows, e.secret_rows],
        format('%s reads %s row(s) of the public repository and %s of the private one in public.%s', e.who, e.shared_rows, e.secret_rows, t));
    end loop;
  end loop;
end
$$;
-- Per table, two more: nobody outside reads anything, the service role reads everything.
do $$
declare t text; n int;
begin
  foreach t in array array['pull_requests', 'reviews', 'issues', 'issue_comments', 'review_comments', 'discussions',
                           'discussion_comments', 'commits', 'star_history', 'forks', 'daily_activity_metrics'] loop
    perform tests.create_supabase_user('stranger_' || t);
    perform tests.authenticate_as('stranger_' || t);
    execute format('select count(*)::int from public.%I', t) into n;
    perform set_config('role', 'postgres', true);
    insert into tap_out (line) select is(n, 0, format('a stranger reads nothing of public.%s', t));
    perform tests.authenticate_as_service_role();
    execute format('select count(*)::int from public.%I', t) into n;
    perform set_config('role', 'postgres', true);
    insert into tap_out (line) select is(n, 3, format('the service role reads every row of public.%s', t));
  end loop;
end
$$;
select line from tap_out order by n;

select tests.authenticate_as('ungranted_m');
select is((select count(*)::int from public.repositories where id = 9002), 0,
  'a workspace without a grant does not even see the private repository''s metadata');
select results_eq($$ select login from public.contributors order by login $$, $$ select 'x'::text where false $$,
  'it sees no contributor of the private repository');
select tests.authenticate_as('granted_m');
select is((select count(*)::int from public.repositories where id = 9002), 1, 'the granted workspace sees the private repository');
select results_eq($$ select login::text from public.contributors order by login $$, $$ values ('insider'::text) $$,
  'the granted workspace sees the private repository''s contributor');
select tests.authenticate_as('free_m');
select results_eq($$ select login::text from public.contributors order by login $$, $$ values ('recent'::text) $$,
  'the free workspace sees only the authors of rows inside its 30 days');
select throws_ok($$ select public.get_workspace_activity('00000000-0000-4000-8000-0000000e0002', 365) $$, '22023',
  'get_workspace_activity: a period of 365 days exceeds workspace free''s retention of 30 days',
  'the free workspace cannot ask for 365 days of activity');
select throws_ok($$ select * from public.get_star_fork_velocity('00000000-0000-4000-8000-0000000e0002', 90) $$, '22023',
  'get_star_fork_velocity: a period of 90 days exceeds workspace free''s retention of 30 days',
  'nor for 90 days of velocity');
select is((select previous_total from public.get_star_fork_velocity('00000000-0000-4000-8000-0000000e0002', 30) where metric = 'stars'), null,
  'its 30-day velocity compares no previous period: that lies outside its retention');
select tests.authenticate_as('both_m');
select is((public.get_workspace_activity('00000000-0000-4000-8000-0000000e0001', 365) ->> 'repositories')::int, 1,
  'the paid workspace asks for 365 days and gets its repository');

select * from finish();
rollback;
