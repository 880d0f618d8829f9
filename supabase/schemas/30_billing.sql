-- Billing: Polar subscriptions and addons (readable by workspace owners/admins), the webhook
-- delivery log (service role only), and the processing of one delivery.
--
-- One call of private.process_polar_webhook per delivery does all the state change in one
-- transaction (dedupe on webhook-id, subscription upsert, addon rules, workspace retention, the
-- addon backfill job). The edge function polar-webhook verifies the signature and calls it;
-- nothing else writes billing state. Rules (see the comment on private.process_polar_webhook):
--   * workspace: a subscription already recorded keeps its workspace (a deleted workspace's
--     subscription is never moved); a new one takes the workspace of its checkout, recorded by
--     polar-checkout for an owner or admin (billing.checkouts), else metadata.workspace_id (a uuid,
--     never a slug) when the customer's external id is an owner or admin of it. Otherwise the
--     delivery is recorded as rejected with the reason.
--   * addon: the subscription's product id is one of addon_product_ids
--     (env POLAR_PRODUCT_ID_EXTENDED_RETENTION). Other products are ignored.
--   * order: an event older than the subscription's last applied event is ignored.
--   * an addon that becomes entitled starts exactly one addon backfill job for the workspace,
--     none if an addon job is already pending or running; one that stops being entitled
--     cancels the workspace's pending/running addon jobs and resets retention.
-- Members learn whether their workspace has the addon through SECURITY DEFINER helpers that
-- return only what a member may see (no subscription or customer ids).

create table billing.webhook_deliveries (
  id bigint generated always as identity primary key,
  webhook_id text not null unique,            -- Standard Webhooks `webhook-id`, the dedupe key
  event_type text,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  outcome text
    constraint webhook_deliveries_outcome_is_known
    check (outcome in ('processed', 'ignored', 'rejected', 'failed')),
  error text,
  payload jsonb
);
alter table billing.webhook_deliveries enable row level security;
revoke all on billing.webhook_deliveries from public, anon, authenticated;
grant all on billing.webhook_deliveries to service_role;
comment on table billing.webhook_deliveries is
  'Every Polar webhook delivery once, by webhook-id (replays dedupe here), with what became of it.';

create index webhook_deliveries_received_at_idx on billing.webhook_deliveries (received_at);

create index webhook_deliveries_outcome_received_at
  on billing.webhook_deliveries (outcome, received_at desc);

create table public.polar_subscriptions (
  id text primary key,                        -- Polar subscription id
  workspace_id uuid references public.workspaces (id) on delete set null,
  customer_id text,
  product_id text not null,
  status text not null,
  current_period_end timestamptz,
  cancel_at_period_end boolean not null default false,
  canceled_at timestamptz,
  ended_at timestamptz,
  last_event_at timestamptz,                  -- timestamp of the newest event applied: older ones are ignored
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  checkout_id text
);
alter table public.polar_subscriptions enable row level security;
revoke all on public.polar_subscriptions from anon, authenticated;
grant select on public.polar_subscriptions to authenticated;
grant all on public.polar_subscriptions to service_role;
comment on table public.polar_subscriptions is
  'Polar subscriptions as last reported by webhook; last_event_at protects against out-of-order '
  'deliveries. Owners and admins of the workspace can read them; only the service role writes.';

create index polar_subscriptions_workspace_id_idx on public.polar_subscriptions (workspace_id);

-- Checkouts of the addon, created server-side (edge function polar-checkout) by an owner or
-- admin for their workspace: what binds a paid subscription to a workspace.
create table billing.checkouts (
  id text primary key,                        -- Polar checkout id
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  created_by uuid references auth.users (id) on delete set null,
  product_id text not null,
  url text not null,
  expires_at timestamptz,
  created_at timestamptz not null default now()
);
alter table billing.checkouts enable row level security;
revoke all on billing.checkouts from public, anon, authenticated;
grant all on billing.checkouts to service_role;
comment on table billing.checkouts is
  'Addon checkouts created through polar-checkout: a subscription is attached to a workspace only when it comes '
  'from a checkout recorded here for that workspace (or its customer''s external id is an owner/admin of it).';

create index checkouts_workspace_id_idx on billing.checkouts (workspace_id);

