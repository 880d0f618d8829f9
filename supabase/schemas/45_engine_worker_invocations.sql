-- Invoking the deployed worker: the kick on new work (net.http_post, delivered after commit) and
-- the pg_cron tick, with an operator switch, a debounce and a cap on live invocations.
--
-- * switch: engine.worker_settings.automatic_invocations = false stops both; queued work waits.
-- * debounce: no kick while the previous one was sent less than kick_debounce_seconds ago and
--   its invocation has not answered yet. Kicks of one transaction share now(); of concurrent
--   transactions only the one holding the worker_settings row (FOR UPDATE SKIP LOCKED) kicks.
-- * cap: no kick (cron tick included) while max_concurrent_invocations invocations may be live.
-- * liveness: the worker answers a kick at once (202) and runs its pass in the background, so an
--   HTTP answer says nothing about the pass: every invocation registers itself
--   (engine.worker_invocations, with the kick_id of the kick that started it), heartbeats while it
--   drains and records its end. Live = registered, not ended, heartbeat fresh; plus kicks still in
--   flight (not answered, no invocation yet).

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
    constraint worker_settings_rest_points_per_minute_positive check (rest_points_per_minute > 0),
  max_concurrent_requests_per_token int not null default 60
    constraint worker_settings_max_concurrent_requests_per_token_1_to_100
      check (max_concurrent_requests_per_token between 1 and 100),
  max_slots_per_invocation int not null default 10
    constraint worker_settings_max_slots_per_invocation_1_to_100 check (max_slots_per_invocation between 1 and 100)
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
comment on column engine.worker_settings.max_concurrent_requests_per_token is
  'Requests in flight at once per token, GraphQL and REST together (GitHub''s secondary limit: 100 per user, shared by '
  'both APIs). engine.reserve_budget counts unreconciled reservations against it; engine.worker_slots sizes passes by it.';
comment on column engine.worker_settings.max_slots_per_invocation is
  'Most tasks one pass runs at once. A pass ends after 1.5 s of CPU (hosted: 2 s per request), a few hundred requests '
  'whatever its slots, so a backlog is better spread over several passes (scale-out) than crowded into one; it also '
  'bounds a pass''s share of its small connection pool (BACKFILL_DB_POOL).';
comment on column engine.worker_settings.invocation_seconds is
  'How long kicks are kept in engine.worker_kicks (for operators; liveness comes from engine.worker_invocations): the '
  'edge-function wall clock.';

create table engine.worker_kicks (
  request_id bigint primary key,
  kicked_at timestamptz not null default now(),
  kick_id uuid
);
alter table engine.worker_kicks enable row level security;
revoke all on engine.worker_kicks from public, anon, authenticated;
grant select on engine.worker_kicks to service_role;
comment on table engine.worker_kicks is
  'Kicks of the backfill worker of the last invocation_seconds (older rows are pruned by the next kick), with the kick_id '
  'the pass they start registers with: a kick in flight counts as live in engine.live_worker_invocations().';

create index worker_kicks_kicked_at_idx on engine.worker_kicks (kicked_at);

create table engine.worker_invocations (
  id uuid primary key default gen_random_uuid(),
  kick_id uuid,                               -- the kick that started it (null: a caller of its own)
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  ended_at timestamptz,
  report jsonb
);
alter table engine.worker_invocations enable row level security;
revoke all on engine.worker_invocations from public, anon, authenticated;
grant select, insert, update, delete on engine.worker_invocations to service_role;
comment on table engine.worker_invocations is
  'Passes of the backfill worker: registered at their start, heartbeating while they drain, with their report at the '
  'end (rows older than a day are pruned by the next registration). The basis of engine.live_worker_invocations().';

create index worker_invocations_live_idx on engine.worker_invocations (heartbeat_at) where ended_at is null;
create index worker_invocations_kick_id_idx on engine.worker_invocations (kick_id);

