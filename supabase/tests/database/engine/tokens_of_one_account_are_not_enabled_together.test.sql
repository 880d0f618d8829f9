-- All tokens of one GitHub account share ONE rate limit, but budgets are kept per token: two
-- enabled tokens of one account would overdraw it. So the pool holds at most one enabled token
-- per account (case-insensitive), and says which tokens collide and what to do.
begin;
select plan(8);

insert into engine.github_tokens (label, vault_secret_id, kind, account)
values ('pat-octocat-1', gen_random_uuid(), 'pat', 'octocat');

select throws_ok(
  $$insert into engine.github_tokens (label, vault_secret_id, kind, account)
    values ('pat-octocat-2', gen_random_uuid(), 'pat', 'OctoCat')$$,
  '23505',
  'GitHub tokens pat-octocat-1 and pat-octocat-2 belong to account OctoCat, which has ONE rate limit: disable one, or use tokens of different accounts/installations',
  'A second enabled token of the same account (any case) is refused with both tokens named.');

insert into engine.github_tokens (label, vault_secret_id, kind, account, enabled)
values ('pat-octocat-2', gen_random_uuid(), 'pat', 'octocat', false);
select results_eq($$ select label, enabled from engine.github_tokens where account = 'octocat' order by label $$,
  $$ values ('pat-octocat-1', true), ('pat-octocat-2', false) $$,
  'A second token of the account may be kept disabled.');

select throws_ok(
  $$update engine.github_tokens set enabled = true where label = 'pat-octocat-2'$$,
  '23505',
  'GitHub tokens pat-octocat-1 and pat-octocat-2 belong to account octocat, which has ONE rate limit: disable one, or use tokens of different accounts/installations',
  'Enabling it while the other is enabled is refused.');

update engine.github_tokens set enabled = false where label = 'pat-octocat-1';
update engine.github_tokens set enabled = true where label = 'pat-octocat-2';
select is(
  (select array_agg(label order by label) from engine.github_tokens where account = 'octocat' and enabled),
  array['pat-octocat-2'],
  'Once the first token is disabled, the other token of the account can be enabled: one is enabled.');

insert into engine.github_tokens (label, vault_secret_id, kind, account)
values ('app-install-1', gen_random_uuid(), 'app', 'installation:42');
select throws_ok(
  $$update engine.github_tokens set account = 'installation:42' where label = 'pat-octocat-2'$$,
  '23505',
  'GitHub tokens app-install-1 and pat-octocat-2 belong to account installation:42, which has ONE rate limit: disable one, or use tokens of different accounts/installations',
  'Moving an enabled token onto an account that already has one is refused.');

insert into engine.github_tokens (label, vault_secret_id, kind, account) values
  ('pat-unknown-1', gen_random_uuid(), 'pat', null),
  ('pat-unknown-2', gen_random_uuid(), 'pat', null),
  ('pat-hubot', gen_random_uuid(), 'pat', 'hubot');
select is((select array_agg(label order by label) from engine.github_tokens where enabled and label in ('pat-unknown-1', 'pat-unknown-2', 'pat-hubot', 'app-install-1')),
  array['app-install-1', 'pat-hubot', 'pat-unknown-1', 'pat-unknown-2'],
  'Tokens without an account, and tokens of different accounts, are enabled side by side.');

select throws_ok(
  $$insert into engine.github_tokens (label, vault_secret_id, kind, account) values ('pat-blank', gen_random_uuid(), 'pat', '  ')$$,
  '23514', null,
  'A blank account is refused.');

select is(
  (select account from engine.token_budgets where label = 'pat-hubot' limit 1), 'hubot',
  'engine.token_budgets shows each token''s account.');

select * from finish();
rollback;
