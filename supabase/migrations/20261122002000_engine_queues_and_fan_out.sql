-- Backfill engine, part 1: the work queues and the fan-out of a job into per-repository tasks.
--
-- A job row fans out, in the inserting transaction, into one task per repository, one progress
-- row per (task, data type) and one pgmq message per task. Recent and small work (initial and
-- scheduled jobs, windows of 30 days or less) goes to `backfill_recent`, which the worker drains
-- before `backfill_bulk`. The worker is then kicked through net.http_post (delivered after
-- commit), so the first rows land within seconds rather than at the next cron tick.

create extension if not exists pgmq;
create schema if not exists engine;
create schema if not exists private;

select pgmq.create('backfill_recent');
select pgmq.create('backfill_bulk');

-- Only the service role (the worker) and postgres touch the queues.
grant usage on schema pgmq to service_role;
grant execute on all functions in schema pgmq to service_role;
grant select, insert, update, delete on all tables in schema pgmq to service_role;
grant usage on schema engine to service_role;

-- A job may target selected repositories (manual backfill, bulk add); null means every
-- repository of the workspace.
alter table public.backfill_jobs add column if not exists tracked_repository_ids uuid[];

create index if not exists backfill_tasks_job_id_status_idx on public.backfill_tasks (job_id, status);
create index if not exists backfill_tasks_running_heartbeat_idx
  on public.backfill_tasks (heartbeat_at) where status = 'running';

create or replace function engine.supported_data_types() returns text[]
language sql immutable
set search_path = ''
as $$ select array['repository', 'pull_requests', 'issues'] $$;
comment on function engine.supported_data_types() is
  'Data types the worker fetches today, in the order it fetches them; other requested types are marked skipped.';

create or replace function engine.queue_for_job(p_kind text, p_window_days int) returns text
language sql immutable
set search_path = ''
as $$
  select case when p_kind in ('initial', 'scheduled') or coalesce(p_window_days, 0) <= 30
    then 'backfill_recent' else 'backfill_bulk' end
$$;
comment on function engine.queue_for_job(text, int) is
  'The queue a job''s tasks go to: recent and small work before historical bulk.';

-- Kicks one worker invocation. The request is delivered after commit; if the vault secrets are
-- missing the kick is skipped (the cron tick still picks the work up) rather than failing the
-- transaction that created the work.
create or replace function engine.kick_backfill_worker() returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_key text;
begin
  select decrypted_secret into v_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into v_key from vault.decrypted_secrets where name = 'service_role_key';
  if v_url is null or v_key is null then
    raise warning 'backfill worker not kicked: vault secrets project_url and service_role_key are required; the next cron tick will run it';
    return null;
  end if;
  return net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/backfill-worker',
    body := jsonb_build_object('reason', 'kick'),
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := 1000
  );
end;
$$;
comment on function engine.kick_backfill_worker() is
  'Invokes the backfill-worker edge function once (net.http_post, delivered after commit).';
revoke all on function engine.kick_backfill_worker() from public;
grant execute on function engine.kick_backfill_worker() to service_role;

-- Sends one message per task (send_batch) and records each task's message id.
create or replace function engine.enqueue_backfill_tasks(p_task_ids bigint[], p_queue text)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids bigint[];
begin
  select array_agg(x order by x) into v_ids from unnest(p_task_ids) x;
  if v_ids is null then
    return 0;
  end if;
  with sent as (
    select s.msg_id, s.n
    from pgmq.send_batch(
      p_queue,
      (select array_agg(jsonb_build_object('task_id', x) order by x) from unnest(v_ids) x)
    ) with ordinality as s(msg_id, n)
  ), pairs as (
    select t.task_id, sent.msg_id
    from unnest(v_ids) with ordinality as t(task_id, n)
    join sent using (n)
  )
  update public.backfill_tasks bt
  set msg_id = pairs.msg_id, queue_name = p_queue
  from pairs
  where bt.id = pairs.task_id;
  return cardinality(v_ids);
end;
$$;
comment on function engine.enqueue_backfill_tasks(bigint[], text) is
  'Sends one pgmq message per task in one send_batch and stores the message ids on the tasks.';
revoke all on function engine.enqueue_backfill_tasks(bigint[], text) from public;
grant execute on function engine.enqueue_backfill_tasks(bigint[], text) to service_role;

create or replace function private.tg_backfill_jobs__after_insert() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_queue text := engine.queue_for_job(new.kind, new.window_days);
  v_types text[] := coalesce(new.data_types, engine.supported_data_types());
  v_window_start timestamptz := now() - make_interval(days => greatest(new.window_days, 1));
  v_task_ids bigint[];
begin
  with inserted as (
    insert into public.backfill_tasks (job_id, workspace_id, tracked_repository_id, repository_id, status, queue_name)
    select new.id, new.workspace_id, tr.id, tr.repository_id, 'pending', v_queue
    from public.workspace_tracked_repositories wtr
    join public.tracked_repositories tr on tr.id = wtr.tracked_repository_id
    where wtr.workspace_id = new.workspace_id
      and (new.tracked_repository_ids is null or tr.id = any (new.tracked_repository_ids))
    order by tr.full_name
    returning id
  )
  select array_agg(id order by id) into v_task_ids from inserted;

  insert into public.backfill_progress (task_id, data_type, status, window_start)
  select t.id, dt,
    case when dt = any (engine.supported_data_types()) then 'pending' else 'skipped' end,
    case when dt = 'repository' then null else v_window_start end
  from unnest(coalesce(v_task_ids, '{}')) as t(id)
  cross join unnest(v_types) as dt;

  perform engine.enqueue_backfill_tasks(v_task_ids, v_queue);

  update public.backfill_jobs
  set total_tasks = coalesce(cardinality(v_task_ids), 0),
      status = case when v_task_ids is null then 'completed' else 'pending' end,
      finished_at = case when v_task_ids is null then now() end
  where id = new.id;

  if v_task_ids is not null then
    perform engine.kick_backfill_worker();
  end if;
  return null;
end;
$$;
comment on function private.tg_backfill_jobs__after_insert() is
  'Fans a new backfill job out into tasks, progress rows and one pgmq message per task, then kicks the worker.';

drop trigger if exists tg_backfill_jobs__after_insert on public.backfill_jobs;
create trigger tg_backfill_jobs__after_insert
after insert on public.backfill_jobs
for each row execute function private.tg_backfill_jobs__after_insert();
