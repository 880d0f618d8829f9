-- The shared GitHub budget: before a request a worker reserves its estimated cost atomically on
-- the token with the most headroom, keeping a reserve; after it, it reconciles with what GitHub
-- reported; a secondary limit pauses the token for every worker. When nothing can cover a
-- request the caller learns when to come back and sends nothing.
--
-- Concurrency: reserve_budget locks every candidate budget row with FOR UPDATE in token order
-- (one order for everybody: no deadlock), then reads the rows again under those locks, so
-- headroom is never counted twice. Every reservation is a row with an expiry
-- (engine.budget_reservation_ttl()): an isolate killed mid-request cannot leak points.
-- Budgets are per token, GitHub's limit per account: at most one enabled token per account.

create table engine.rate_limit_budgets (
  token_id uuid not null references engine.github_tokens (id) on delete cascade,
  resource text not null
    constraint rate_limit_budgets_resource_is_graphql_or_core check (resource in ('graphql', 'core')),
  limit_points int not null default 5000 check (limit_points >= 0),
  remaining int not null default 5000,
  reserved int not null default 0 check (reserved >= 0),
  reset_at timestamptz,
  paused_until timestamptz,                   -- secondary limit: nobody uses this token until then
  updated_at timestamptz not null default now(),
  pace_points numeric,                        -- the per-minute pacing bucket (engine.pace_limits); null = full
  pace_at timestamptz,
  primary key (token_id, resource)
);
alter table engine.rate_limit_budgets enable row level security;
revoke all on engine.rate_limit_budgets from public, anon, authenticated;
grant all on engine.rate_limit_budgets to service_role;
comment on table engine.rate_limit_budgets is
  'Shared GitHub budget per token and resource: reserve before a request, reconcile after it.';

create table engine.budget_reservations (
  id bigint generated always as identity primary key,
  token_id uuid not null,
  resource text not null,
  points int not null check (points > 0),
  created_at timestamptz not null default clock_timestamp(),
  expires_at timestamptz not null,
  foreign key (token_id, resource) references engine.rate_limit_budgets (token_id, resource) on delete cascade
);
alter table engine.budget_reservations enable row level security;
revoke all on engine.budget_reservations from public, anon, authenticated;
grant all on engine.budget_reservations to service_role;
comment on table engine.budget_reservations is
  'GitHub points reserved for requests in flight; each counts in rate_limit_budgets.reserved until reconciled or expired.';

create index budget_reservations_token_resource_idx on engine.budget_reservations (token_id, resource);

-- Seconds added to GitHub's resetAt before a window is considered refilled: GitHub reports
-- resetAt to the second, so the real reset may be up to one second later.
create or replace function engine.budget_reset_margin()
returns interval
language sql immutable
set search_path = ''
as $$ select interval '1 second' $$;
revoke all on function engine.budget_reset_margin() from public;
grant execute on function engine.budget_reset_margin() to service_role;

-- An env token's row, created on demand. A new value of the variable (another fingerprint)
-- re-enables a row the engine had disabled for the old value, and forgets what it was refused.
create or replace function engine.ensure_env_github_token(p_label text default 'env:GITHUB_TOKEN',
  p_fingerprint text default null)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
begin
  if p_label is null or p_label not like 'env:%' then
    raise exception 'an environment token label starts with env: (got %)', p_label
      using errcode = '22023';
  end if;
  insert into engine.github_tokens (label, vault_secret_id, kind, env_fingerprint)
  values (p_label, null, 'pat', p_fingerprint)
  on conflict (label) do nothing;
  update engine.github_tokens t
  set env_fingerprint = p_fingerprint, enabled = true, disabled_at = null, disabled_reason = null,
      denied_data_types = '{}', denied_reason = null
  where t.label = p_label and p_fingerprint is not null and t.env_fingerprint is distinct from p_fingerprint;
  select id into v_id from engine.github_tokens where label = p_label;
  return v_id;
end;
$$;
revoke all on function engine.ensure_env_github_token(text, text) from public;
grant execute on function engine.ensure_env_github_token(text, text) to service_role;
comment on function engine.ensure_env_github_token(text, text) is
  'Id of the engine.github_tokens row of an environment token (created on demand; re-enabled when p_fingerprint, the '
  'value''s fingerprint, changed).';