-- How long a pass may go without a heartbeat before it counts as dead (the worker heartbeats
-- every few seconds while it drains).
create or replace function engine.worker_heartbeat_timeout() returns interval
language sql immutable
set search_path = ''
as $$ select interval '45 seconds' $$;
revoke all on function engine.worker_heartbeat_timeout() from public;
grant execute on function engine.worker_heartbeat_timeout() to service_role;

create or replace function engine.start_worker_invocation(p_kick_id uuid default null) returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  delete from engine.worker_invocations where started_at < now() - interval '1 day';
  insert into engine.worker_invocations (kick_id) values (p_kick_id) returning id into v_id;
  return v_id;
end;
$$;
revoke all on function engine.start_worker_invocation(uuid) from public;
grant execute on function engine.start_worker_invocation(uuid) to service_role;
comment on function engine.start_worker_invocation(uuid) is
  'Registers a pass of the backfill worker (p_kick_id: the kick that started it) and returns its id.';

create or replace function engine.heartbeat_worker_invocation(p_id uuid, p_report jsonb default null) returns void
language sql
security definer
set search_path = ''
as $$
  update engine.worker_invocations set heartbeat_at = now(), report = coalesce(p_report, report)
  where id = p_id and ended_at is null
$$;
revoke all on function engine.heartbeat_worker_invocation(uuid, jsonb) from public;
grant execute on function engine.heartbeat_worker_invocation(uuid, jsonb) to service_role;
comment on function engine.heartbeat_worker_invocation(uuid, jsonb) is
  'A running pass says it is alive (and how far it got).';

create or replace function engine.end_worker_invocation(p_id uuid, p_report jsonb) returns void
language sql
security definer
set search_path = ''
as $$
  update engine.worker_invocations set ended_at = now(), heartbeat_at = now(), report = p_report where id = p_id
$$;
revoke all on function engine.end_worker_invocation(uuid, jsonb) from public;
grant execute on function engine.end_worker_invocation(uuid, jsonb) to service_role;
comment on function engine.end_worker_invocation(uuid, jsonb) is
  'A pass ended (its report: what it did and why it stopped).';

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
  v_live int;
  v_in_flight int;
begin
  select count(*)::int into v_live from engine.worker_invocations i
  where i.ended_at is null and i.heartbeat_at > now() - engine.worker_heartbeat_timeout();
  -- A kick sent but not answered yet, whose pass has not registered: it is starting.
  select count(*)::int into v_in_flight
  from engine.worker_kicks k
  where k.kicked_at > now() - interval '30 seconds'
    and not exists (select 1 from engine.worker_invocations i where i.kick_id = k.kick_id)
    and not exists (select 1 from net._http_response r where r.id = k.request_id and r.created >= k.kicked_at);
  return v_live + v_in_flight;
end;
$$;
revoke all on function engine.live_worker_invocations() from public;
grant execute on function engine.live_worker_invocations() to service_role;
comment on function engine.live_worker_invocations() is
  'The backfill-worker passes running now: registered passes not ended whose heartbeat is fresh '
  '(engine.worker_heartbeat_timeout), plus kicks of the last 30 s still in flight (no answer, no pass registered).';

create or replace function engine.kick_is_debounced(p_settings engine.worker_settings) returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_kick engine.worker_kicks;
begin
  if p_settings.last_kick_at is null
     or p_settings.last_kick_at <= now() - make_interval(secs => p_settings.kick_debounce_seconds) then
    return false;
  end if;
  -- Within the window the last kick still covers new work while its pass is starting or draining.
  select * into v_kick from engine.worker_kicks k where k.request_id = p_settings.last_kick_request_id;
  if v_kick.request_id is null then
    return p_settings.last_kick_at = now(); -- a kick of this very transaction
  end if;
  return exists (select 1 from engine.worker_invocations i where i.kick_id = v_kick.kick_id and i.ended_at is null
                   and i.heartbeat_at > now() - engine.worker_heartbeat_timeout())
      or (not exists (select 1 from engine.worker_invocations i where i.kick_id = v_kick.kick_id)
          and not exists (select 1 from net._http_response r where r.id = v_kick.request_id and r.created >= v_kick.kicked_at));
