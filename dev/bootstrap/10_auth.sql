-- Stand-in for Supabase Auth's database objects: schema auth, auth.users (the columns projects
-- read), and auth.uid()/role()/email()/jwt() with the same bodies as Supabase's, reading the
-- JSON setting `request.jwt.claims` (PostgREST 9+) and falling back to the legacy
-- `request.jwt.claim.<name>` settings. Idempotent.

set client_min_messages = warning;  -- quiet the "already exists, skipping" notices on re-runs

create schema if not exists auth;

-- On Supabase: usage on auth for the API roles (so policies can call auth.uid()), but no
-- privileges on auth.users for anon/authenticated/service_role; postgres has them.
grant usage on schema auth to postgres, anon, authenticated, service_role;

create table if not exists auth.users (
  instance_id uuid,
  id uuid not null primary key default gen_random_uuid(),
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  banned_until timestamptz,
  deleted_at timestamptz,
  is_sso_user boolean not null default false,
  is_anonymous boolean not null default false
);
-- Defaults GoTrue fills in on sign-up, so rows inserted by tests look like real users.
alter table auth.users alter column aud set default 'authenticated';
alter table auth.users alter column role set default 'authenticated';
alter table auth.users alter column raw_app_meta_data set default '{"provider": "email", "providers": ["email"]}'::jsonb;
alter table auth.users alter column raw_user_meta_data set default '{}'::jsonb;
alter table auth.users alter column created_at set default now();
alter table auth.users alter column updated_at set default now();
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;
create index if not exists users_instance_id_idx on auth.users (instance_id);

revoke all on table auth.users from public, anon, authenticated, service_role;
grant all on table auth.users to postgres;

-- Same definitions as Supabase Auth's (migration 20220224000811_update_auth_functions).
create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead.';
comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead.';

-- Executable by everyone, as on Supabase (PUBLIC keeps its default execute privilege).
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to postgres, anon, authenticated, service_role;
