-- A deleted tracked repository could leave its job running forever: deleting it cascades to its
-- backfill tasks, and when that was the job's last unfinished task nobody called
-- engine.finish_backfill_job_if_done. Now every delete of tasks (a cascade from
-- tracked_repositories or workspaces, or a direct delete) counts the deleted unfinished tasks
-- as cancelled on their job, lets the job finish when nothing else is pending or running, and
-- deletes the tasks' pgmq messages so no worker claims them. (Removing a repository from one
-- workspace, a workspace_tracked_repositories row, deletes no task: the job keeps fetching it.)
-- Jobs whose workspace is being deleted are skipped: they go with it.

create or replace function private.tg_backfill_tasks__after_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_job record;
  v_queue record;
begin
  for v_queue in
    select d.queue_name, array_agg(d.msg_id) as msg_ids
    from deleted_tasks d
    where d.msg_id is not null and d.queue_name is not null and d.status in ('pending', 'running')
    group by d.queue_name
  loop
    perform pgmq.delete(v_queue.queue_name, v_queue.msg_ids);
  end loop;

  for v_job in
    select d.job_id, count(*)::int as unfinished
    from deleted_tasks d
    join public.backfill_jobs j on j.id = d.job_id
    join public.workspaces w on w.id = j.workspace_id
    where d.status in ('pending', 'running')
    group by d.job_id
    order by d.job_id -- one locking order for concurrent deletes
  loop
    update public.backfill_jobs
    set cancelled_tasks = cancelled_tasks + v_job.unfinished
    where id = v_job.job_id;
    perform engine.finish_backfill_job_if_done(v_job.job_id);
  end loop;
  return null;
end;
$$;
comment on function private.tg_backfill_tasks__after_delete() is
  'After tasks are deleted (e.g. their tracked repository was): counts the unfinished ones as cancelled on their job, '
  'finishes the job when no task is left pending or running, and deletes their pgmq messages.';
revoke all on function private.tg_backfill_tasks__after_delete() from public, anon, authenticated;

drop trigger if exists tg_backfill_tasks__after_delete on public.backfill_tasks;
create trigger tg_backfill_tasks__after_delete
  after delete on public.backfill_tasks
  referencing old table as deleted_tasks
  for each statement
  execute function private.tg_backfill_tasks__after_delete();