-- GitHub refused a token's credentials (401): nobody leases it again until it is replaced.
create or replace function engine.disable_token(p_token_id uuid, p_reason text)
returns void
language sql
set search_path = ''
as $$
  update engine.github_tokens set enabled = false, disabled_at = now(), disabled_reason = p_reason
  where id = p_token_id and enabled
$$;
revoke all on function engine.disable_token(uuid, text) from public;
grant execute on function engine.disable_token(uuid, text) to service_role;
comment on function engine.disable_token(uuid, text) is
  'Disables a token GitHub refused (401 Bad credentials) with the reason operators see in engine.token_budgets.';

-- GitHub refused a token one data type (INSUFFICIENT_SCOPES): it keeps serving the others.
create or replace function engine.deny_token_data_type(p_token_id uuid, p_data_type text, p_reason text)
returns void
language sql
set search_path = ''
as $$
  update engine.github_tokens
  set denied_data_types = array(select distinct x from unnest(denied_data_types || p_data_type) x order by 1),
      denied_reason = p_reason
  where id = p_token_id and not (p_data_type = any (denied_data_types))
$$;
revoke all on function engine.deny_token_data_type(uuid, text, text) from public;
grant execute on function engine.deny_token_data_type(uuid, text, text) to service_role;
comment on function engine.deny_token_data_type(uuid, text, text) is
  'Records that GitHub refused a token a data type (a missing scope): reservations for that type skip the token.';

-- Pacing under GitHub's secondary limits (by default no more than 2,000 GraphQL points and 900
-- REST points per minute per token; engine.worker_settings): a token bucket of half the minute's
-- points refilled at the other half per minute, so no rolling minute ever goes over the limit.
create or replace function engine.pace_limits(p_resource text, out capacity numeric, out per_second numeric)
language plpgsql stable
set search_path = ''
as $$
declare
  v_per_minute numeric;
begin
  select case p_resource when 'graphql' then s.graphql_points_per_minute else s.rest_points_per_minute end
  into v_per_minute from engine.worker_settings s;
  v_per_minute := coalesce(v_per_minute, case p_resource when 'graphql' then 2000 else 900 end);
  capacity := v_per_minute / 2.0;
  per_second := v_per_minute / 2.0 / 60.0;
end;
$$;
revoke all on function engine.pace_limits(text) from public;
grant execute on function engine.pace_limits(text) to service_role;
comment on function engine.pace_limits(text) is
  'Token bucket per token and resource under GitHub''s secondary limits per minute (engine.worker_settings '
  'graphql_points_per_minute, rest_points_per_minute): capacity and refill per second.';

create or replace function engine.pause_token(p_token_id uuid, p_until timestamptz)
returns timestamptz
language plpgsql
set search_path = ''
as $$
declare
  v_until timestamptz;
begin
  if p_until is null then
    raise exception 'pause_token needs an end time' using errcode = '22023';
  end if;
  insert into engine.rate_limit_budgets (token_id, resource)
  select p_token_id, r from unnest(array['graphql', 'core']) r
  on conflict do nothing;
  update engine.rate_limit_budgets b
  set paused_until = greatest(coalesce(b.paused_until, p_until), p_until), updated_at = clock_timestamp()
  where b.token_id = p_token_id;
  select max(paused_until) into v_until from engine.rate_limit_budgets where token_id = p_token_id;
  return v_until;
end;
$$;
revoke all on function engine.pause_token(uuid, timestamptz) from public;
grant execute on function engine.pause_token(uuid, timestamptz) to service_role;
comment on function engine.pause_token(uuid, timestamptz) is
  'Secondary limit: no worker reserves on the token (any resource) before p_until. Never shortens a pause.';

-- The value of a pooled token, for the worker only. Environment tokens have none here.
create or replace function engine.github_token_secret(p_token_id uuid)
returns text
language sql stable
security definer
set search_path = ''
as $$
  select s.decrypted_secret
  from engine.github_tokens t
  join vault.decrypted_secrets s on s.id = t.vault_secret_id
  where t.id = p_token_id and t.enabled
