-- Billing: Polar subscriptions and addons (readable by workspace owners/admins) and the webhook
-- delivery log (service role only). The webhook engineer's function fills them.

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
create index webhook_deliveries_received_at_idx on billing.webhook_deliveries (received_at);
alter table billing.webhook_deliveries enable row level security;
revoke all on billing.webhook_deliveries from public, anon, authenticated;
grant all on billing.webhook_deliveries to service_role;
comment on table billing.webhook_deliveries is
  'Every Polar webhook delivery once, by webhook-id (replays dedupe here), with what became of it.';

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
  updated_at timestamptz not null default now()
);
create index polar_subscriptions_workspace_id_idx on public.polar_subscriptions (workspace_id);
create trigger tg_polar_subscriptions__set_updated_at
  before update on public.polar_subscriptions
  for each row execute function private.tg_set_updated_at();
comment on table public.polar_subscriptions is
  'Polar subscriptions as last reported by webhook; last_event_at protects against out-of-order '
  'deliveries. Owners and admins of the workspace can read them; only the service role writes.';

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
  unique (subscription_id, addon_type)
);
create index subscription_addons_workspace_id_idx on public.subscription_addons (workspace_id, status);
create trigger tg_subscription_addons__set_updated_at
  before update on public.subscription_addons
  for each row execute function private.tg_set_updated_at();
comment on table public.subscription_addons is
  'Addons bought on Polar (the Extended Data Retention addon is its own product). '
  'Owners and admins of the workspace can read them; only the service role writes.';

alter table public.polar_subscriptions enable row level security;
alter table public.subscription_addons enable row level security;

create policy "owners and admins can read their workspace's subscriptions" on public.polar_subscriptions
  for select to authenticated using (workspace_id in (select private.member_workspace_ids('admin')));
create policy "owners and admins can read their workspace's addons" on public.subscription_addons
  for select to authenticated using (workspace_id in (select private.member_workspace_ids('admin')));

revoke all on public.polar_subscriptions, public.subscription_addons from anon, authenticated;
grant select on public.polar_subscriptions, public.subscription_addons to authenticated;
grant all on public.polar_subscriptions, public.subscription_addons to service_role;
