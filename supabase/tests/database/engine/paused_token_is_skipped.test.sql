-- A token paused by a secondary limit is skipped by every reservation until the pause ends;
-- the other tokens of the pool carry on; with all paused, the wait is the end of the pause.
begin;
select plan(7);

insert into engine.github_tokens (id, label, vault_secret_id)
values ('00000000-0000-0000-0000-00000000a005', 'env:TEST_PAUSE_RICH', null),
       ('00000000-0000-0000-0000-00000000a006', 'env:TEST_PAUSE_POOR', null);
insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining)
values ('00000000-0000-0000-0000-00000000a005', 'graphql', 5000, 4000),
       ('00000000-0000-0000-0000-00000000a006', 'graphql', 5000, 2000);

select is((select token_id from engine.reserve_budget(1, 'graphql', 1000,
             array['00000000-0000-0000-0000-00000000a005', '00000000-0000-0000-0000-00000000a006']::uuid[])),
  '00000000-0000-0000-0000-00000000a005'::uuid, 'the token with the most headroom is picked');

select ok(engine.pause_token('00000000-0000-0000-0000-00000000a005', now() + interval '60 seconds') >= now() + interval '60 seconds',
  'pause_token returns the end of the pause');
select is((select token_id from engine.reserve_budget(1, 'graphql', 1000,
             array['00000000-0000-0000-0000-00000000a005', '00000000-0000-0000-0000-00000000a006']::uuid[])),
  '00000000-0000-0000-0000-00000000a006'::uuid, 'the paused token is skipped; the other one serves');

select engine.pause_token('00000000-0000-0000-0000-00000000a005', now() + interval '5 seconds');
select ok((select paused_until >= now() + interval '60 seconds' from engine.rate_limit_budgets
           where token_id = '00000000-0000-0000-0000-00000000a005' and resource = 'graphql'),
  'a shorter pause never shortens a longer one');
select is((select count(*)::int from engine.rate_limit_budgets where token_id = '00000000-0000-0000-0000-00000000a005'
           and paused_until is not null), 2, 'the pause covers every resource of the token');

select engine.pause_token('00000000-0000-0000-0000-00000000a006', now() + interval '30 seconds');
select results_eq(
  $$ select token_id, wait_until = now() + interval '30 seconds', reason from engine.reserve_budget(1, 'graphql', 1000,
       array['00000000-0000-0000-0000-00000000a005', '00000000-0000-0000-0000-00000000a006']::uuid[]) $$,
  $$ values (null::uuid, true, 'every token is paused by a GitHub secondary rate limit') $$,
  'with every token paused, nothing is reserved and the wait is the earliest end of a pause');

update engine.rate_limit_budgets set paused_until = now() - interval '1 second'
where token_id = '00000000-0000-0000-0000-00000000a006';
select is((select token_id from engine.reserve_budget(1, 'graphql', 1000,
             array['00000000-0000-0000-0000-00000000a005', '00000000-0000-0000-0000-00000000a006']::uuid[])),
  '00000000-0000-0000-0000-00000000a006'::uuid, 'once a pause has ended the token serves again');

select * from finish();
rollback;
