-- GitHub allows a user 100 concurrent requests, GraphQL and REST together: reserve_budget keeps
-- each token's unreconciled reservations of both resources under max_concurrent_requests_per_token,
-- sends the next request to another token, and asks a moment's wait when every token is full.
begin;
select plan(6);
update engine.worker_settings set max_concurrent_requests_per_token = 3, graphql_points_per_minute = 2000,
  rest_points_per_minute = 900;
delete from engine.github_tokens where workspace_id is null;
insert into engine.github_tokens (id, label, vault_secret_id) values
  ('00000000-0000-4000-8000-0000000f3001', 'capped-a', gen_random_uuid()),
  ('00000000-0000-4000-8000-0000000f3002', 'capped-b', gen_random_uuid());
create temp table leased (token_id uuid, resource text, reservation_id bigint);
do $$ begin
  for i in 1..2 loop
    insert into leased select token_id, 'graphql', reservation_id
    from engine.reserve_budget(1, 'graphql', 0, array['00000000-0000-4000-8000-0000000f3001']::uuid[]);
  end loop;
  insert into leased select token_id, 'core', reservation_id
  from engine.reserve_budget(1, 'core', 0, array['00000000-0000-4000-8000-0000000f3001']::uuid[]);
end $$;
select is((select count(token_id)::int from leased), 3, 'three requests (two GraphQL, one REST) fit under a cap of three');

create temp table refused as
  select * from engine.reserve_budget(1, 'graphql', 0, array['00000000-0000-4000-8000-0000000f3001']::uuid[]);
select is((select token_id from refused), null, 'a fourth request on that token is not sent');
select matches((select reason from refused), '3 requests in flight', 'the reason names the concurrency cap');
select ok((select wait_until from refused) <= clock_timestamp() + interval '200 milliseconds',
  'it may try again in a moment: a request in flight ends within its latency');

select is((select token_id from engine.reserve_budget(1, 'graphql', 0, array['00000000-0000-4000-8000-0000000f3001',
  '00000000-0000-4000-8000-0000000f3002']::uuid[])), '00000000-0000-4000-8000-0000000f3002'::uuid,
  'with a second token in the pool the request goes to the one with free concurrency');

select engine.reconcile_budget(token_id, 1, 1, 4990, now() + interval '1 hour', 5000, resource, reservation_id)
from leased where resource = 'core';
select isnt((select token_id from engine.reserve_budget(1, 'graphql', 0, array['00000000-0000-4000-8000-0000000f3001']::uuid[])),
  null, 'once one request is reconciled the first token takes another');

select * from finish();
rollback;
