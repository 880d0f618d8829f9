-- Local stand-in for the platform objects hosted Supabase has before any migration runs:
-- API roles, their grants on public, the extensions schema, pg_cron, the realtime publication.
-- Applied as superuser `postgres`; idempotent (safe to re-apply).
-- Local tooling only: nothing under supabase/ may depend on this file.

set client_min_messages = warning;  -- quiet the "already exists, skipping" notices on re-runs

-- Roles -------------------------------------------------------------------------------------
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
end
$$;

-- Re-assert the attributes on every run (a previous, different bootstrap may have made them).
alter role anon nologin noinherit;
alter role authenticated nologin noinherit;
alter role service_role nologin noinherit bypassrls;
alter role authenticator login noinherit password 'postgres';

-- PostgREST logs in as authenticator and switches to one of these per request.
grant anon, authenticated, service_role to authenticator;

-- Schema public: Supabase exposes it to the API roles; RLS is what protects rows.
-- (Only default privileges, no "grant ... on all tables": re-applying this file after the
-- migrations must not undo a migration's revokes.)
grant usage on schema public to postgres, anon, authenticated, service_role;

alter default privileges for role postgres in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to anon, authenticated, service_role;

-- Schema graphql_public is in the default API schemas of config.toml; on Supabase pg_graphql
-- owns it. Only the empty schema is provided here, so tooling that lists it finds it.
create schema if not exists graphql_public;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;

-- Extensions schema -----------------------------------------------------------------------
create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema extensions
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema extensions
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema extensions
  grant all on sequences to postgres, anon, authenticated, service_role;

create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

alter database postgres set search_path = "$user", public, extensions;

-- pg_cron (Debian's 1.4; needs shared_preload_libraries='pg_cron' and cron.database_name).
-- A new hosted project does not have it: the migrations must create it with
-- `create extension if not exists pg_cron with schema pg_catalog` (Supabase forces pg_catalog
-- anyway), which finds this one and skips. On Supabase only postgres (not the API roles) can use
-- the cron schema.
create extension if not exists pg_cron with schema pg_catalog;
revoke all on schema cron from public;
grant usage on schema cron to postgres with grant option;
revoke all on all tables in schema cron from public;
grant all on all tables in schema cron to postgres with grant option;
grant all on all sequences in schema cron to postgres with grant option;

-- Publication used by Realtime postgres_changes; projects add tables to it.
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
