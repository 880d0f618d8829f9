-- The sweeper revives tasks silent for 90 s by default (the schema said so; an earlier migration changed only its comment)
CREATE OR REPLACE FUNCTION engine.sweep_stuck_backfill_tasks(p_stale interval DEFAULT '00:01:30'::interval)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_task record;
  v_count int := 0;
begin
  for v_task in
    select id, queue_name, msg_id from public.backfill_tasks
    where status = 'running' and heartbeat_at < now() - p_stale and msg_id is not null
    for update skip locked
  loop
    update public.backfill_tasks set status = 'pending', heartbeat_at = null, claim_id = null where id = v_task.id;
    perform pgmq.set_vt(v_task.queue_name, v_task.msg_id, 0);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$function$
;
