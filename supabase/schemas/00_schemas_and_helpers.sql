-- Schemas, extensions and the privileges every later file relies on.
--
-- `public` is the only schema the API exposes (tables under RLS, security-invoker views, RPCs);
-- `private` holds SECURITY DEFINER helpers (search_path = ''), `engine` the backfill engine's
-- internal state and `billing` the Polar delivery log, both for the service role only.

-- The extensions the project uses, enabled the way Supabase's docs say: pg_cron in pg_catalog
-- (its jobs table lives in schema cron), pg_net in extensions (it creates schema net itself),
-- pgmq in its own schema pgmq. On a new hosted project nothing else enables them.
create extension if not exists pg_cron with schema pg_catalog;
create extension if not exists pg_net with schema extensions;
create extension if not exists pgmq;

create schema if not exists private;
comment on schema private is 'SECURITY DEFINER helpers for policies and RPCs; not exposed through the API.';

create schema if not exists engine;
comment on schema engine is 'Internal state of the backfill engine (token pool, rate-limit budget); service role only.';

create schema if not exists billing;
comment on schema billing is 'Polar webhook delivery log; service role only.';

revoke all on schema private, engine, billing from public, anon, authenticated;

-- Policies run as the caller, so signed-in users need to reach the policy helpers.
grant usage on schema private to authenticated, service_role;

grant usage on schema engine, billing to service_role;

-- Postgres grants EXECUTE to PUBLIC on every new function. A per-schema default cannot take
-- that away (per-schema defaults only add to the global ones), so revoke it globally for
-- functions postgres creates: nothing is callable unless granted right after its definition.
-- In public the API roles still get EXECUTE by the platform's per-schema default, which each
-- client function narrows explicitly.
alter default privileges for role postgres revoke execute on functions from public;

-- Keeps updated_at honest on rows the project itself changes (not on GitHub content, whose
-- updated_at is GitHub's).
create or replace function private.tg_set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
revoke execute on function private.tg_set_updated_at() from public, anon, authenticated;

-- UTC day of a timestamp; the one definition of "day" every metric and retention window uses.
create or replace function private.utc_day(ts timestamptz)
returns date
language sql
immutable
set search_path = ''
as $$ select (ts at time zone 'utc')::date $$;
revoke execute on function private.utc_day(timestamptz) from public, anon;
grant execute on function private.utc_day(timestamptz) to authenticated, service_role;