create table public.subscription_addons (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  subscription_id text not null references public.polar_subscriptions (id) on delete cascade,
  addon_type text not null
    constraint subscription_addons_addon_type_is_known check (addon_type in ('extended_retention')),
  product_id text not null,
  retention_days int
    constraint subscription_addons_retention_days_between_7_and_365 check (retention_days between 7 and 365),
  status text not null default 'active'
    constraint subscription_addons_status_is_active_canceled_or_inactive
    check (status in ('active', 'canceled', 'inactive')),
  purchased_at timestamptz not null default now(),
  expires_at timestamptz,
  updated_at timestamptz not null default now(),
  backfill_job_id uuid,                       -- public.backfill_jobs.id of the backfill the purchase started
  unique (subscription_id, addon_type)
);
alter table public.subscription_addons enable row level security;
revoke all on public.subscription_addons from anon, authenticated;
grant select on public.subscription_addons to authenticated;
grant all on public.subscription_addons to service_role;
comment on table public.subscription_addons is
  'Addons bought on Polar (the Extended Data Retention addon is its own product). '
  'Owners and admins of the workspace can read them; only the service role writes.';

create index subscription_addons_workspace_id_idx on public.subscription_addons (workspace_id, status);

-- An addon grants its retention while active, and while canceled until its paid period ends.
create or replace function private.addon_is_entitled(status text, expires_at timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
  select status = 'active'
      or (status = 'canceled' and (expires_at is null or expires_at > now()))
$$;
revoke execute on function private.addon_is_entitled(text, timestamptz) from public, anon, authenticated;
comment on function private.addon_is_entitled(text, timestamptz) is
  'True while an addon grants its retention: active, or canceled with its paid period not yet over.';

-- The workspace a NEW subscription belongs to, or why it belongs to none. Bound to people, never
-- to names: the checkout recorded for it (polar-checkout), whose workspace metadata.workspace_id
-- must not contradict; else metadata.workspace_id (a uuid, never a slug) when the customer's
-- external id is an owner or admin of that workspace.
create or replace function private.polar_subscription_workspace(sub_id text, data jsonb)
returns table (workspace_id uuid, reason text)
language plpgsql
stable
set search_path = ''
as $$
declare
  checkout text := nullif(data ->> 'checkout_id', '');
  named text := nullif(btrim(data #>> '{metadata,workspace_id}'), '');
  buyer text := nullif(data #>> '{customer,external_id}', '');
  v_ws uuid;
begin
  if checkout is not null then
    select c.workspace_id into v_ws from billing.checkouts c where c.id = checkout;
  end if;
  if v_ws is not null then
    if named is not null and named is distinct from v_ws::text then
      return query select null::uuid, format('subscription %s comes from checkout %s of workspace %s but its metadata names '
        'workspace %s: refusing to guess; check the checkout', sub_id, checkout, v_ws, named);
      return;
    end if;
    return query select v_ws, null::text;
    return;
  end if;
  if named is null then
    return query select null::uuid, format('subscription %s comes from no checkout recorded by polar-checkout and names no '
      'workspace: buy the addon through the polar-checkout function', sub_id);
    return;
  end if;
  if named !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return query select null::uuid, format('subscription %s names workspace "%s", which is not a workspace id (slugs are not '
      'accepted): buy the addon through the polar-checkout function', sub_id, named);
    return;
  end if;
  select w.id into v_ws from public.workspaces w where w.id = named::uuid;
  if v_ws is null then
    return query select null::uuid, format('subscription %s names workspace %s, which does not exist', sub_id, named);
    return;
  end if;
  if buyer is null or buyer !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' or not exists (
      select 1 from public.workspace_members m
      where m.workspace_id = v_ws and m.user_id = buyer::uuid and m.role in ('owner', 'admin')) then
    return query select null::uuid, format('subscription %s names workspace %s, but it comes from no checkout recorded for it '
      'and its customer (external id %s) is not an owner or admin of it: the addon is bought by an owner or admin '
      'through polar-checkout', sub_id, v_ws, coalesce(buyer, 'none'));
    return;
  end if;
  return query select v_ws, null::text;
end
$$;
revoke execute on function private.polar_subscription_workspace(text, jsonb) from public, anon, authenticated;
comment on function private.polar_subscription_workspace(text, jsonb) is
  'Workspace of a new Polar subscription: its recorded checkout''s (billing.checkouts), else metadata.workspace_id '
  'when the customer''s external id is an owner/admin there; otherwise null and the reason.';

-- polar-checkout (service role) records the checkout it created for an owner or admin.
create or replace function private.record_polar_checkout(workspace_id uuid, user_id uuid, checkout_id text,
  product_id text, url text, expires_at timestamptz)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.workspace_members m where m.workspace_id = record_polar_checkout.workspace_id
                 and m.user_id = record_polar_checkout.user_id and m.role in ('owner', 'admin')) then
    raise exception 'polar-checkout: only owners and admins of workspace % can buy the addon for it', workspace_id
      using errcode = '42501';
  end if;
  insert into billing.checkouts (id, workspace_id, created_by, product_id, url, expires_at)
  values (checkout_id, record_polar_checkout.workspace_id, user_id, record_polar_checkout.product_id,
          record_polar_checkout.url, record_polar_checkout.expires_at);
end
$$;
revoke execute on function private.record_polar_checkout(uuid, uuid, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function private.record_polar_checkout(uuid, uuid, text, text, text, timestamptz) to service_role;
comment on function private.record_polar_checkout(uuid, uuid, text, text, text, timestamptz) is
  'Records an addon checkout created by polar-checkout for an owner/admin (42501 otherwise).';

-- What polar-checkout needs before it calls Polar: the buyer may buy for the workspace.
create or replace function private.addon_checkout_buyer(workspace_id uuid, user_id uuid)
returns table (workspace_slug text, email text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.workspaces w where w.id = addon_checkout_buyer.workspace_id) then
    raise exception 'polar-checkout: workspace % does not exist', workspace_id using errcode = 'P0002';
  end if;
  if not exists (select 1 from public.workspace_members m where m.workspace_id = addon_checkout_buyer.workspace_id
                 and m.user_id = addon_checkout_buyer.user_id and m.role in ('owner', 'admin')) then
    raise exception 'polar-checkout: only owners and admins of workspace % can buy the addon for it', workspace_id
      using errcode = '42501', hint = 'Ask an owner or admin of the workspace.';
  end if;
  return query select w.slug, u.email::text from public.workspaces w, auth.users u
    where w.id = addon_checkout_buyer.workspace_id and u.id = addon_checkout_buyer.user_id;
end
$$;
revoke execute on function private.addon_checkout_buyer(uuid, uuid) from public, anon, authenticated;
grant execute on function private.addon_checkout_buyer(uuid, uuid) to service_role;
comment on function private.addon_checkout_buyer(uuid, uuid) is
  'For polar-checkout: the workspace''s slug and the buyer''s email, or 42501 unless the user is an owner/admin.';

-- Sets the workspace's effective retention: the tier default, raised by any entitled addon.
create or replace function private.refresh_workspace_retention(workspace_id uuid)
returns int
language plpgsql
set search_path = ''
as $$
declare
  days int;
begin
  select greatest(tp.retention_days, coalesce((
           select max(a.retention_days)
           from public.subscription_addons a
           where a.workspace_id = w.id
             and private.addon_is_entitled(a.status, a.expires_at)), 0))
    into days
  from public.workspaces w
  join public.tier_plans tp on tp.tier = w.tier
  where w.id = refresh_workspace_retention.workspace_id;

  update public.workspaces w
     set retention_days = days
   where w.id = refresh_workspace_retention.workspace_id
     and w.retention_days is distinct from days;
  return days;
end
$$;
revoke execute on function private.refresh_workspace_retention(uuid) from public, anon, authenticated;
comment on function private.refresh_workspace_retention(uuid) is
  'Sets workspaces.retention_days to the tier default raised by entitled addons; returns it.';

-- Inserts the addon backfill job unless one is already pending or running; returns its id or null.
-- The engine's trigger on backfill_jobs fans the job out into one task per workspace repository.
create or replace function private.start_addon_backfill_job(
  workspace_id uuid, window_days int, source jsonb)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  job_id uuid;
begin
  if exists (select 1 from public.backfill_jobs j
             where j.workspace_id = start_addon_backfill_job.workspace_id
               and j.kind = 'addon' and j.status in ('pending', 'running')) then
    return null;
  end if;
  insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, status, created_by, source)
  values (start_addon_backfill_job.workspace_id, 'addon', start_addon_backfill_job.window_days,
          array['repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks'],
          'pending', null, start_addon_backfill_job.source)
  on conflict do nothing
  returning id into job_id;
  return job_id;
end
$$;
revoke execute on function private.start_addon_backfill_job(uuid, int, jsonb) from public, anon, authenticated;
comment on function private.start_addon_backfill_job(uuid, int, jsonb) is
  'Inserts a pending addon backfill job (all data types) unless one is pending or running; returns its id or null.';

-- subscription.* events: the new state comes from the payload (status, cancel_at_period_end,
-- current_period_end, ended_at), not from the event name, except that revoked always ends it.
create or replace function private.apply_polar_subscription_event(
  event_type text, event_at timestamptz, data jsonb, addon_product_ids text[], webhook_id text)
returns jsonb
language plpgsql
set search_path = ''
as $$
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
$$;
revoke execute on function private.apply_polar_subscription_event(text, timestamptz, jsonb, text[], text) from public, anon, authenticated;
comment on function private.apply_polar_subscription_event(text, timestamptz, jsonb, text[], text) is
  'Applies one subscription.* event of an addon product: subscription upsert, addon state, retention, addon job.';

-- order.paid for an addon subscription: the paid period may push the addon's expiry later.
create or replace function private.apply_polar_order_paid(data jsonb, addon_product_ids text[])
returns jsonb
language plpgsql
set search_path = ''
as $$
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
$$;
revoke execute on function private.apply_polar_order_paid(jsonb, text[]) from public, anon, authenticated;
comment on function private.apply_polar_order_paid(jsonb, text[]) is
  'Applies order.paid of an addon subscription: extends the addon''s expiry to the paid period end.';

create or replace function private.process_polar_webhook(
  webhook_id text, event_type text, event_timestamp timestamptz, payload jsonb, addon_product_ids text[])
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  delivery_id bigint;
  prior record;
  kind text := coalesce(event_type, payload ->> 'type');
  event_at timestamptz := coalesce(event_timestamp, now());
  result jsonb;
begin
  if nullif(webhook_id, '') is null then
    raise exception 'process_polar_webhook: webhook_id is required (the webhook-id header)'
      using errcode = 'invalid_parameter_value';
  end if;

  insert into billing.webhook_deliveries as d (webhook_id, event_type, payload)
  values (process_polar_webhook.webhook_id, kind, payload)
  on conflict (webhook_id) do nothing
  returning d.id into delivery_id;

  if delivery_id is null then
    -- A replay (or a concurrent duplicate, which waited for the first to commit): no second effect.
    select d.id, d.outcome, d.error into prior
    from billing.webhook_deliveries d where d.webhook_id = process_polar_webhook.webhook_id;
    return jsonb_build_object('delivery_id', prior.id, 'webhook_id', webhook_id, 'replayed', true,
      'outcome', prior.outcome, 'reason', prior.error);
  end if;

  begin
    if payload is null then
      result := jsonb_build_object('outcome', 'rejected', 'reason', 'malformed payload: the body is not valid JSON');
    elsif jsonb_typeof(payload) <> 'object' or kind is null then
      result := jsonb_build_object('outcome', 'rejected', 'reason', 'malformed payload: expected a JSON object with a string "type"');
    elsif kind like 'subscription.%' then
      if jsonb_typeof(payload -> 'data') <> 'object' then
        result := jsonb_build_object('outcome', 'rejected', 'reason', format('malformed payload: %s has no "data" object', kind));
      else
        result := private.apply_polar_subscription_event(kind, event_at, payload -> 'data', addon_product_ids, webhook_id);
      end if;
    elsif kind = 'order.paid' then
      if jsonb_typeof(payload -> 'data') <> 'object' then
        result := jsonb_build_object('outcome', 'rejected', 'reason', 'malformed payload: order.paid has no "data" object');
      else
        result := private.apply_polar_order_paid(payload -> 'data', addon_product_ids);
      end if;
    else
      result := jsonb_build_object('outcome', 'ignored', 'reason', format('event type %s is not handled', kind));
    end if;
  exception when data_exception then
    -- A field of the wrong type (a timestamp that is not one, a boolean that is not one): the
    -- block's writes are rolled back; the delivery stays, recorded as rejected.
    result := jsonb_build_object('outcome', 'rejected', 'reason', 'malformed payload: ' || sqlerrm);
  end;

  update billing.webhook_deliveries d
     set outcome = result ->> 'outcome', error = result ->> 'reason', processed_at = now()
   where d.id = delivery_id;

  return result || jsonb_build_object('delivery_id', delivery_id, 'webhook_id', webhook_id, 'replayed', false);
end
$$;
revoke execute on function private.process_polar_webhook(text, text, timestamptz, jsonb, text[]) from public, anon, authenticated;
grant execute on function private.process_polar_webhook(text, text, timestamptz, jsonb, text[]) to service_role;
comment on function private.process_polar_webhook(text, text, timestamptz, jsonb, text[]) is
  'Applies one verified Polar delivery in one transaction and records it in billing.webhook_deliveries. '
  'Replays of a webhook_id return the first outcome with replayed=true and change nothing. Returns '
  '{outcome processed|ignored|rejected, reason, delivery_id, webhook_id, replayed, and for processed '
  'subscription events workspace_id, subscription_id, addon_status, retention_days, job_id, cancelled_job_ids}. '
  'Raises only on a bad call (no webhook_id) or a database failure, leaving nothing behind.';

create or replace function private.workspace_entitled_addons(workspace_id uuid)
returns table (
  id uuid,
  addon_type text,
  status text,
  retention_days int,
  purchased_at timestamptz,
  expires_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  select a.id, a.addon_type, a.status, a.retention_days, a.purchased_at, a.expires_at
  from public.subscription_addons a
  where a.workspace_id = workspace_entitled_addons.workspace_id
    and private.addon_is_entitled(a.status, a.expires_at)
    and ((select auth.role()) = 'service_role'
         or private.has_workspace_role(workspace_entitled_addons.workspace_id, 'member'))
  order by a.purchased_at, a.id
$$;
revoke execute on function private.workspace_entitled_addons(uuid) from public, anon, authenticated;
grant execute on function private.workspace_entitled_addons(uuid) to authenticated, service_role;
comment on function private.workspace_entitled_addons(uuid) is
  'Addons of the workspace that currently grant retention, for its members and the service role only.';

create or replace function public.workspace_has_extended_retention(workspace_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select exists (
    select 1 from private.workspace_entitled_addons(workspace_has_extended_retention.workspace_id) a
    where a.addon_type = 'extended_retention')
$$;
revoke execute on function public.workspace_has_extended_retention(uuid) from public, anon;
grant execute on function public.workspace_has_extended_retention(uuid) to authenticated, service_role;
comment on function public.workspace_has_extended_retention(uuid) is
  'True when the workspace has an Extended Data Retention addon that still grants retention '
  '(active, or canceled within its paid period). False for non-members.';

-- Workspaces are readable by their members under RLS, so this one needs no definer helper.
create or replace function public.workspace_retention_days(workspace_id uuid)
returns int
language sql
stable
security invoker
set search_path = ''
as $$
  select w.retention_days from public.workspaces w where w.id = workspace_retention_days.workspace_id
$$;
revoke execute on function public.workspace_retention_days(uuid) from public, anon;
grant execute on function public.workspace_retention_days(uuid) to authenticated, service_role;
comment on function public.workspace_retention_days(uuid) is
  'The workspace''s effective data retention in days (tier default, or 365 with the addon). Null for non-members.';

create or replace function public.workspace_active_addons(workspace_id uuid)
returns table (
  id uuid,
  addon_type text,
  status text,
  retention_days int,
  purchased_at timestamptz,
  expires_at timestamptz
)
language sql
stable
security invoker
set search_path = ''
as $$
  select a.id, a.addon_type, a.status, a.retention_days, a.purchased_at, a.expires_at
  from private.workspace_entitled_addons(workspace_active_addons.workspace_id) a
$$;
revoke execute on function public.workspace_active_addons(uuid) from public, anon;
grant execute on function public.workspace_active_addons(uuid) to authenticated, service_role;
comment on function public.workspace_active_addons(uuid) is
  'Addons of the workspace that currently grant something (active, or canceled within the paid '
  'period; expires_at says until when). Empty for non-members.';

-- Operators: why deliveries were refused, newest first (service role / SQL console only).
create or replace view billing.recent_webhook_rejections
with (security_invoker = true)
as
select d.id as delivery_id, d.webhook_id, d.event_type, d.received_at, d.outcome,
       d.error as reason,
       d.payload #>> '{data,id}' as polar_object_id,
       d.payload #> '{data,metadata}' as metadata
from billing.webhook_deliveries d
where d.outcome in ('rejected', 'failed')
  and d.received_at > now() - interval '30 days'
order by d.received_at desc;
revoke all on billing.recent_webhook_rejections from public, anon, authenticated;
grant select on billing.recent_webhook_rejections to service_role;
comment on view billing.recent_webhook_rejections is
  'Polar deliveries of the last 30 days that were refused (rejected/failed), with the reason; fix the checkout metadata or product configuration it names.';

create trigger tg_polar_subscriptions__set_updated_at
  before update on public.polar_subscriptions
  for each row execute function private.tg_set_updated_at();

create trigger tg_subscription_addons__set_updated_at
  before update on public.subscription_addons
  for each row execute function private.tg_set_updated_at();

create policy "owners and admins can read their workspace's subscriptions" on public.polar_subscriptions
  for select to authenticated using (workspace_id in (select private.member_workspace_ids('admin')));

create policy "owners and admins can read their workspace's addons" on public.subscription_addons
  for select to authenticated using (workspace_id in (select private.member_workspace_ids('admin')));
