-- Two chunk commits of different jobs over the same repository (an addon backfill and a
-- scheduled sync, say) both mark that repository's activity days. Inserting the same keys in
-- different orders makes each wait for the other's uncommitted row: a deadlock that aborts one
-- chunk. Marking days in key order (repository, date) gives every writer the same lock order.
create or replace function private.tg_content__mark_activity_days()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  case tg_table_name
    when 'commits' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, private.utc_day(n.committed_at) from new_rows n
      order by 1, 2
      on conflict do nothing;
    when 'pull_requests' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, d from new_rows n
      cross join lateral (values (private.utc_day(n.created_at)), (private.utc_day(n.merged_at)),
                                 (private.utc_day(n.closed_at))) v(d)
      where d is not null
      order by 1, 2
      on conflict do nothing;
    when 'issues' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, d from new_rows n
      cross join lateral (values (private.utc_day(n.created_at)), (private.utc_day(n.closed_at))) v(d)
      where d is not null
      order by 1, 2
      on conflict do nothing;
    when 'star_history' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, n.day from new_rows n
      order by 1, 2
      on conflict do nothing;
    when 'forks' then
      insert into private.daily_activity_dirty_days (repository_id, date)
      select distinct n.repository_id, private.utc_day(n.created_at) from new_rows n
      order by 1, 2
      on conflict do nothing;
  end case;
  return null;
end
$$;
revoke execute on function private.tg_content__mark_activity_days() from public, anon, authenticated;
comment on function private.tg_content__mark_activity_days() is
  'Statement trigger: records the repository days a write to a content table touched (in key '
  'order, so concurrent writers never deadlock), for the incremental daily activity refresh.';
