-- The status views against hand-computed expectations: percent over non-skipped data types
-- (failed repositories count as ended in the job), ETA from the observed rate and at least the
-- wait for the GitHub budget, and the last error of failures.
--
-- Job running 100 s, 400 points used; types repository, pull_requests, issues, discussions (skipped):
--   a (running 80 s, 320 points): repository 1/1 done, pull_requests 159/300, issues 0/?
--   b (failed):                   repository 1/1 done, pull_requests 39/100 failed, issues 0/? failed
--   c (pending):                  nothing yet
-- items 200 of 402 known; percent (1 + .53 + 0 + 1 + 1 + 1 + 0 + 0 + 0) / 9 = 50.3
-- remaining: a 141 PRs; c 1 (average repository estimate) + 200 (average PR estimate) = 342
-- rate 200 / 100 s = 2/s -> 171 s; cost 342 x (400 / 200) = 684 points.
begin;
select plan(16);
select tests.create_supabase_user('member');

insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000005f0', 'views-eta', 'Views ETA', 'pro');
insert into public.tracked_repositories (id, owner, name) values
  ('00000000-0000-4000-8000-0000000005fa', 'acme-v', 'a'),
  ('00000000-0000-4000-8000-0000000005fb', 'acme-v', 'b'),
  ('00000000-0000-4000-8000-0000000005fc', 'acme-v', 'c');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-0000000005f0', id from public.tracked_repositories where owner = 'acme-v';
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
values ('00000000-0000-4000-8000-0000000005f1', '00000000-0000-4000-8000-0000000005f0', 'manual', 90,
        array['repository', 'pull_requests', 'issues', 'discussions']);

create temp table tk as
select t.id, tr.name from public.backfill_tasks t join public.tracked_repositories tr on tr.id = t.tracked_repository_id
where t.job_id = '00000000-0000-4000-8000-0000000005f1';
grant select on tk to public;
update public.backfill_jobs set status = 'running', started_at = now() - interval '100 seconds', points_used = 400
where id = '00000000-0000-4000-8000-0000000005f1';
update public.backfill_tasks set status = 'running', started_at = now() - interval '80 seconds', points_used = 320
where id = (select id from tk where name = 'a');
update public.backfill_tasks set status = 'failed', finished_at = now() - interval '10 seconds',
  last_error = 'repository acme-v/b was not found or is not visible to the configured token: check the name or grant access, then retry'
where id = (select id from tk where name = 'b');
update public.backfill_progress p set status = v.status, items_done = v.done, estimated_total = v.est, last_error = v.err
from (values
  ('a', 'repository', 'completed', 1, 1, 'GitHub returned 502; retried'),
  ('a', 'pull_requests', 'running', 159, 300, null),
  ('a', 'issues', 'pending', 0, null, null),
  ('a', 'discussions', 'skipped', 0, null, null),
  ('b', 'repository', 'completed', 1, 1, null),
  ('b', 'pull_requests', 'failed', 39, 100, 'repository acme-v/b was not found'),
  ('b', 'issues', 'failed', 0, null, null),
  ('b', 'discussions', 'skipped', 0, null, null),
  ('c', 'repository', 'pending', 0, null, null),
  ('c', 'pull_requests', 'pending', 0, null, null),
  ('c', 'issues', 'pending', 0, null, null),
  ('c', 'discussions', 'skipped', 0, null, null)
) as v(name, data_type, status, done, est, err)
join tk on tk.name = v.name
where p.task_id = tk.id and p.data_type = v.data_type;

-- The only GitHub token: 2,000 points left, window resets in 600 s (reserve 1,000 -> 1,000 usable).
update engine.github_tokens set enabled = false;
insert into engine.github_tokens (id, label, vault_secret_id) values ('00000000-0000-0000-0000-0000000005f9', 'env:TEST_VIEWS_ETA', null);
insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining, reserved, reset_at)
values ('00000000-0000-0000-0000-0000000005f9', 'graphql', 5000, 2000, 0, now() + interval '600 seconds');

select tests.authenticate_as_service_role();

select results_eq(
  $$ select items_done, estimated_total, percent, eta_seconds, eta_limited_by from public.backfill_job_status
     where job_id = '00000000-0000-4000-8000-0000000005f1' $$,
  $$ values (200::bigint, 402::bigint, 50.3::numeric(5,1), 171::bigint, 'observed_rate'::text) $$,
  'the job: 200 of 402 items, 50.3 % over the 9 non-skipped types, ETA 171 s at 2 items/s while the budget covers 684 points');
