-- Shared fixture (included with \ir, run as postgres inside the test's transaction):
-- workspace acme (owner, admin, member) tracks acme/widgets (repo 1001); workspace globex
-- (other_owner) tracks globex/gadgets (repo 2002); outsider belongs to no workspace.
-- Every table holds one row for each workspace or repository, so "sees only their own" is
-- a count of 1 and the service role's count is 2.

select tests.create_supabase_user('owner');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('member');
select tests.create_supabase_user('outsider');
select tests.create_supabase_user('other_owner');

-- Both have the Extended Data Retention addon (below), so both read 365 days of content.
insert into public.workspaces (id, slug, name, tier, retention_days) values
  ('00000000-0000-4000-8000-00000000000a', 'acme', 'Acme', 'pro', 365),
  ('00000000-0000-4000-8000-00000000000b', 'globex', 'Globex', 'free', 365);

insert into public.workspace_members (workspace_id, user_id, role) values
  ('00000000-0000-4000-8000-00000000000a', tests.get_supabase_uid('owner'), 'owner'),
  ('00000000-0000-4000-8000-00000000000a', tests.get_supabase_uid('admin'), 'admin'),
  ('00000000-0000-4000-8000-00000000000a', tests.get_supabase_uid('member'), 'member'),
  ('00000000-0000-4000-8000-00000000000b', tests.get_supabase_uid('other_owner'), 'owner');

insert into public.repositories (id, node_id, owner, name, full_name) values
  (1001, 'R_1001', 'acme', 'widgets', 'acme/widgets'),
  (2002, 'R_2002', 'globex', 'gadgets', 'globex/gadgets');

insert into public.tracked_repositories (id, owner, name, repository_id, status) values
  ('00000000-0000-4000-8000-0000000000c1', 'acme', 'widgets', 1001, 'active'),
  ('00000000-0000-4000-8000-0000000000c2', 'globex', 'gadgets', 2002, 'active');

insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, added_by) values
  ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', tests.get_supabase_uid('owner')),
  ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000c2', tests.get_supabase_uid('other_owner'));

insert into public.polar_subscriptions (id, workspace_id, customer_id, product_id, status) values
  ('sub_acme', '00000000-0000-4000-8000-00000000000a', 'cus_acme', 'prod_retention', 'active'),
  ('sub_globex', '00000000-0000-4000-8000-00000000000b', 'cus_globex', 'prod_retention', 'active');
insert into public.subscription_addons (workspace_id, subscription_id, addon_type, product_id, retention_days) values
  ('00000000-0000-4000-8000-00000000000a', 'sub_acme', 'extended_retention', 'prod_retention', 365),
  ('00000000-0000-4000-8000-00000000000b', 'sub_globex', 'extended_retention', 'prod_retention', 365);

insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, status, total_tasks, started_at) values
  ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-00000000000a', 'manual', 90,
   array['pull_requests', 'issues'], 'running', 1, now() - interval '100 seconds'),
  ('00000000-0000-4000-8000-0000000000d2', '00000000-0000-4000-8000-00000000000b', 'addon', 365,
   array['pull_requests'], 'pending', 1, null);
