-- Invoking the deployed worker: the kick on new work (net.http_post, delivered after commit) and
-- the pg_cron tick, with an operator switch, a debounce and a cap on live invocations.
--
-- * switch: engine.worker_settings.automatic_invocations = false stops both; queued work waits.
-- * debounce: no kick while the previous one was sent less than kick_debounce_seconds ago and
--   its invocation has not answered yet. Kicks of one transaction share now(); of concurrent
--   transactions only the one holding the worker_settings row (FOR UPDATE SKIP LOCKED) kicks.
-- * cap: no kick (cron tick included) while max_concurrent_invocations invocations may be live
--   (engine.live_worker_invocations(): unanswered kicks of the last invocation_seconds).

-- An operator switch for the deployed worker's automatic invocations (the kick on new work and
-- the pg_cron tick). Turning it off leaves queues, jobs and messages untouched: work resumes
-- where it stopped when it is turned back on. Useful during an incident (e.g. a bad token) and
-- for tests that drive the worker in-process against their own GitHub simulator.
--   update engine.worker_settings set automatic_invocations = false, reason = 'incident #12';
create table engine.worker_settings (
  singleton boolean primary key default true check (singleton),
  automatic_invocations boolean not null default true,
  reason text,
  updated_at timestamptz not null default now(),
  last_kick_at timestamptz,
  last_kick_request_id bigint,
  kick_debounce_seconds int not null default 5
    constraint worker_settings_kick_debounce_seconds_0_to_300 check (kick_debounce_seconds between 0 and 300),
  max_concurrent_invocations int not null default 8
    constraint worker_settings_max_concurrent_invocations_1_to_100 check (max_concurrent_invocations between 1 and 100),
  invocation_seconds int not null default 150
    constraint worker_settings_invocation_seconds_1_to_3600 check (invocation_seconds between 1 and 3600),
  graphql_points_per_minute int not null default 2000
    constraint worker_settings_graphql_points_per_minute_positive check (graphql_points_per_minute > 0),
  rest_points_per_minute int not null default 900
    constraint worker_settings_rest_points_per_minute_positive check (rest_points_per_minute > 0)
);
alter table engine.worker_settings enable row level security;
revoke all on engine.worker_settings from public, anon, authenticated;
grant select, update on engine.worker_settings to service_role;
comment on table engine.worker_settings is
  'One row. automatic_invocations = false stops the kick on new work and the pg_cron tick from invoking the backfill-worker function; queued work waits.';
comment on column engine.worker_settings.last_kick_at is
  'When the last kick (job insert, retry or cron tick) was sent: the kicking transaction''s start. Written by engine.kick_backfill_worker().';
comment on column engine.worker_settings.last_kick_request_id is
  'net.http_post request id of the last kick; its answer in net._http_response says the invocation ended.';
comment on column engine.worker_settings.kick_debounce_seconds is
  'No new kick within this many seconds of the last one while that invocation has not answered (it drains what was queued since). 0 = no debounce.';
comment on column engine.worker_settings.max_concurrent_invocations is
  'No kick (cron tick included) while this many invocations may be live (engine.live_worker_invocations()). Each invocation holds a small connection pool.';
comment on column engine.worker_settings.graphql_points_per_minute is
  'GitHub''s secondary limit the engine paces each token under: GraphQL points per rolling minute (GitHub: 2,000).';
comment on column engine.worker_settings.rest_points_per_minute is
  'The same for REST requests (GitHub: 900 points a minute, a GET costing 1).';
comment on column engine.worker_settings.invocation_seconds is
  'How long an unanswered kick counts as a live invocation: at least the worker''s time budget (BACKFILL_TIME_BUDGET_MS, default 120 s) plus a margin, at most the edge-function wall clock.';

create table engine.worker_kicks (
  request_id bigint primary key,
  kicked_at timestamptz not null default now()
);
alter table engine.worker_kicks enable row level security;
revoke all on engine.worker_kicks from public, anon, authenticated;
grant select on engine.worker_kicks to service_role;
comment on table engine.worker_kicks is
  'Kicks of the backfill worker of the last invocation_seconds (older rows are pruned by the next kick): the basis of engine.live_worker_invocations().';

create index worker_kicks_kicked_at_idx on engine.worker_kicks (kicked_at);

-- Kicks the worker only when a queue holds visible work, so idle minutes cost nothing.
create or replace function engine.kick_backfill_worker_if_work() returns bigint
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from pgmq.q_backfill_recent where vt <= now())
     or exists (select 1 from pgmq.q_backfill_bulk where vt <= now()) then
    return engine.kick_backfill_worker();
  end if;
  return null;
