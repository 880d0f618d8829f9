-- One call never deletes more than its batch size; repeated calls finish the work; the
-- retention-cleanup pg_cron job runs one bounded batch (every 10 minutes: each run is its own
-- short transaction, so nothing holds locks for long).
begin;
select plan(6);
\ir _dataset.psql

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
-- The cron job's own command, as pg_cron runs it: one bounded batch.
insert into public.commits (repository_id, sha, committed_at)
select 6002, md5(i::text) || repeat('0', 8), now() - interval '400 days' from generate_series(1, 3) i;
do $$ begin execute (select command from cron.job where jobname = 'retention-cleanup'); end $$;
select is((select count(*)::int from public.commits where repository_id = 6002), 1,
  'the retention-cleanup cron job''s command deletes what expired since');

select * from finish();
rollback;