-- The engine's fan-out trigger (if installed) has created tasks; replace them with known ones.
-- (Not a deletion the engine should see: deleted unfinished tasks would count as cancelled and
-- end the jobs. The trigger is off for this transaction only.)
alter table public.backfill_tasks disable trigger tg_backfill_tasks__after_delete;
delete from public.backfill_tasks
where job_id in ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000d2');
alter table public.backfill_tasks enable trigger tg_backfill_tasks__after_delete;
insert into public.backfill_tasks (job_id, workspace_id, tracked_repository_id, repository_id, status, started_at) values
  ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', 1001, 'running', now() - interval '100 seconds'),
  ('00000000-0000-4000-8000-0000000000d2', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-0000000000c2', 2002, 'pending', null);
insert into public.backfill_progress (task_id, data_type, status, items_done, estimated_total)
select t.id, 'pull_requests', 'running', 250, 500 from public.backfill_tasks t;
-- Engine triggers may have reset the status on insert; acme's job is running.
update public.backfill_jobs set status = 'running', started_at = now() - interval '100 seconds'
where id = '00000000-0000-4000-8000-0000000000d1';

insert into public.contributors (id, node_id, login) values (1, 'U_1', 'alice'), (2, 'U_2', 'bob');

insert into public.pull_requests (id, node_id, repository_id, number, title, state, author_id, created_at) values
  (11, 'PR_11', 1001, 1, 'Add widgets', 'MERGED', 1, '2026-01-01'),
  (22, 'PR_22', 2002, 1, 'Add gadgets', 'OPEN', 2, '2026-02-01');
insert into public.reviews (id, node_id, repository_id, pull_request_id, author_id, state, submitted_at) values
  (111, 'PRR_111', 1001, 11, 2, 'APPROVED', '2026-01-02'),
  (222, 'PRR_222', 2002, 22, 1, 'COMMENTED', '2026-02-02');
insert into public.issues (id, node_id, repository_id, number, title, state, author_id, created_at) values
  (31, 'I_31', 1001, 2, 'Widget bug', 'OPEN', 1, '2026-01-03'),
  (32, 'I_32', 2002, 2, 'Gadget bug', 'CLOSED', 2, '2026-02-03');
insert into public.issue_comments (id, node_id, repository_id, issue_id, author_id, body, created_at) values
  (41, 'IC_41', 1001, 31, 1, 'me too', '2026-01-04'),
  (42, 'IC_42', 2002, 32, 2, 'fixed', '2026-02-04');
insert into public.review_comments (id, node_id, repository_id, pull_request_id, review_id, author_id, path, body, created_at) values
  (51, 'RC_51', 1001, 11, 111, 2, 'a.ts', 'nit', '2026-01-02'),
  (52, 'RC_52', 2002, 22, 222, 1, 'b.ts', 'why?', '2026-02-02');
insert into public.discussions (id, node_id, repository_id, number, title, author_id, created_at) values
  (61, 'D_61', 1001, 3, 'Roadmap', 1, '2026-01-05'),
  (62, 'D_62', 2002, 3, 'Ideas', 2, '2026-02-05');
insert into public.discussion_comments (id, node_id, repository_id, discussion_id, author_id, body, created_at) values
  (71, 'DC_71', 1001, 61, 2, 'yes', '2026-01-06'),
  (72, 'DC_72', 2002, 62, 1, 'no', '2026-02-06');
insert into public.commits (repository_id, sha, author_id, committed_at) values
  (1001, repeat('a', 40), 1, '2026-01-07'),
  (2002, repeat('b', 40), 2, '2026-02-07');
insert into public.star_history (repository_id, day, stars) values (1001, '2026-01-08', 5), (2002, '2026-02-08', 7);
insert into public.forks (id, repository_id, full_name, owner_login, created_at) values
  (81, 1001, 'bob/widgets', 'bob', '2026-01-09'),
  (82, 2002, 'alice/gadgets', 'alice', '2026-02-09');
insert into public.daily_activity_metrics (repository_id, date, commits_count) values (1001, '2026-01-07', 1), (2002, '2026-02-07', 1);
insert into public.workspace_metrics_cache (workspace_id, period_days, metrics, expires_at) values
  ('00000000-0000-4000-8000-00000000000a', 30, '{}', now() + interval '1 hour'),
  ('00000000-0000-4000-8000-00000000000b', 30, '{}', now() + interval '1 hour');

insert into public.notifications (user_id, workspace_id, kind, title)
select tests.get_supabase_uid(u), case when u = 'outsider' then null
                                      when u = 'other_owner' then '00000000-0000-4000-8000-00000000000b'::uuid
                                      else '00000000-0000-4000-8000-00000000000a'::uuid end,
       'backfill_completed', 'Backfill finished'
from unnest(array['owner', 'admin', 'member', 'outsider', 'other_owner']) u;

-- Assertions made inside DO blocks land here and are printed by a final select.
create temp table tap_out (n serial, line text);
grant all on tap_out to public;
grant all on sequence tap_out_n_seq to public;

-- Identities of the matrix, in column order.
create temp table identities (ord int, who text);
insert into identities values (1, 'anon'), (2, 'outsider'), (3, 'member'), (4, 'admin'), (5, 'owner'), (6, 'service_role');
grant select on identities to public;

-- Switches the current identity the way PostgREST would; 'postgres' goes back to the superuser.
create function pg_temp.become(who text) returns void
language plpgsql as $$
begin
  perform set_config('role', 'postgres', true);
  perform set_config('request.jwt.claims', '', true);
  case who
    when 'postgres' then null;
    when 'anon' then perform tests.clear_authentication();
    when 'service_role' then perform tests.authenticate_as_service_role();
    else perform tests.authenticate_as(who);
  end case;
end
$$;
grant execute on function pg_temp.become(text) to public;