$$;
revoke all on function engine.github_token_secret(uuid) from public;
grant execute on function engine.github_token_secret(uuid) to service_role;
comment on function engine.github_token_secret(uuid) is
  'Decrypted value of a pooled (Vault) token for the worker; null for env: tokens.';

create or replace function engine.budget_reservation_ttl()
returns interval
language sql immutable
set search_path = ''
as $$ select interval '2 minutes' $$;
revoke all on function engine.budget_reservation_ttl() from public;
grant execute on function engine.budget_reservation_ttl() to service_role;
comment on function engine.budget_reservation_ttl() is
  'How long an unreconciled reservation counts: longer than any request (timeout 30 s) and its retries.';

create or replace function engine.reserve_budget(
  p_cost int,
  p_resource text default 'graphql',
  p_reserve int default 1000,
  p_token_ids uuid[] default null,
  p_workspace_id uuid default null,
  p_data_type text default null
)
returns table (token_id uuid, label text, vault_secret_id uuid, reserved int, wait_until timestamptz, reason text,
  reservation_id bigint)
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_best record;
  v_wait timestamptz;
  v_reason text;
  v_candidates uuid[];
  v_pace record := engine.pace_limits(p_resource);
  v_reservation_id bigint;
  -- GitHub's secondary limit on concurrent requests is per user and shared by GraphQL and REST.
  v_max_in_flight int := coalesce((select s.max_concurrent_requests_per_token from engine.worker_settings s), 60);