end;
$$;
revoke all on function engine.kick_is_debounced(engine.worker_settings) from public;
grant execute on function engine.kick_is_debounced(engine.worker_settings) to service_role;
comment on function engine.kick_is_debounced(engine.worker_settings) is
  'True when the last kick was sent less than kick_debounce_seconds ago (same transaction included) and its pass is '
  'still starting (no answer yet) or running (registered, not ended).';

-- Sends one kick (net.http_post, delivered after commit) and records it; null when the Vault
-- secrets the kick needs are missing (the cron tick still runs the worker).
create or replace function engine.send_worker_kick(p_reason text) returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_key text;
  v_request_id bigint;
  v_kick_id uuid := gen_random_uuid();
  v_keep int;
begin
  select decrypted_secret into v_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into v_key from vault.decrypted_secrets where name = 'service_role_key';
  if v_url is null or v_key is null then
    raise warning 'backfill worker not kicked: vault secrets project_url and service_role_key are required; the next cron tick will run it';
    return null;
  end if;
  -- The worker answers at once (202) and drains in the background: a short timeout is enough.
  v_request_id := net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/backfill-worker',
    body := jsonb_build_object('reason', p_reason, 'kick_id', v_kick_id),
    -- The key as both headers: a legacy JWT for a gateway that verifies JWTs, an sb_secret_ key
    -- for the worker's own check (it is deployed with verify_jwt = false and checks the caller itself).
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key, 'apikey', v_key),
    timeout_milliseconds := 5000
  );
  update engine.worker_settings
  set last_kick_at = now(), last_kick_request_id = v_request_id
  where singleton
  returning invocation_seconds into v_keep;
  delete from engine.worker_kicks where kicked_at < now() - make_interval(secs => coalesce(v_keep, 150));
  insert into engine.worker_kicks (request_id, kicked_at, kick_id) values (v_request_id, now(), v_kick_id)
  on conflict (request_id) do nothing;
  return v_request_id;
end;
$$;
revoke all on function engine.send_worker_kick(text) from public;
grant execute on function engine.send_worker_kick(text) to service_role;
comment on function engine.send_worker_kick(text) is
  'Sends one kick of the backfill-worker function with a kick_id its pass registers with; no debounce or cap here.';

-- Kicks one worker invocation, unless paused, debounced or at the cap (see the file's header).
create or replace function engine.kick_backfill_worker() returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_settings engine.worker_settings;
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
  return engine.send_worker_kick('kick');
end;
$$;
revoke all on function engine.kick_backfill_worker() from public;
grant execute on function engine.kick_backfill_worker() to service_role;
comment on function engine.kick_backfill_worker() is
  'Invokes the backfill-worker edge function once (net.http_post, delivered after commit) and returns the request id; '
  'returns null and sends nothing when engine.worker_settings.automatic_invocations is off, within kick_debounce_seconds '
  'of a kick whose pass is starting or running (or while another transaction is kicking), or when '
  'max_concurrent_invocations may be live. The body carries a kick_id the pass registers with.';

-- How many tasks a starting pass runs at once: the token pool's concurrency (usable platform
-- tokens × max_concurrent_requests_per_token) shared by the live passes, at most
-- max_slots_per_invocation. Usable: enabled, not paused, not known exhausted for the window.
-- A pass with no usable token still gets one slot (it learns when the budget comes back).
create or replace function engine.worker_slots() returns int
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_settings engine.worker_settings;
  v_tokens int;