end;
$$;
revoke all on function engine.kick_backfill_worker_if_work() from public;
grant execute on function engine.kick_backfill_worker_if_work() to service_role;

create or replace function engine.live_worker_invocations() returns int
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_window interval;
  v_live int;
begin
  select make_interval(secs => s.invocation_seconds) into v_window from engine.worker_settings s;
  select count(*)::int into v_live
  from engine.worker_kicks k
  where k.kicked_at > now() - coalesce(v_window, interval '150 seconds')
    and not exists (
      select 1 from net._http_response r
      where r.created >= k.kicked_at and r.id = k.request_id and r.status_code is not null);
  return v_live;
end;
$$;
revoke all on function engine.live_worker_invocations() from public;
grant execute on function engine.live_worker_invocations() to service_role;
comment on function engine.live_worker_invocations() is
  'Upper bound of the backfill-worker invocations running now: kicks of the last invocation_seconds whose HTTP answer '
  '(a status code in net._http_response) is not recorded. A kick answered by a timeout counts until invocation_seconds '
  'have passed; invocations not started by a kick are not counted.';

create or replace function engine.kick_is_debounced(p_settings engine.worker_settings) returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_settings.last_kick_at is null
     or p_settings.last_kick_at <= now() - make_interval(secs => p_settings.kick_debounce_seconds) then
    return false;
  end if;
  -- Within the window: the last kick still covers new work unless its invocation has answered.
  return not exists (
    select 1 from net._http_response r
    where r.created >= p_settings.last_kick_at and r.id = p_settings.last_kick_request_id
      and r.status_code is not null);
end;
$$;
revoke all on function engine.kick_is_debounced(engine.worker_settings) from public;
grant execute on function engine.kick_is_debounced(engine.worker_settings) to service_role;
comment on function engine.kick_is_debounced(engine.worker_settings) is
  'True when the last kick was sent less than kick_debounce_seconds ago (same transaction included) and its invocation has not answered.';

-- Kicks one worker invocation. The request is delivered after commit; if the vault secrets are
-- missing the kick is skipped (the cron tick still picks the work up) rather than failing the
-- transaction that created the work.
create or replace function engine.kick_backfill_worker() returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_settings engine.worker_settings;
  v_url text;
  v_key text;
  v_request_id bigint;
begin
  -- A look without a lock first: most calls of a burst end here.
  select * into v_settings from engine.worker_settings where singleton;
  if not coalesce(v_settings.automatic_invocations, true) then
    return null; -- paused by an operator: the work stays queued
  end if;
  if engine.kick_is_debounced(v_settings) then
    return null;
  end if;
  -- A kick looks due: take the row, unless another transaction holds it (it is kicking).
  begin
    select * into v_settings from engine.worker_settings where singleton for update skip locked;
  exception when serialization_failure then
    return null; -- REPEATABLE READ and a kick committed since our snapshot: that one counts
  end;
  if v_settings.singleton is null then
    return null;
  end if;
  if not v_settings.automatic_invocations or engine.kick_is_debounced(v_settings) then
    return null;
  end if;
  if engine.live_worker_invocations() >= v_settings.max_concurrent_invocations then
    return null; -- enough workers may be running; they claim what was queued
  end if;
  select decrypted_secret into v_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into v_key from vault.decrypted_secrets where name = 'service_role_key';
  if v_url is null or v_key is null then
    raise warning 'backfill worker not kicked: vault secrets project_url and service_role_key are required; the next cron tick will run it';
    return null;
  end if;
  v_request_id := net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/backfill-worker',
    body := jsonb_build_object('reason', 'kick'),
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := 1000
  );
  update engine.worker_settings
  set last_kick_at = now(), last_kick_request_id = v_request_id
  where singleton;
  delete from engine.worker_kicks where kicked_at < now() - make_interval(secs => v_settings.invocation_seconds);
  insert into engine.worker_kicks (request_id, kicked_at) values (v_request_id, now())
  on conflict (request_id) do nothing;
  return v_request_id;
end;
$$;
revoke all on function engine.kick_backfill_worker() from public;
grant execute on function engine.kick_backfill_worker() to service_role;
comment on function engine.kick_backfill_worker() is
  'Invokes the backfill-worker edge function once (net.http_post, delivered after commit) and returns the request id; '
  'returns null and sends nothing when engine.worker_settings.automatic_invocations is off, within kick_debounce_seconds '
  'of an unanswered kick (or while another transaction is kicking), or when max_concurrent_invocations may be live.';

insert into engine.worker_settings (singleton) values (true) on conflict do nothing;

-- The tick that keeps work moving when no kick came (and picks up deferred messages).
select cron.schedule('backfill-worker', '* * * * *', 'select engine.kick_backfill_worker_if_work()');