begin
  if p_cost is null or p_cost < 1 then
    raise exception 'a reservation costs at least 1 point (got %)', p_cost using errcode = '22023';
  end if;
  if p_reserve is null or p_reserve < 0 then
    raise exception 'the reserve cannot be negative (got %)', p_reserve using errcode = '22023';
  end if;

  -- The candidates: enabled tokens of the pool (the platform's, or the workspace's own) that
  -- GitHub did not refuse this data type.
  select array_agg(t.id order by t.id) into v_candidates
  from engine.github_tokens t
  where t.enabled and (p_token_ids is null or t.id = any (p_token_ids))
    and t.workspace_id is not distinct from p_workspace_id
    and (p_data_type is null or not (p_data_type = any (t.denied_data_types)));
  if v_candidates is null then
    if p_data_type is not null and exists (
        select 1 from engine.github_tokens t where t.enabled and (p_token_ids is null or t.id = any (p_token_ids))
          and t.workspace_id is not distinct from p_workspace_id) then
      raise exception 'no enabled GitHub token may fetch %: %', p_data_type,
        (select string_agg(distinct t.denied_reason, '; ') from engine.github_tokens t
         where t.enabled and p_data_type = any (t.denied_data_types) and t.workspace_id is not distinct from p_workspace_id)
        using errcode = 'P0002';
    end if;
    if p_workspace_id is not null then
      raise exception 'workspace % has no enabled GitHub token: an owner or admin connects one with connect_github_token', p_workspace_id
        using errcode = 'P0002';
    end if;
    raise exception 'no enabled GitHub token: %',
      coalesce((select string_agg(format('%s was disabled (%s)', t.label, t.disabled_reason), '; ')
                from engine.github_tokens t where not t.enabled and t.workspace_id is null
                  and (p_token_ids is null or t.id = any (p_token_ids))),
               'set GITHUB_TOKEN in the function secrets or add a token to engine.github_tokens')
      using errcode = 'P0002';
  end if;

  -- Budget rows are created on demand; then the candidates are locked in one order, and the work
  -- is done on what is committed under those locks.
  insert into engine.rate_limit_budgets (token_id, resource)
  select c, p_resource from unnest(v_candidates) c
  on conflict do nothing;
  perform 1 from engine.rate_limit_budgets b
  where b.resource = p_resource and b.token_id = any (v_candidates)
  order by b.token_id
  for update of b;

  -- A window whose reset has passed is full again; GitHub starts the next window at the next
  -- request, so its reset is unknown until an answer reports it. Reservations made in the old
  -- window go with it: whatever they cost was charged to that window.
  delete from engine.budget_reservations r
  using engine.rate_limit_budgets b
  where r.token_id = b.token_id and r.resource = b.resource and b.resource = p_resource
    and b.token_id = any (v_candidates)
    and b.reset_at is not null and b.reset_at + engine.budget_reset_margin() <= v_now and r.created_at <= b.reset_at;
  update engine.rate_limit_budgets b
  set remaining = b.limit_points, reset_at = null, updated_at = v_now
  where b.resource = p_resource and b.token_id = any (v_candidates)
    and b.reset_at is not null and b.reset_at + engine.budget_reset_margin() <= v_now;

  -- In flight is what unexpired reservations hold: one a worker never reconciled (an isolate
  -- killed mid-request) stops counting when it expires. The pace bucket refills with time.
  delete from engine.budget_reservations r
  where r.resource = p_resource and r.token_id = any (v_candidates) and r.expires_at <= v_now;
  update engine.rate_limit_budgets b
  set reserved = coalesce((select sum(r.points) from engine.budget_reservations r
                           where r.token_id = b.token_id and r.resource = b.resource), 0),
      pace_points = least(v_pace.capacity,
        coalesce(b.pace_points, v_pace.capacity) + extract(epoch from v_now - coalesce(b.pace_at, v_now)) * v_pace.per_second),
      pace_at = v_now
  where b.resource = p_resource and b.token_id = any (v_candidates);

  select b.token_id, t.label, t.vault_secret_id
  into v_best
  from engine.rate_limit_budgets b
  join engine.github_tokens t on t.id = b.token_id
  where b.resource = p_resource and b.token_id = any (v_candidates)
    and (b.paused_until is null or b.paused_until <= v_now)
    and b.remaining - b.reserved - p_reserve >= p_cost
    and b.pace_points >= least(p_cost, v_pace.capacity)
    and (select count(*) from engine.budget_reservations r where r.token_id = b.token_id and r.expires_at > v_now) < v_max_in_flight
  order by b.remaining - b.reserved desc, b.token_id
  limit 1;

  if v_best.token_id is not null then
    insert into engine.budget_reservations (token_id, resource, points, created_at, expires_at)
    values (v_best.token_id, p_resource, p_cost, v_now, v_now + engine.budget_reservation_ttl())
    returning id into v_reservation_id;
    update engine.rate_limit_budgets b
    set reserved = b.reserved + p_cost, pace_points = b.pace_points - p_cost, updated_at = v_now
    where b.token_id = v_best.token_id and b.resource = p_resource;
    return query select v_best.token_id, v_best.label, v_best.vault_secret_id, p_cost,
      null::timestamptz, null::text, v_reservation_id;
    return;
  end if;

  -- Nothing can cover it: the earliest moment any token may: the end of its pause, the end of
  -- its window, when its pace bucket holds the cost again, or (when only others' in-flight
  -- reservations are in the way) a moment later: 100 ms when only the concurrency cap is (a
  -- request ends within a latency), else a second.
  select min(greatest(
           case
             when b.paused_until > v_now then greatest(b.paused_until,
               case when b.remaining - p_reserve < p_cost and b.reset_at is not null
                    then b.reset_at + engine.budget_reset_margin() end)
             when b.remaining - b.reserved - p_reserve >= p_cost
               and (select count(*) from engine.budget_reservations r where r.token_id = b.token_id and r.expires_at > v_now) >= v_max_in_flight
               then v_now + interval '100 milliseconds'
             when b.remaining - p_reserve >= p_cost then v_now + interval '1 second'
             when b.reset_at is not null then b.reset_at + engine.budget_reset_margin()
             else v_now + interval '60 seconds'
           end,
           v_now + make_interval(secs => greatest(0, least(p_cost, v_pace.capacity) - b.pace_points) / v_pace.per_second)))
  into v_wait
  from engine.rate_limit_budgets b
  where b.resource = p_resource and b.token_id = any (v_candidates);

  select case
    when bool_and(b.paused_until > v_now) then 'every token is paused by a GitHub secondary rate limit'
    when bool_and(b.limit_points - p_reserve < p_cost) then
      format('the request (%s points) exceeds every token''s limit minus the reserve of %s', p_cost, p_reserve)
    when bool_and(b.pace_points < least(p_cost, v_pace.capacity) and b.remaining - b.reserved - p_reserve >= p_cost) then
      format('pacing under GitHub''s per-minute limit (%s points a minute per token)', round(v_pace.capacity + 60 * v_pace.per_second))
    when bool_and((select count(*) from engine.budget_reservations r where r.token_id = b.token_id and r.expires_at > v_now) >= v_max_in_flight) then
      format('every token has %s requests in flight (engine.worker_settings.max_concurrent_requests_per_token)', v_max_in_flight)
    else format('the GitHub budget cannot cover %s points while keeping a reserve of %s', p_cost, p_reserve)
  end
  into v_reason
  from engine.rate_limit_budgets b
  where b.resource = p_resource and b.token_id = any (v_candidates);

  return query select null::uuid, null::text, null::uuid, 0, v_wait, v_reason, null::bigint;
