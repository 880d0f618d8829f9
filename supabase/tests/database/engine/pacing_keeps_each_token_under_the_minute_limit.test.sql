-- Pacing under GitHub's secondary limit (2,000 GraphQL points a minute per token): a token's
-- bucket holds half a minute's points and refills with the other half over the minute, so no
-- rolling minute goes over the limit; a request it cannot cover waits, and says so.
begin;
select plan(4);
update engine.worker_settings set graphql_points_per_minute = 2000;
insert into engine.github_tokens (id, label, vault_secret_id) values ('00000000-0000-4000-8000-0000000f2001', 'paced', gen_random_uuid());
-- One reservation per statement, as workers make them.
create temp table leased (token_id uuid);
do $$ begin
  for i in 1..10 loop
    insert into leased select token_id from engine.reserve_budget(100, 'graphql', 0, array['00000000-0000-4000-8000-0000000f2001']::uuid[]);
  end loop;
end $$;
select is((select count(token_id)::int from leased), 10, 'ten 100-point requests in a row fit in the bucket of 1,000');
create temp table refused as select * from engine.reserve_budget(100, 'graphql', 0, array['00000000-0000-4000-8000-0000000f2001']::uuid[]);
select is((select token_id from refused), null, 'the eleventh within the same moment is not sent');
select matches((select reason from refused), 'pacing under GitHub''s per-minute limit \(2000 points a minute per token\)',
  'the reason names the pacing and the limit');
select ok((select wait_until from refused) between clock_timestamp() + interval '5 seconds' and clock_timestamp() + interval '7 seconds',
  'it may go once the bucket refilled 100 points: in about 6 s');

select * from finish();
rollback;
