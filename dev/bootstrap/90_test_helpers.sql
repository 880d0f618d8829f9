-- pgTAP helpers in schema tests, in the manner of basejump's supabase_test_helpers (written
-- afresh here): create users in auth.users, impersonate them the way PostgREST does (role +
-- request.jwt.claims, transaction-local), and check that RLS is on. Local only. Idempotent.

set client_min_messages = warning;  -- quiet the "already exists, skipping" notices on re-runs

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

-- Creates a user findable by `identifier` (kept in raw_user_meta_data.test_identifier).
create or replace function tests.create_supabase_user(identifier text, email text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  user_id uuid;
begin
  insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at,
                          raw_app_meta_data, raw_user_meta_data)
  values (gen_random_uuid(), 'authenticated', 'authenticated',
          coalesce(email, identifier || '@test.com'), '', now(),
          '{"provider": "email", "providers": ["email"]}'::jsonb,
          jsonb_build_object('test_identifier', identifier))
  returning id into user_id;
  return user_id;
end
$$;

-- The user created for `identifier`, as json (id, email, phone, metadata).
create or replace function tests.get_supabase_user(identifier text)
returns json
language plpgsql
security definer
set search_path = ''
as $$
declare
  user_data json;
begin
  select json_build_object('id', u.id, 'email', u.email, 'phone', u.phone,
                           'raw_user_meta_data', u.raw_user_meta_data,
                           'raw_app_meta_data', u.raw_app_meta_data)
    into user_data
  from auth.users u
  where u.raw_user_meta_data ->> 'test_identifier' = identifier
  limit 1;
  if user_data is null then
    raise exception 'no test user with identifier %', identifier;
  end if;
  return user_data;
end
$$;

create or replace function tests.get_supabase_uid(identifier text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select (tests.get_supabase_user(identifier) ->> 'id')::uuid
$$;

-- Acts as that user until the end of the transaction: role authenticated + JWT claims.
-- (Not SECURITY DEFINER: Postgres forbids setting the role inside one.)
create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  user_data json := tests.get_supabase_user(identifier);
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', user_data ->> 'id',
    'role', 'authenticated',
    'aud', 'authenticated',
    'email', user_data ->> 'email',
    'phone', user_data ->> 'phone',
    'user_metadata', user_data -> 'raw_user_meta_data',
    'app_metadata', user_data -> 'raw_app_meta_data',
    'is_anonymous', false
  )::text, true);
end
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
end
$$;

-- Back to an unauthenticated request: role anon, no claims.
create or replace function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '', true);
end
$$;

-- True when every table (plain or partitioned) in the schema has RLS enabled.
create or replace function tests.rls_enabled(testing_schema text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select not exists (
    select 1
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = testing_schema
      and c.relkind in ('r', 'p')
      and not c.relrowsecurity
  )
$$;

create or replace function tests.rls_enabled(testing_schema text, test_table text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select c.relrowsecurity
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = testing_schema and c.relname = test_table
  ), false)
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
