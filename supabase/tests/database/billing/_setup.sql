-- Setup shared by the billing tests (included with \ir inside each test's transaction, as
-- postgres): a pro workspace 'billing-ws' (tier default 90 days) tracking two repositories, its
-- owner, a member and an outsider, the checkout 'co_billing' the owner created for it through
-- polar-checkout, and two helpers that build a Polar subscription event of that checkout and
-- deliver it through private.process_polar_webhook with 'prod_addon' as the addon product.

select tests.create_supabase_user('billing_owner');
select tests.create_supabase_user('billing_member');
select tests.create_supabase_user('billing_outsider');

insert into public.workspaces (id, slug, name, tier)
values ('00000000-0000-4000-8000-0000000b0001', 'billing-ws', 'Billing WS', 'pro');
insert into public.workspace_members (workspace_id, user_id, role)
values ('00000000-0000-4000-8000-0000000b0001', tests.get_supabase_uid('billing_owner'), 'owner'),
       ('00000000-0000-4000-8000-0000000b0001', tests.get_supabase_uid('billing_member'), 'member');
select private.record_polar_checkout('00000000-0000-4000-8000-0000000b0001', tests.get_supabase_uid('billing_owner'),
  'co_billing', 'prod_addon', 'https://polar.test/checkout/co_billing', now() + interval '1 day');
with repos as (
  insert into public.tracked_repositories (owner, name)
  values ('billing-ws', 'one'), ('billing-ws', 'two')
  returning id)
insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
select '00000000-0000-4000-8000-0000000b0001', id from repos;

create function pg_temp.sub_event(
  type text, sub_id text, at timestamptz,
  status text default 'active', cancel_at_period_end boolean default false,
  period_end timestamptz default now() + interval '30 days',
  metadata jsonb default '{"workspace_id": "00000000-0000-4000-8000-0000000b0001"}', product text default 'prod_addon',
  checkout_id text default 'co_billing', customer_external_id text default null)
returns jsonb
language sql
as $$
  select jsonb_build_object('type', type, 'timestamp', at, 'data', jsonb_build_object(
    'id', sub_id, 'status', status, 'product_id', product, 'customer_id', 'cus_' || sub_id,
    'current_period_end', period_end, 'cancel_at_period_end', cancel_at_period_end,
    'canceled_at', case when cancel_at_period_end or type = 'subscription.revoked' then at end,
    'ended_at', case when type = 'subscription.revoked' then at end,
    'started_at', at, 'metadata', metadata, 'checkout_id', checkout_id,
    'customer', jsonb_build_object('id', 'cus_' || sub_id, 'external_id', customer_external_id)))
$$;

create function pg_temp.deliver(webhook_id text, event jsonb)
returns jsonb
language sql
as $$
  select private.process_polar_webhook(webhook_id, event ->> 'type', (event ->> 'timestamp')::timestamptz,
                                       event, array['prod_addon'])
$$;

create function pg_temp.ws() returns uuid language sql as $$ select '00000000-0000-4000-8000-0000000b0001'::uuid $$;
