-- Owners and admins connect a GitHub token for their workspace's private repositories: its value
-- goes to Vault only, it is listed (never shown) to that workspace's admins, and the budget leases
-- it for that workspace only; the platform pool never leases it, another workspace cannot use,
-- see or remove it.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(12);

select tests.authenticate_as('member');
select throws_ok($$ select public.connect_github_token('00000000-0000-4000-8000-00000000000a', 'ghp_' || repeat('a', 36)) $$,
  '42501', null, 'a plain member cannot connect a token');
select tests.authenticate_as('admin');
select throws_ok($$ select public.connect_github_token('00000000-0000-4000-8000-00000000000a', 'not a token') $$,
  '22023', null, 'something that is not a GitHub token is refused');
create temp table connected as
select public.connect_github_token('00000000-0000-4000-8000-00000000000a', 'ghp_' || repeat('s', 36), 'acme-bot') as id;
grant select on connected to public;
select is((select count(*)::int from public.github_credentials('00000000-0000-4000-8000-00000000000a')), 1,
  'the admin sees the connected token listed');
select is((select to_jsonb(c) ? 'token' or to_jsonb(c)::text like '%sssss%' from public.github_credentials('00000000-0000-4000-8000-00000000000a') c), false,
  'the listing never shows the token''s value');
select tests.authenticate_as('other_owner');
select throws_ok($$ select * from public.github_credentials('00000000-0000-4000-8000-00000000000a') $$, '42501', null,
  'another workspace''s owner cannot list it');
select throws_ok($$ select public.disconnect_github_token('00000000-0000-4000-8000-00000000000a', (select id from connected)) $$,
  '42501', null, 'nor remove it');
reset role;

select is((select count(*)::int from engine.github_tokens t where t.id = (select id from connected)
           and t.workspace_id = '00000000-0000-4000-8000-00000000000a' and t.vault_secret_id is not null
           and to_jsonb(t)::text not like '%sssss%'), 1,
  'the table holds the workspace and the Vault id, not the value');
select is(engine.github_token_secret((select id from connected)), 'ghp_' || repeat('s', 36), 'the worker can read it from Vault');

insert into engine.github_tokens (id, label, vault_secret_id) values ('00000000-0000-4000-8000-0000000d0001', 'platform', gen_random_uuid());
select is((select token_id from engine.reserve_budget(1, 'graphql', 0)), '00000000-0000-4000-8000-0000000d0001'::uuid,
  'the platform pool leases the platform token only');
select is((select token_id from engine.reserve_budget(1, 'graphql', 0, null, '00000000-0000-4000-8000-00000000000a')),
  (select id from connected), 'the workspace''s scope leases its own token');
select throws_ok($$ select * from engine.reserve_budget(1, 'graphql', 0, null, '00000000-0000-4000-8000-00000000000b') $$,
  'P0002', 'workspace 00000000-0000-4000-8000-00000000000b has no enabled GitHub token: an owner or admin connects one with connect_github_token',
  'another workspace''s scope never leases it');

select tests.authenticate_as('owner');
select public.disconnect_github_token('00000000-0000-4000-8000-00000000000a', (select id from connected));
reset role;
select is((select count(*)::int from vault.secrets where name = 'github_token:' || (select id from connected)), 0,
  'disconnecting deletes the Vault secret');

select * from finish();
rollback;
