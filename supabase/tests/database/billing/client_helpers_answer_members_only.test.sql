-- The subscription helpers answer a workspace's members (any role) and the service role; others
-- learn nothing; anonymous callers may not call them.
begin;
select plan(9);
\ir _setup.psql
-- pg_temp helpers are the test owner's: the impersonated roles below use the literal id.

select pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_1', now()));

select tests.authenticate_as('billing_member');
select is(public.workspace_has_extended_retention('00000000-0000-4000-8000-0000000b0001'), true, 'A member sees the extended retention.');
select is(public.workspace_retention_days('00000000-0000-4000-8000-0000000b0001'), 365, 'A member sees 365 days of retention.');
select results_eq($$ select addon_type, status, retention_days from public.workspace_active_addons('00000000-0000-4000-8000-0000000b0001') $$,
  $$ values ('extended_retention'::text, 'active'::text, 365) $$, 'A member sees the active addon.');

select tests.authenticate_as('billing_outsider');
select is(public.workspace_has_extended_retention('00000000-0000-4000-8000-0000000b0001'), false, 'An outsider is told false.');
select is(public.workspace_retention_days('00000000-0000-4000-8000-0000000b0001'), null, 'An outsider gets no retention.');
select is_empty($$ select * from public.workspace_active_addons('00000000-0000-4000-8000-0000000b0001') $$, 'An outsider sees no addons.');

select tests.authenticate_as_service_role();
select is(public.workspace_has_extended_retention('00000000-0000-4000-8000-0000000b0001'), true, 'The service role sees every workspace.');

select tests.clear_authentication();
select throws_ok($$ select public.workspace_has_extended_retention('00000000-0000-4000-8000-0000000b0001') $$, '42501', null,
  'Anonymous callers may not ask.');
select throws_ok($$ select public.workspace_active_addons('00000000-0000-4000-8000-0000000b0001') $$, '42501', null,
  'Anonymous callers may not list addons.');

select * from finish();
rollback;