select is((select estimated_completion_at from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1'),
  now() + interval '171 seconds', 'the estimated completion is now plus the ETA');
select results_eq(
  $$ select r.full_name, r.percent, r.eta_seconds, r.eta_limited_by from public.backfill_repository_status r
     where r.job_id = '00000000-0000-4000-8000-0000000005f1' order by r.full_name $$,
  $$ values ('acme-v/a'::text, 51.0::numeric(5,1), 71::bigint, 'observed_rate'::text),
            ('acme-v/b', 46.3, null, null),
            ('acme-v/c', 0.0, null, null) $$,
  'repositories: a 51 % (1 + .53 + 0 of 3) with 141 PRs left at 2/s = 71 s; failed b got 46.3 %; pending c 0 %');

update engine.rate_limit_budgets set remaining = 1500 where token_id = '00000000-0000-0000-0000-0000000005f9';
select results_eq(
  $$ select eta_seconds, eta_limited_by from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1' $$,
  $$ values (601::bigint, 'github_budget'::text) $$,
  'with 500 usable points for 684 needed, the job''s ETA is the wait for the reset (600 s + 1 s margin)');
select is((select eta_seconds from public.backfill_repository_status r join tk on tk.id = r.task_id where tk.name = 'a'),
  71::bigint, 'repository a still needs only 282 points, which 500 usable points cover: 71 s');

update engine.rate_limit_budgets set remaining = 1000 where token_id = '00000000-0000-0000-0000-0000000005f9';
update public.backfill_jobs set points_used = 20000 where id = '00000000-0000-4000-8000-0000000005f1';
select is((select eta_seconds from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1'),
  601::bigint + 8 * 3600,
  'at 100 points per item, 34,200 points with nothing usable need 9 windows of 4,000: the reset plus 8 hours');
select is((select eta_seconds from public.backfill_repository_status r join tk on tk.id = r.task_id where tk.name = 'a'),
  601::bigint, 'with nothing usable, repository a waits for the reset too');

update engine.rate_limit_budgets set paused_until = now() + interval '900 seconds', reset_at = now() - interval '1 hour', remaining = 0
where token_id = '00000000-0000-0000-0000-0000000005f9';
update public.backfill_jobs set points_used = 400 where id = '00000000-0000-4000-8000-0000000005f1';
select is((select eta_seconds from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1'),
  900::bigint, 'a token paused by a secondary limit makes the ETA at least the end of the pause');

select results_eq(
  $$ select last_error, failed_repositories -> 0 ->> 'full_name', jsonb_array_length(failed_repositories)
     from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1' $$,
  $$ values ('repository acme-v/b was not found or is not visible to the configured token: check the name or grant access, then retry'::text,
             'acme-v/b'::text, 1) $$,
  'the job shows the failed repository''s message as its last error and lists it in failed_repositories');
select is((select last_error from public.backfill_repository_status r join tk on tk.id = r.task_id where tk.name = 'b'),
  'repository acme-v/b was not found or is not visible to the configured token: check the name or grant access, then retry',
  'the failed repository shows its last error');
select results_eq(
  $$ select d.data_type, d.status, d.percent, d.last_error from public.backfill_data_type_status d
     join tk on tk.id = d.task_id where tk.name in ('a', 'b') order by tk.name, d.data_type $$,
  $$ values ('discussions'::text, 'skipped'::text, null::numeric(5,1), null::text),
            ('issues', 'pending', 0.0, null),
            ('pull_requests', 'running', 53.0, null),
            ('repository', 'completed', 100.0, null),
            ('discussions', 'skipped', null, null),
            ('issues', 'failed', 0.0, null),
            ('pull_requests', 'failed', 39.0, 'repository acme-v/b was not found'),
            ('repository', 'completed', 100.0, null) $$,
  'data types: skipped ones have no percent; a completed type hides the error it recovered from; a failed one shows it');

update public.backfill_tasks set last_error = 'waiting for the GitHub rate limit: resumes after 12:00'
where id = (select id from tk where name = 'a');
update public.backfill_tasks set status = 'pending', last_error = null, finished_at = null where id = (select id from tk where name = 'b');
-- as retry_backfill does: failed types pending again, their errors cleared
update public.backfill_progress set status = 'pending', last_error = null where task_id = (select id from tk where name = 'b') and status = 'failed';
select is((select last_error from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1'),
  'waiting for the GitHub rate limit: resumes after 12:00',
  'without failures the job shows why a repository in progress is waiting');

update public.backfill_tasks set status = 'completed' where id = (select id from tk where name = 'a');
select is((select last_error from public.backfill_repository_status r join tk on tk.id = r.task_id where tk.name = 'a'),
  null, 'a completed repository shows no error');

update public.backfill_jobs set status = 'cancelled' where id = '00000000-0000-4000-8000-0000000005f1';
select ok((select percent < 100 and eta_seconds is null from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1'),
  'a cancelled job shows how far it got and no ETA');
update public.backfill_jobs set status = 'completed_with_errors' where id = '00000000-0000-4000-8000-0000000005f1';
select is((select percent from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1'),
  100.0::numeric(5,1), 'a job that ended with errors is 100 % done');

select tests.authenticate_as('member');
select is((select count(*)::int from public.backfill_job_status where job_id = '00000000-0000-4000-8000-0000000005f1'), 0,
  'the views stay security invoker: a member of another workspace sees nothing of this job');

select * from finish();
rollback;