end;
$$;
revoke all on function engine.reserve_budget(int, text, int, uuid[], uuid, text) from public;
grant execute on function engine.reserve_budget(int, text, int, uuid[], uuid, text) to service_role;
comment on function engine.reserve_budget(int, text, int, uuid[], uuid, text) is
  'Reserves p_cost points on the enabled, unpaused token with the most headroom, keeping p_reserve points untouched and '
  'pacing each token under GitHub''s per-minute secondary limit (engine.pace_limits) and its concurrent requests (GraphQL and '
  'REST reservations together) under engine.worker_settings.max_concurrent_requests_per_token. Returns the token and the points '
  'reserved, or (token null) wait_until: the earliest time a token may cover the request; then no request may be sent. '
  'The reservation (reservation_id, a row of engine.budget_reservations) counts until reconciled or expired. '
  'p_workspace_id picks the pool: null = the platform''s tokens (public repositories), else that workspace''s own tokens '
  '(its private repositories); p_data_type skips tokens GitHub refused that data type. No candidate at all raises P0002 '
  'saying why (every token disabled, no token of the workspace, none may fetch the type).';

create or replace function engine.reconcile_budget(
  p_token_id uuid,
  p_reserved int,
  p_cost int default null,
  p_remaining int default null,
  p_reset_at timestamptz default null,
  p_limit int default null,
  p_resource text default 'graphql',
  p_reservation_id bigint default null
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into engine.rate_limit_budgets (token_id, resource)
  values (p_token_id, p_resource)
  on conflict do nothing;

  -- The reservation ends: by its id, or (callers without one) one of that size on the token.
  if p_reservation_id is not null then
    delete from engine.budget_reservations where id = p_reservation_id;
  elsif coalesce(p_reserved, 0) > 0 then
    delete from engine.budget_reservations where id = (
      select id from engine.budget_reservations
      where token_id = p_token_id and resource = p_resource and points = p_reserved
      order by id limit 1);
  end if;

  update engine.rate_limit_budgets b
  set reserved = coalesce((select sum(r.points) from engine.budget_reservations r
                           where r.token_id = b.token_id and r.resource = b.resource
                             and r.expires_at > clock_timestamp()), 0),
      limit_points = coalesce(p_limit, b.limit_points),
      remaining = case
        -- No report: charge what is known to have been spent.
        when p_remaining is null then greatest(0, b.remaining - greatest(coalesce(p_cost, 0), 0))
        -- A newer window (or the first report): GitHub's number.
        when p_reset_at is not null and (b.reset_at is null or p_reset_at > b.reset_at) then p_remaining
        -- An answer of an older window arriving late: it says nothing about now.
        when p_reset_at is not null and p_reset_at < b.reset_at then b.remaining
        -- Same window: answers may arrive out of order; the lowest is the latest.
        else least(b.remaining, p_remaining)
      end,
      reset_at = case
        when p_remaining is not null and p_reset_at is not null
             and (b.reset_at is null or p_reset_at > b.reset_at) then p_reset_at
        else b.reset_at
      end,
      updated_at = clock_timestamp()
  where b.token_id = p_token_id and b.resource = p_resource;
end;
$$;
revoke all on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text, bigint) from public;
grant execute on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text, bigint) to service_role;
comment on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text, bigint) is
  'After a request: releases its reservation and records GitHub''s report (remaining, resetAt, '
  'limit; a primary-limit answer is remaining 0). Without a report, p_cost (if known) is charged. '
  'p_reservation_id names the reservation (engine.reserve_budget''s reservation_id).';
