-- When a job ends, and when it is cancelled, its creator and every owner of the workspace get
-- one notification each (a creator who is an owner gets one), carrying the job and its status;
-- other members get none.
begin;
select plan(6);

select pgmq.purge_queue('backfill_recent');
select tests.create_supabase_user('notify_owner_1');
select tests.create_supabase_user('notify_owner_2');
select tests.create_supabase_user('notify_admin');
select tests.create_supabase_user('notify_member');
insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-000000000570', 'notify', 'Notify', 'pro');
insert into public.workspace_members (workspace_id, user_id, role) values
  ('00000000-0000-4000-8000-000000000570', tests.get_supabase_uid('notify_owner_1'), 'owner'),
  ('00000000-0000-4000-8000-000000000570', tests.get_supabase_uid('notify_owner_2'), 'owner'),
  ('00000000-0000-4000-8000-000000000570', tests.get_supabase_uid('notify_admin'), 'admin'),
  ('00000000-0000-4000-8000-000000000570', tests.get_supabase_uid('notify_member'), 'member');
insert into public.tracked_repositories (id, owner, name)
values ('00000000-0000-4000-8000-000000000571', 'noteco', 'bell');
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
values ('00000000-0000-4000-8000-000000000570', '00000000-0000-4000-8000-000000000571');

create function pg_temp.notified(job uuid) returns table (who text, status text, kind text, workspace_id uuid)
language sql as $$
  select u.raw_user_meta_data ->> 'test_identifier', n.payload ->> 'status', n.kind, n.workspace_id
  from public.notifications n join auth.users u on u.id = n.user_id
  where n.payload ->> 'job_id' = job::text $$;

-- A job the admin started runs to its end.
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, created_by)
values ('00000000-0000-4000-8000-000000000572', '00000000-0000-4000-8000-000000000570', 'manual', 7, array['repository'],
        tests.get_supabase_uid('notify_admin'));
select is_empty($$ select * from pg_temp.notified('00000000-0000-4000-8000-000000000572') $$,
  'nobody is notified while the job runs');
create temp table c as select * from engine.claim_backfill_tasks('backfill_recent', 1, 300);
select is(engine.commit_backfill_chunk((select task_id from c), 'repository', (select msg_id from c), null, null, true,
  '{"repository": {"id": 5707, "node_id": "R_5707", "owner": "noteco", "name": "bell", "full_name": "noteco/bell", "stargazer_count": 0, "fork_count": 0, "is_private": false}}'::jsonb,
  1, 1, 1), 'task_completed', 'the job''s only chunk completes it');
select set_eq($$ select * from pg_temp.notified('00000000-0000-4000-8000-000000000572') $$,
  $$ values ('notify_admin'::text, 'completed'::text, 'backfill_finished'::text, '00000000-0000-4000-8000-000000000570'::uuid),
            ('notify_owner_1', 'completed', 'backfill_finished', '00000000-0000-4000-8000-000000000570'),
            ('notify_owner_2', 'completed', 'backfill_finished', '00000000-0000-4000-8000-000000000570') $$,
  'the creator (an admin) and both owners are notified that it completed; the member is not');
select is((select title from public.notifications where payload ->> 'job_id' = '00000000-0000-4000-8000-000000000572' limit 1),
  'Backfill of 1 repositories completed', 'the notification says what happened');

-- A job an owner started is cancelled by the admin before it ran.
insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types, created_by)
values ('00000000-0000-4000-8000-000000000573', '00000000-0000-4000-8000-000000000570', 'manual', 7, array['repository'],
        tests.get_supabase_uid('notify_owner_1'));
select tests.authenticate_as('notify_admin');
select public.cancel_backfill('00000000-0000-4000-8000-000000000573');
reset role;
select bag_eq($$ select who, status from pg_temp.notified('00000000-0000-4000-8000-000000000573') $$,
  $$ values ('notify_owner_1'::text, 'cancelled'::text), ('notify_owner_2', 'cancelled') $$,
  'a cancel notifies the owners, the creator among them once');
select is((select array_agg(distinct title) from public.notifications where payload ->> 'job_id' = '00000000-0000-4000-8000-000000000573'),
  array['Backfill cancelled'], 'the notification says the job was cancelled');

select * from finish();
rollback;
