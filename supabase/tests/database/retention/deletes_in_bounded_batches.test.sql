-- One call never deletes more than its batch size; repeated calls finish the work. (The daily
-- pg_cron job CALLs the committing procedure, which cannot run inside this test's transaction:
-- supabase/tests/e2e/retention_cleanup_commits_each_batch.test.ts calls it as pg_cron does.)
begin;
select plan(5);
\ir _dataset.sql

insert into public.commits (repository_id, sha, committed_at)
select 6002, lpad(to_hex(g), 40, '0'), now() - interval '40 days' - make_interval(mins => g)
from generate_series(1, 12) g;
insert into public.commits (repository_id, sha, committed_at) values (6002, repeat('f', 40), now());

select is(private.delete_expired_content(5), 5, 'a batch of 5 deletes exactly 5 rows');
select is(private.delete_expired_content(5), 5, 'the next batch deletes 5 more');
select is(private.delete_expired_content(5), 2, 'the last batch deletes the remaining 2 and says it is done');
select is((select count(*)::int from public.commits where repository_id = 6002), 1, 'only the recent commit is left');
select is((select count(*)::int from engine.retention_deletions where table_name = 'commits'), 3,
  'each batch records its own deletion row');

select * from finish();
rollback;
