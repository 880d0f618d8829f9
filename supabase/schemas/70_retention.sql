-- Retention clean-up. Content of a repository is kept for the LONGEST retention of any workspace
-- that tracks it (workspaces.retention_days), so one workspace's short plan never deletes what
-- another paid to keep. Repositories no workspace tracks any more are left alone.
--
-- Bounded batches: private.delete_expired_content(batch_rows) deletes at most batch_rows rows per
-- call, one table per statement, by ctid; the cron job runs one batch every 10 minutes, each in its
-- own transaction, and each batch records what it deleted in engine.retention_deletions.

create table engine.retention_deletions (
  id bigint generated always as identity primary key,
  deleted_at timestamptz not null default now(),
  table_name text not null,
  repository_id bigint not null,
  retention_days int not null,
  cutoff timestamptz not null,
  rows_deleted int not null check (rows_deleted > 0)
);
alter table engine.retention_deletions enable row level security;
revoke all on engine.retention_deletions from public, anon, authenticated;
grant select on engine.retention_deletions to service_role;
comment on table engine.retention_deletions is
  'What the retention clean-up deleted: per batch, table and repository, the rows removed and the '
  'cutoff used (the longest retention of any workspace tracking the repository).';

create index retention_deletions_deleted_at_idx on engine.retention_deletions (deleted_at);

-- Tables in deletion order (children first) with the expression that dates a row.
create or replace function private.retention_targets()
returns table (table_name text, age_expression text)
language sql
immutable
set search_path = ''
as $$
  values ('review_comments', 'coalesce(x.updated_at, x.created_at)'),
         ('issue_comments', 'coalesce(x.updated_at, x.created_at)'),
         ('discussion_comments', 'coalesce(x.updated_at, x.created_at)'),
         ('reviews', 'x.submitted_at'),
         ('pull_requests', 'coalesce(x.updated_at, x.closed_at, x.created_at)'),
         ('issues', 'coalesce(x.updated_at, x.closed_at, x.created_at)'),
         ('discussions', 'coalesce(x.updated_at, x.created_at)'),
         ('commits', 'x.committed_at'),
         ('forks', 'x.created_at'),
         ('star_history', 'x.day::timestamp at time zone ''utc'''),
         ('daily_activity_metrics', 'x.date::timestamp at time zone ''utc''')
$$;
revoke execute on function private.retention_targets() from public, anon, authenticated;

create or replace function private.delete_expired_content(batch_rows int default 5000)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  budget int := greatest(coalesce(batch_rows, 5000), 1);
  target record;
  n int;
  total int := 0;
begin
  for target in select * from private.retention_targets() loop
    exit when budget <= 0;
    -- Rows are picked by ctid through the repository index, then deleted by ctid (a TID scan):
    -- the statement touches at most `budget` rows.
    execute format($q$
      with doomed as (
        select x.ctid as row_id, x.repository_id, c.retention_days, c.cutoff
        from private.repository_retention_cutoffs c
        join public.%1$I x on x.repository_id = c.repository_id
        where %2$s < c.cutoff
        limit $1
      ),
      gone as (
        delete from public.%1$I x
        where x.ctid = any (array(select d.row_id from doomed d))
        returning x.repository_id
      ),
      logged as (
        insert into engine.retention_deletions (table_name, repository_id, retention_days, cutoff, rows_deleted)
        select %1$L, g.repository_id, min(d.retention_days), min(d.cutoff), count(*)
        from gone g join (select distinct repository_id, retention_days, cutoff from doomed) d using (repository_id)
        group by g.repository_id
        returning rows_deleted
      )
      select coalesce(sum(rows_deleted), 0)::int from logged
    $q$, target.table_name, target.age_expression)
    into n using budget;
    budget := budget - n;
    total := total + n;
  end loop;
  return total;
end
$$;
revoke execute on function private.delete_expired_content(int) from public, anon, authenticated;
grant execute on function private.delete_expired_content(int) to service_role;
comment on function private.delete_expired_content(int) is
  'Deletes at most batch_rows content rows older than their repository''s cutoff (longest retention '
  'of the workspaces tracking it), children first, and records them in engine.retention_deletions. '
  'Returns the rows deleted; 0 means nothing is expired. pg_cron runs one batch every 10 minutes.';

create or replace view private.repository_retention_cutoffs with (security_invoker = true) as
select t.repository_id,
       max(w.retention_days) as retention_days,
       (private.utc_day(now()) - max(w.retention_days))::timestamp at time zone 'utc' as cutoff
from public.workspace_tracked_repositories wtr
join public.workspaces w on w.id = wtr.workspace_id
join public.tracked_repositories t on t.id = wtr.tracked_repository_id
where t.repository_id is not null
group by t.repository_id;
revoke all on private.repository_retention_cutoffs from public, anon, authenticated;
grant select on private.repository_retention_cutoffs to service_role;
comment on view private.repository_retention_cutoffs is
  'Per tracked repository: the longest retention of the workspaces tracking it and the cutoff '
  '(start of the UTC day retention_days ago); content before the cutoff is expired.';

-- Every 10 minutes, one bounded batch in its own transaction (pg_cron runs each command as one):
-- up to 2.9 million expired rows a day, no statement holding locks for long, and no procedure
-- (COMMIT inside one forbids the search_path setting every function here pins).
select cron.schedule('retention-cleanup', '*/10 * * * *', $$select private.delete_expired_content(20000)$$);
