-- Fan-out in the order the job lists its repositories. Scheduled syncs list
-- backfill_jobs.tracked_repository_ids highest priority first, and pgmq hands out messages by
-- msg_id, so the messages must be sent in that order (they were sent by task id, after tasks had
-- been created in full_name order). Jobs without a list (every repository of the workspace)
-- keep the full_name order.

-- Sends the messages in the order of p_task_ids (a task listed twice is sent once, at its first
-- place). Callers that want id order pass ids in id order.
create or replace function engine.enqueue_backfill_tasks(p_task_ids bigint[], p_queue text)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids bigint[];
begin
  select array_agg(x order by first_n) into v_ids
  from (select x, min(n) as first_n from unnest(p_task_ids) with ordinality as u(x, n)
        where x is not null group by x) d;
  if v_ids is null then
    return 0;
  end if;
  with sent as (
    select s.msg_id, s.n
    from pgmq.send_batch(
      p_queue,
      (select array_agg(jsonb_build_object('task_id', x) order by n) from unnest(v_ids) with ordinality as u(x, n))
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
  'Sends one pgmq message per task in one send_batch, in the order of p_task_ids (so msg_ids follow it), and stores the message ids on the tasks.';
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
    order by array_position(new.tracked_repository_ids, tr.id), tr.full_name
    returning id, tracked_repository_id
  )
  select array_agg(i.id order by array_position(new.tracked_repository_ids, i.tracked_repository_id), tr.full_name)
  into v_task_ids
  from inserted i join public.tracked_repositories tr on tr.id = i.tracked_repository_id;

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
  'Fans a new backfill job out into tasks, progress rows and one pgmq message per task (in the order of '
  'tracked_repository_ids, else by full_name), then kicks the worker.';
