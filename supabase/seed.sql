-- Demo data for a local database, applied after the migrations: by `supabase start` and
-- `supabase db reset` (config.toml [db.seed]), and by the local stack when `npm run stack:up`
-- creates its dev cluster and on every `npm run stack:reset`. Never run on a hosted project.
-- Idempotent: rows that exist are left alone.
--
-- Workspace "example" (pro tier: 90 days of retention) with an owner, an admin and a member
-- (owner@example.com, admin@example.com, member@example.com; no passwords: locally, sign in
-- with `npm run user:token -- --email owner@example.com`), tracking two repositories of the
-- GitHub simulator's default dataset: globex/docs and globex/engine. No backfill job yet: buy
-- the addon with `npm run polar:send -- --workspace example`, or call public.start_manual_backfill as
-- the owner. Their first scheduled sync is a day away, so nothing runs until you ask.

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email, '', now(),
       '{"provider": "email", "providers": ["email"]}', jsonb_build_object('full_name', u.full_name), now(), now()
from (values
  ('5eed0000-0000-4000-8000-000000000001'::uuid, 'owner@example.com', 'Example Owner'),
  ('5eed0000-0000-4000-8000-000000000002'::uuid, 'admin@example.com', 'Example Admin'),
  ('5eed0000-0000-4000-8000-000000000003'::uuid, 'member@example.com', 'Example Member')
) as u (id, email, full_name)
on conflict do nothing;

insert into public.workspaces (id, slug, name, tier)
values ('5eed0000-0000-4000-8000-0000000000a1', 'example', 'Example workspace', 'pro')
on conflict do nothing;

-- By email: a user of that email may already exist under another id.
insert into public.workspace_members (workspace_id, user_id, role)
select w.id, u.id, m.role
from public.workspaces w
cross join (values ('owner@example.com', 'owner'), ('admin@example.com', 'admin'), ('member@example.com', 'member'))
  as m (email, role)
join auth.users u on u.email = m.email
where w.slug = 'example'
on conflict do nothing;

insert into public.tracked_repositories (owner, name)
values ('globex', 'docs'), ('globex', 'engine')
on conflict do nothing;

insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, added_by, next_sync_at)
select w.id, t.id, (select u.id from auth.users u where u.email = 'owner@example.com'), now() + interval '1 day'
from public.workspaces w
join public.tracked_repositories t on lower(t.full_name) in ('globex/docs', 'globex/engine')
where w.slug = 'example'
on conflict do nothing;
