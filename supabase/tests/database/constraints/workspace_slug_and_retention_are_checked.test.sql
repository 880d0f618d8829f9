-- Workspace slugs, tiers and retention ranges are checked by named constraints whose names
-- say the rule.
begin;
select plan(9);

select throws_ok($$ insert into public.workspaces (slug, name) values ('Bad_Slug', 'x') $$,
  '23514', 'new row for relation "workspaces" violates check constraint "workspaces_slug_is_3_to_48_lowercase_letters_digits_or_hyphens"',
  'a slug with capitals and underscores is rejected');
select throws_ok($$ insert into public.workspaces (slug, name) values ('ab', 'x') $$,
  '23514', 'new row for relation "workspaces" violates check constraint "workspaces_slug_is_3_to_48_lowercase_letters_digits_or_hyphens"',
  'a slug shorter than 3 characters is rejected');
select throws_ok($$ insert into public.workspaces (slug, name, tier) values ('acme', 'x', 'gold') $$,
  '23514', 'unknown tier "gold": use free, pro, team or enterprise',
  'an unknown tier is rejected');
select throws_ok($$ insert into public.workspaces (slug, name, retention_days) values ('acme', 'x', 400) $$,
  '23514', 'new row for relation "workspaces" violates check constraint "workspaces_retention_days_between_7_and_365"',
  'a workspace retention above 365 days is rejected');

insert into public.workspaces (id, slug, name) values ('00000000-0000-4000-8000-00000000000a', 'acme', 'Acme');
insert into public.tracked_repositories (id, owner, name) values ('00000000-0000-4000-8000-0000000000c1', 'acme', 'widgets');

select throws_ok($$ insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, data_retention_days)
                    values ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', 6) $$,
  '23514', 'new row for relation "workspace_tracked_repositories" violates check constraint "workspace_tracked_repositories_data_retention_days_7_to_365"',
  'a repository retention under 7 days is rejected');
select throws_ok($$ insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, sync_frequency_hours)
                    values ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-0000000000c1', 169) $$,
  '23514', 'new row for relation "workspace_tracked_repositories" violates check constraint "workspace_tracked_repositories_sync_frequency_hours_1_to_168"',
  'a sync frequency over a week is rejected');
select throws_ok($$ insert into public.subscription_addons (workspace_id, subscription_id, addon_type, product_id)
                    values ('00000000-0000-4000-8000-00000000000a', 'sub_x', 'more_stars', 'p') $$,
  '23514', 'new row for relation "subscription_addons" violates check constraint "subscription_addons_addon_type_is_known"',
  'an unknown addon type is rejected');

select is((select retention_days from public.workspaces where slug = 'acme'), 30,
  'a free workspace gets the free plan''s 30 days retention');
update public.workspaces set tier = 'team' where slug = 'acme';
select is((select retention_days from public.workspaces where slug = 'acme'), 180,
  'moving to the team tier moves a tier-default retention to the team plan''s 180 days');

select * from finish();
rollback;
