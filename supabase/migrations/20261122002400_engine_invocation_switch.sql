-- An operator switch for the deployed worker's automatic invocations (the kick on new work and
-- the pg_cron tick). Turning it off leaves queues, jobs and messages untouched: work resumes
-- where it stopped when it is turned back on. Useful during an incident (e.g. a bad token) and
-- for tests that drive the worker in-process against their own GitHub simulator.
--   update engine.worker_settings set automatic_invocations = false, reason = 'incident #12';
create table if not exists engine.worker_settings (
  singleton boolean primary key default true check (singleton),
  automatic_invocations boolean not null default true,
  reason text,
  updated_at timestamptz not null default now()
);
comment on table engine.worker_settings is
  'One row. automatic_invocations = false stops the kick on new work and the pg_cron tick from invoking the backfill-worker function; queued work waits.';
insert into engine.worker_settings (singleton) values (true) on conflict do nothing;
alter table engine.worker_settings enable row level security;
revoke all on engine.worker_settings from public, anon, authenticated;
grant select, update on engine.worker_settings to service_role;

create or replace function engine.kick_backfill_worker() returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_key text;
begin
  if not coalesce((select automatic_invocations from engine.worker_settings), true) then
    return null; -- paused by an operator: the work stays queued
  end if;
  select decrypted_secret into v_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into v_key from vault.decrypted_secrets where name = 'service_role_key';
  if v_url is null or v_key is null then
    raise warning 'backfill worker not kicked: vault secrets project_url and service_role_key are required; the next cron tick will run it';
    return null;
  end if;
  return net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/backfill-worker',
    body := jsonb_build_object('reason', 'kick'),
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := 1000
  );
end;
$$;
comment on function engine.kick_backfill_worker() is
  'Invokes the backfill-worker edge function once (net.http_post, delivered after commit), unless engine.worker_settings.automatic_invocations is off.';
revoke all on function engine.kick_backfill_worker() from public;
grant execute on function engine.kick_backfill_worker() to service_role;
