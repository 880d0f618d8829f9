-- supabase/seed.sql (what `supabase db reset` and a new local dev cluster apply after the
-- migrations) applies cleanly on the migrated schema, twice without a second effect, and
-- creates the demo workspace it promises: "example", pro tier, owner/admin/member, two
-- simulator repositories, no backfill job and no sync due yet.
begin;
select plan(6);

-- A database seeded before (and used since: `supabase start`, a local dev cluster) starts over
-- inside this transaction, so the test sees what the seed itself makes.
delete from public.workspaces where slug = 'example';
delete from auth.users where email in ('owner@example.com', 'admin@example.com', 'member@example.com');

\ir ../../../seed.sql
\ir ../../../seed.sql

select is((select count(*)::int from public.workspaces where slug = 'example'), 1,
  'the seed creates workspace "example" once, applied twice');
select is((select tier || ' ' || retention_days from public.workspaces where slug = 'example'), 'pro 90',
  'the workspace is on the pro tier with its default retention');
select results_eq(
  $$select u.email::text, m.role from public.workspace_members m join public.workspaces w on w.id = m.workspace_id
    join auth.users u on u.id = m.user_id where w.slug = 'example' order by 1$$,
  $$values ('admin@example.com', 'admin'), ('member@example.com', 'member'), ('owner@example.com', 'owner')$$,
  'owner, admin and member belong to it');
select results_eq(
  $$select t.full_name from public.workspace_tracked_repositories wt join public.workspaces w on w.id = wt.workspace_id
    join public.tracked_repositories t on t.id = wt.tracked_repository_id where w.slug = 'example' order by 1$$,
  $$values ('globex/docs'), ('globex/engine')$$,
  'it tracks the two simulator repositories');
select ok((select bool_and(wt.next_sync_at > now()) from public.workspace_tracked_repositories wt
  join public.workspaces w on w.id = wt.workspace_id where w.slug = 'example'),
  'no scheduled sync is due yet');
select is((select count(*)::int from public.backfill_jobs j join public.workspaces w on w.id = j.workspace_id
  where w.slug = 'example'), 0, 'no backfill job is started by the seed');
select * from finish();
rollback;
