-- The addon goes to the workspace its checkout was made for (polar-checkout, by an owner or
-- admin), or to metadata.workspace_id when the buyer is an owner or admin of it. Tried as an
-- attacker: paying with somebody else's workspace id or slug attaches nothing; a subscription
-- keeps its workspace for good, also after that workspace is deleted.
begin;
select plan(14);
\ir _setup.psql

select tests.create_supabase_user('attacker');
insert into public.workspaces (id, slug, name) values ('00000000-0000-4000-8000-0000000b0002', 'attacker-ws', 'Attacker');
insert into public.workspace_members (workspace_id, user_id, role)
values ('00000000-0000-4000-8000-0000000b0002', tests.get_supabase_uid('attacker'), 'owner');
select private.record_polar_checkout('00000000-0000-4000-8000-0000000b0002', tests.get_supabase_uid('attacker'),
  'co_attacker', 'prod_addon', 'https://polar.test/checkout/co_attacker', now() + interval '1 day');

select is(pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_checkout', now())) ->> 'workspace_id',
  pg_temp.ws()::text, 'A subscription of the checkout recorded for the workspace is attached to it.');

-- The attacker pays on Polar naming the victim's workspace, without a checkout of it.
select is(pg_temp.deliver('wh_2', pg_temp.sub_event('subscription.active', 'sub_steal', now(),
  checkout_id => null, customer_external_id => tests.get_supabase_uid('attacker')::text)) ->> 'outcome',
  'rejected', 'Naming another workspace''s id without its checkout attaches nothing.');
select matches((select error from billing.webhook_deliveries where webhook_id = 'wh_2'),
  'is not an owner or admin of it', 'The rejection says the buyer is not an owner or admin of that workspace.');
select is(pg_temp.deliver('wh_3', pg_temp.sub_event('subscription.active', 'sub_slug', now(),
  metadata => '{"workspace_id": "billing-ws"}', checkout_id => null)) ->> 'outcome',
  'rejected', 'A slug is never resolved.');
select matches((select error from billing.webhook_deliveries where webhook_id = 'wh_3'), 'slugs are not accepted',
  'The rejection says slugs are not accepted.');
select is(pg_temp.deliver('wh_4', pg_temp.sub_event('subscription.active', 'sub_mixed', now(),
  checkout_id => 'co_attacker')) ->> 'outcome',
  'rejected', 'The attacker''s own checkout with metadata naming the victim''s workspace is refused.');
select is(pg_temp.deliver('wh_5', pg_temp.sub_event('subscription.active', 'sub_member', now(),
  checkout_id => null, customer_external_id => tests.get_supabase_uid('billing_member')::text)) ->> 'outcome',
  'rejected', 'A plain member of the workspace cannot attach an addon without a checkout.');
select results_eq(
  $$ select (select count(*)::int from public.subscription_addons where subscription_id in ('sub_steal', 'sub_slug', 'sub_mixed', 'sub_member')),
            (select count(*)::int from public.backfill_jobs where workspace_id = pg_temp.ws()) $$,
  $$ values (0, 1) $$,
  'The refused subscriptions left no addon and no job behind (only the checkout''s purchase started one).');

select is(pg_temp.deliver('wh_6', pg_temp.sub_event('subscription.active', 'sub_owner', now(),
  checkout_id => null, customer_external_id => tests.get_supabase_uid('billing_owner')::text)) ->> 'workspace_id',
  pg_temp.ws()::text, 'Without a recorded checkout, a buyer who owns the named workspace gets the addon.');

select is(pg_temp.deliver('wh_7', pg_temp.sub_event('subscription.updated', 'sub_checkout', now() + interval '1 second',
  metadata => '{}', checkout_id => null)) ->> 'workspace_id',
  pg_temp.ws()::text, 'A recorded subscription keeps its workspace; later events need no metadata.');

-- The victim's workspace is deleted; the attacker takes its slug.
delete from public.workspaces where id = pg_temp.ws();
insert into public.workspaces (id, slug, name) values ('00000000-0000-4000-8000-0000000b0003', 'billing-ws', 'Same slug');
select is(pg_temp.deliver('wh_8', pg_temp.sub_event('subscription.updated', 'sub_checkout', now() + interval '2 seconds')) ->> 'outcome',
  'rejected', 'A subscription of a deleted workspace is not moved anywhere.');
select matches((select error from billing.webhook_deliveries where webhook_id = 'wh_8'), 'deleted',
  'The rejection says its workspace was deleted.');
select is((select count(*)::int from public.subscription_addons where workspace_id = '00000000-0000-4000-8000-0000000b0003'), 0,
  'The new workspace with the old slug got no addon.');
select is((select retention_days from public.workspaces where id = '00000000-0000-4000-8000-0000000b0003'), 30,
  'Its retention stays the free default.');

select * from finish();
rollback;
