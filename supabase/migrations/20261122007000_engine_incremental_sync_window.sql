-- Incremental scheduled syncs. A scheduled job lists, per repository, `since` (the oldest last
-- sync of the workspaces it serves) in source.repositories[<tracked_repository_id>].since
-- (private.enqueue_due_syncs). The fan-out used to give every task now() - window_days as its
-- window start, and the worker walked PRs and issues by creation date from there, so items
-- created earlier but updated since the last sync (reviews, comments, merges, closes) were
-- missed. Now a scheduled job's tasks start at their repository's `since` (fallback:
-- now() - window_days), and the worker fetches scheduled jobs in "updated" mode: PRs and issues
-- updated since the window start (fetchers/types.ts fetchModeForJob). Everything else the
-- fan-out does is unchanged from 20261122005100.

create or replace function engine.scheduled_sync_since(p_kind text, p_source jsonb,
  p_tracked_repository_id uuid, p_window_days int)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  -- Never further back than the job's window (window_days is capped at 365 days).
  select greatest((p_source #>> array['repositories', p_tracked_repository_id::text, 'since'])::timestamptz,
                  now() - make_interval(days => greatest(p_window_days, 1)))
  where p_kind = 'scheduled'
$$;
comment on function engine.scheduled_sync_since(text, jsonb, uuid, int) is
  'Window start of one repository of a scheduled job: source.repositories[<tracked_repository_id>].since '
  '(the oldest last sync of the due workspaces), never before now() - window_days; null for other kinds '
  'or when the repository was never synced.';
revoke all on function engine.scheduled_sync_since(text, jsonb, uuid, int) from public;
grant execute on function engine.scheduled_sync_since(text, jsonb, uuid, int) to service_role;

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
    case when dt = 'repository' then null
         else coalesce(engine.scheduled_sync_since(new.kind, new.source, t.tracked_repository_id, new.window_days),
                       v_window_start) end
  from public.backfill_tasks t
  cross join unnest(v_types) as dt
  where t.id = any (coalesce(v_task_ids, '{}'));

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
  'tracked_repository_ids, else by full_name), then kicks the worker. Progress window_start is '
  'now() - window_days, or for a scheduled job its repository''s since (engine.scheduled_sync_since).';

comment on column public.backfill_progress.window_start is
  'Start of the window this data type covers (null for repository metadata). Scheduled (incremental) '
  'jobs: the repository''s last sync, and PRs and issues are fetched by update date from it; other '
  'jobs: now() - window_days, by creation date.';
