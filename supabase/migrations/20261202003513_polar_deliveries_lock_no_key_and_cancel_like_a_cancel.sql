-- A Polar delivery locks its workspace FOR NO KEY UPDATE (rows referencing the workspace no longer wait for it: no deadlock with a worker), and a revoked addon cancels its jobs as cancel_backfill does (engine.cancel_backfill_job: tasks, queue messages, notifications)
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION engine.cancel_backfill_job(p_job_id uuid, p_error text DEFAULT NULL::text)
 RETURNS backfill_jobs
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_job public.backfill_jobs;
  v_task record;
begin
  select * into v_job from public.backfill_jobs where id = p_job_id for update;
  if v_job.id is null or v_job.status not in ('pending', 'running') then
    return v_job;
  end if;
  update public.backfill_jobs set status = 'cancelled', cancelled_at = now(), error = coalesce(p_error, error)
  where id = p_job_id;
  for v_task in select id from public.backfill_tasks where job_id = p_job_id and status in ('pending', 'running') order by id loop
    perform engine.close_backfill_task(v_task.id, 'cancelled', null);
  end loop;
  update public.backfill_jobs set finished_at = now() where id = p_job_id returning * into v_job;
  perform private.notify_backfill_finished(v_job, 'cancelled', coalesce('Backfill cancelled: ' || p_error, 'Backfill cancelled'));
  return v_job;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.apply_polar_order_paid(data jsonb, addon_product_ids text[])
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  sub_id text := coalesce(nullif(data ->> 'subscription_id', ''), data #>> '{subscription,id}');
  product text := coalesce(nullif(data ->> 'product_id', ''), data #>> '{product,id}');
  paid_until timestamptz := (data #>> '{subscription,current_period_end}')::timestamptz;
  ws uuid;
  new_expiry timestamptz;
begin
  if sub_id is null then
    return jsonb_build_object('outcome', 'ignored', 'reason', format('order %s is not for a subscription', data ->> 'id'));
  end if;
  if not coalesce(product = any (coalesce(addon_product_ids, '{}')), false) then
    return jsonb_build_object('outcome', 'ignored', 'reason',
      format('order %s is for product %s, not an addon this webhook handles', data ->> 'id', product));
  end if;
  select a.workspace_id into ws from public.subscription_addons a
  where a.subscription_id = sub_id and a.addon_type = 'extended_retention';
  if ws is null then
    return jsonb_build_object('outcome', 'ignored', 'reason', format(
      'order %s: no addon recorded yet for subscription %s; its subscription events set the addon', data ->> 'id', sub_id));
  end if;
  if paid_until is null then
    return jsonb_build_object('outcome', 'ignored', 'workspace_id', ws, 'reason',
      format('order %s carries no data.subscription.current_period_end to extend the addon with', data ->> 'id'));
  end if;

  perform 1 from public.workspaces w where w.id = ws for no key update;  -- as in apply_polar_subscription_event
  update public.subscription_addons a
     set expires_at = greatest(a.expires_at, paid_until), updated_at = now()
   where a.subscription_id = sub_id and a.addon_type = 'extended_retention' and a.status <> 'inactive'
  returning a.expires_at into new_expiry;
  update public.polar_subscriptions s
     set current_period_end = greatest(s.current_period_end, paid_until), updated_at = now()
   where s.id = sub_id;

  return jsonb_build_object('outcome', 'processed', 'reason', null, 'workspace_id', ws,
    'subscription_id', sub_id, 'expires_at', new_expiry,
    'retention_days', private.refresh_workspace_retention(ws));
end
$function$
;

CREATE OR REPLACE FUNCTION private.apply_polar_subscription_event(event_type text, event_at timestamp with time zone, data jsonb, addon_product_ids text[], webhook_id text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  sub_id text := nullif(data ->> 'id', '');
  product text := coalesce(nullif(data ->> 'product_id', ''), data #>> '{product,id}');
  metadata jsonb := case when jsonb_typeof(data -> 'metadata') = 'object' then data -> 'metadata' else '{}' end;
  status text := data ->> 'status';
  period_end timestamptz := (data ->> 'current_period_end')::timestamptz;
  cancel_at_end boolean := coalesce((data ->> 'cancel_at_period_end')::boolean, false);
  ended timestamptz := (data ->> 'ended_at')::timestamptz;
  ws uuid;
  last_applied_at timestamptz;
  previous_status text;
  previous_expires timestamptz;
  was_entitled boolean;
  addon_status text;
  addon_expires timestamptz;
  job_id uuid;
  cancelled_jobs uuid[] := '{}';
  retention int;
  recorded boolean := false;
  why text;
begin
  if sub_id is null then
    return jsonb_build_object('outcome', 'rejected', 'reason', 'malformed payload: data.id (the subscription id) is missing');
  end if;
  if product is null then
    return jsonb_build_object('outcome', 'rejected', 'reason', format('malformed payload: subscription %s has no data.product_id', sub_id));
  end if;
  if status is null then
    return jsonb_build_object('outcome', 'rejected', 'reason', format('malformed payload: subscription %s has no data.status', sub_id));
  end if;
  if not product = any (coalesce(addon_product_ids, '{}')) then
    return jsonb_build_object('outcome', 'ignored', 'reason',
      format('product %s of subscription %s is not an addon this webhook handles (POLAR_PRODUCT_ID_EXTENDED_RETENTION)', product, sub_id));
  end if;

  -- A recorded subscription's workspace is fixed: it is never resolved again (not even after that
  -- workspace is deleted); a new one is bound by its checkout or its buyer.
  select s.workspace_id, true into ws, recorded from public.polar_subscriptions s where s.id = sub_id;
  if recorded and ws is null then
    return jsonb_build_object('outcome', 'rejected', 'reason', format(
      'subscription %s belonged to a workspace that was deleted; it is not moved to another one', sub_id));
  end if;
  if ws is null then
    select r.workspace_id, r.reason into ws, why from private.polar_subscription_workspace(sub_id, data) r;
  end if;
  if ws is null then
    return jsonb_build_object('outcome', 'rejected', 'reason', why);
  end if;

  -- Every billing change of a workspace goes through this row lock, so concurrent deliveries
  -- (same subscription or another subscription of the workspace) apply one after the other.
  -- NO KEY UPDATE: rows that reference the workspace (a worker inserting a notification, a task
  -- row) take KEY SHARE on it, which FOR UPDATE would block, deadlocking with a worker that
  -- holds a job this delivery cancels.
  perform 1 from public.workspaces w where w.id = ws for no key update;

  select s.last_event_at into last_applied_at from public.polar_subscriptions s where s.id = sub_id;
  if event_at < last_applied_at then
    return jsonb_build_object('outcome', 'ignored', 'workspace_id', ws, 'subscription_id', sub_id, 'reason', format(
      'out of order: %s at %s is older than the last applied event of subscription %s (%s)',
      event_type, event_at, sub_id, last_applied_at));
  end if;

  insert into public.polar_subscriptions as s (id, workspace_id, customer_id, product_id, status,
    current_period_end, cancel_at_period_end, canceled_at, ended_at, last_event_at, metadata, checkout_id)
  values (sub_id, ws, data ->> 'customer_id', product, status, period_end, cancel_at_end,
    (data ->> 'canceled_at')::timestamptz, ended, event_at, metadata, nullif(data ->> 'checkout_id', ''))
  on conflict (id) do update
    set customer_id = excluded.customer_id,
        product_id = excluded.product_id,
        status = excluded.status,
        current_period_end = excluded.current_period_end,
        cancel_at_period_end = excluded.cancel_at_period_end,
        canceled_at = excluded.canceled_at,
        ended_at = excluded.ended_at,
        last_event_at = excluded.last_event_at,
        metadata = excluded.metadata,
        updated_at = now();

  if event_type = 'subscription.revoked' then
    addon_status := 'inactive';
  elsif status in ('active', 'trialing', 'past_due') then
    addon_status := case when cancel_at_end then 'canceled' else 'active' end;
  elsif status = 'canceled' and ended is null and period_end > now() then
    addon_status := 'canceled';
  else
    addon_status := 'inactive';  -- incomplete, unpaid, or canceled past its period
  end if;
  addon_expires := case when addon_status = 'inactive' then coalesce(ended, event_at) else period_end end;

  select a.status, a.expires_at into previous_status, previous_expires
  from public.subscription_addons a
  where a.subscription_id = sub_id and a.addon_type = 'extended_retention';
  was_entitled := coalesce(private.addon_is_entitled(previous_status, previous_expires), false);

  insert into public.subscription_addons as a (workspace_id, subscription_id, addon_type, product_id,
    retention_days, status, purchased_at, expires_at)
  values (ws, sub_id, 'extended_retention', product, 365, addon_status,
    coalesce((data ->> 'started_at')::timestamptz, (data ->> 'created_at')::timestamptz, now()), addon_expires)
  on conflict (subscription_id, addon_type) do update
    set product_id = excluded.product_id,
        status = excluded.status,
        expires_at = excluded.expires_at,
        updated_at = now();

  -- Billing ids stay with the billing rows (owners and admins read them); members see the job's origin only.
  if not was_entitled and private.addon_is_entitled(addon_status, addon_expires) then
    job_id := private.start_addon_backfill_job(ws, 365, jsonb_build_object(
      'origin', 'polar_webhook', 'event_type', event_type));
    if job_id is not null then
      update public.subscription_addons a set backfill_job_id = job_id
      where a.subscription_id = sub_id and a.addon_type = 'extended_retention';
    end if;
  end if;

  retention := private.refresh_workspace_retention(ws);

  -- Retention fell back below the addon's: its backfill is no longer owed.
  if was_entitled and retention < 365 then
    select coalesce(array_agg(c.id order by c.id), '{}') into cancelled_jobs
    from public.backfill_jobs j,
      lateral engine.cancel_backfill_job(j.id,
        format('the extended retention addon of subscription %s ended (%s)', sub_id, event_type)) c
    where j.workspace_id = ws and j.kind = 'addon' and j.status in ('pending', 'running');
  end if;

  return jsonb_build_object('outcome', 'processed', 'reason', null, 'workspace_id', ws,
    'subscription_id', sub_id, 'addon_status', addon_status, 'retention_days', retention,
    'job_id', job_id, 'cancelled_job_ids', to_jsonb(cancelled_jobs));
end
$function$
;

CREATE OR REPLACE FUNCTION private.cancel_backfill(p_job_id uuid)
 RETURNS backfill_jobs
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_job public.backfill_jobs;
begin
  select * into v_job from public.backfill_jobs where id = p_job_id for update;
  if v_job.id is null then
    raise exception 'backfill job % does not exist', p_job_id using errcode = 'P0002';
  end if;
  if not private.is_engine_operator() and not private.has_workspace_role(v_job.workspace_id, 'admin') then
    raise exception 'only owners and admins of the workspace can cancel backfill job %', p_job_id using errcode = '42501';
  end if;
  return engine.cancel_backfill_job(p_job_id);
end;
$function$
;

comment on function engine.cancel_backfill_job(p_job_id uuid, p_error text) is 'Cancels a pending or running job (no permission check: callers check it): its open tasks end cancelled with their queue messages, the job records p_error, and its creator and the workspace owners are notified. Returns the job.';

grant execute on function engine.cancel_backfill_job(p_job_id uuid, p_error text) to service_role;
