-- update_workspace_repository_settings refuses unknown keys, wrong types, out-of-range values
-- and a retention beyond the workspace's, naming the key and the allowed values.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(7);
update public.workspaces set retention_days = 90 where id = '00000000-0000-4000-8000-00000000000a';  -- pro, no addon

select tests.authenticate_as('owner');

select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"colour": "red"}') $$,
  '22023', 'update_workspace_repository_settings: unknown setting "colour"', 'an unknown setting is refused by name');
select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"sync_frequency_hours": 0}') $$,
  '22023', 'update_workspace_repository_settings: sync_frequency_hours must be a whole number of hours from 1 to 168, got 0',
  'a sync frequency of 0 hours is refused');
select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"data_retention_days": 3}') $$,
  '22023', 'update_workspace_repository_settings: data_retention_days must be a whole number of days from 7 to 365, got 3',
  'a retention of 3 days is refused');
select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"data_retention_days": 365}') $$,
  '22023', 'update_workspace_repository_settings: data_retention_days 365 exceeds the workspace''s retention of 90 days',
  'a retention beyond the pro workspace''s 90 days is refused');
select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', '{"fetch_issues": "yes"}') $$,
  '22023', 'update_workspace_repository_settings: fetch_issues must be true or false, got "yes"',
  'a non-boolean flag is refused');
select throws_ok($$ select public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c2', '{"fetch_issues": false}') $$,
  'P0002', 'update_workspace_repository_settings: repository 00000000-0000-4000-8000-0000000000c2 is not tracked by workspace 00000000-0000-4000-8000-00000000000a',
  'a repository the workspace does not track is refused');
select results_eq(
  $$ select sync_frequency_hours, data_retention_days, next_sync_at is not null
     from public.update_workspace_repository_settings('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1',
                                                      '{"sync_frequency_hours": 12, "data_retention_days": 60}') $$,
  $$ values (12, 60, true) $$,
  'valid settings are stored and the next sync is rescheduled');

select * from finish();
rollback;