begin
  select * into v_settings from engine.worker_settings where singleton;
  select count(*)::int into v_tokens
  from engine.github_tokens t
  left join engine.rate_limit_budgets b on b.token_id = t.id and b.resource = 'graphql'
  where t.enabled and t.workspace_id is null
    and (b.token_id is null
         or ((b.paused_until is null or b.paused_until <= now())
             and (b.remaining > 0 or b.reset_at is null or b.reset_at <= now())));
  return greatest(1, least(
    coalesce(v_settings.max_slots_per_invocation, 10),
    ceil(v_tokens * coalesce(v_settings.max_concurrent_requests_per_token, 60)::numeric
         / greatest(engine.live_worker_invocations(), 1))::int));
end;
$$;
revoke all on function engine.worker_slots() from public;
grant execute on function engine.worker_slots() to service_role;
comment on function engine.worker_slots() is
  'Slots (tasks at once) for a pass starting now: usable platform tokens × max_concurrent_requests_per_token divided '
  'among the live passes, between 1 and max_slots_per_invocation (engine.worker_settings).';

-- Scaling out: a pass that sees more visible work than the live passes' slots can take asks for
-- one more pass (no debounce: the backlog is the reason), up to max_concurrent_invocations. Each
-- new pass asks again, so a backlog ramps up to the cap in a few seconds and idle queues cost one.
create or replace function engine.scale_out_worker(p_slots_per_pass int) returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_settings engine.worker_settings;
  v_live int;
  v_visible int;
begin
  select * into v_settings from engine.worker_settings where singleton for update skip locked;
  if v_settings.singleton is null or not v_settings.automatic_invocations then
    return null;
  end if;
  v_live := engine.live_worker_invocations();
  if v_live >= v_settings.max_concurrent_invocations then
    return null;
  end if;
  select (select count(*) from (select 1 from pgmq.q_backfill_recent where vt <= clock_timestamp() limit 1000) r)
       + (select count(*) from (select 1 from pgmq.q_backfill_bulk where vt <= clock_timestamp() limit 1000) b)
  into v_visible;
  if v_visible <= greatest(v_live, 1) * greatest(p_slots_per_pass, 1) then
    return null;
  end if;
  return engine.send_worker_kick('scale_out');
end;
$$;
revoke all on function engine.scale_out_worker(int) from public;
grant execute on function engine.scale_out_worker(int) to service_role;
comment on function engine.scale_out_worker(int) is
  'Called by a pass: kicks one more pass when visible messages outnumber the live passes times p_slots_per_pass, '
  'up to max_concurrent_invocations (and never while automatic invocations are off). Returns the request id or null.';

-- Handing over: a pass that stopped at its CPU or time budget with work still visible kicks its
-- successor at once (no debounce: the pass that would have covered the work is this one, ended),
-- instead of leaving the released tasks to the next cron tick.
create or replace function engine.hand_over_worker() returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_settings engine.worker_settings;
begin
  select * into v_settings from engine.worker_settings where singleton for update skip locked;
  if v_settings.singleton is null or not v_settings.automatic_invocations then
    return null;
  end if;
  if engine.live_worker_invocations() >= v_settings.max_concurrent_invocations then
    return null;
  end if;
  if not exists (select 1 from pgmq.q_backfill_recent where vt <= clock_timestamp())
     and not exists (select 1 from pgmq.q_backfill_bulk where vt <= clock_timestamp()) then
    return null;
  end if;
  return engine.send_worker_kick('hand_over');
end;
$$;
revoke all on function engine.hand_over_worker() from public;
grant execute on function engine.hand_over_worker() to service_role;
comment on function engine.hand_over_worker() is
  'Called by a pass that ended at its CPU or time budget: kicks the next pass when a queue holds visible work and fewer '
  'than max_concurrent_invocations may be live (never while automatic invocations are off). Returns the request id or null.';

insert into engine.worker_settings (singleton) values (true) on conflict do nothing;

-- The tick that keeps work moving when no kick came (and picks up deferred messages).
select cron.schedule('backfill-worker', '* * * * *', 'select engine.kick_backfill_worker_if_work()');
