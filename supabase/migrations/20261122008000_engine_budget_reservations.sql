-- Budget reservations that cannot leak (finding 2 of the engine review). Before, reserve_budget
-- added to rate_limit_budgets.reserved and only reconcile_budget subtracted: an exception between
-- the two, or an isolate killed mid-request, left points reserved for good, and a window reset
-- kept them, until reserve_budget answered "wait" forever.
--
-- Now every reservation is a row with an expiry (engine.budget_reservation_ttl(), longer than any
-- request may take); rate_limit_budgets.reserved is the sum of the unexpired rows, recomputed by
-- reserve_budget (under its row locks) and reconcile_budget. A window's rollover drops the
-- reservations made in the old window. reserve_budget returns the reservation's id as a new last
-- column; reconcile_budget takes it as a new last parameter (callers without it release one
-- reservation of the given size, as before).

create table engine.budget_reservations (
  id bigint generated always as identity primary key,
  token_id uuid not null,
  resource text not null,
  points int not null check (points > 0),
  created_at timestamptz not null default clock_timestamp(),
  expires_at timestamptz not null,
  foreign key (token_id, resource) references engine.rate_limit_budgets (token_id, resource) on delete cascade
);
create index budget_reservations_token_resource_idx on engine.budget_reservations (token_id, resource);
comment on table engine.budget_reservations is
  'GitHub points reserved for requests in flight; each counts in rate_limit_budgets.reserved until reconciled or expired.';
alter table engine.budget_reservations enable row level security;
revoke all on engine.budget_reservations from public, anon, authenticated;
grant all on engine.budget_reservations to service_role;

create or replace function engine.budget_reservation_ttl()
returns interval
language sql immutable
set search_path = ''
as $$ select interval '2 minutes' $$;
comment on function engine.budget_reservation_ttl() is
  'How long an unreconciled reservation counts: longer than any request (timeout 30 s) and its retries.';
revoke all on function engine.budget_reservation_ttl() from public;
grant execute on function engine.budget_reservation_ttl() to service_role;

-- Points reserved before this migration were counted without rows: in flight now, they are
-- forgotten (a minute's overdraw at most, against a leak that never ended).
update engine.rate_limit_budgets set reserved = 0 where reserved <> 0;

drop function engine.reserve_budget(int, text, int, uuid[]);
drop function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text);

create or replace function engine.reserve_budget(
  p_cost int,
  p_resource text default 'graphql',
  p_reserve int default 1000,
  p_token_ids uuid[] default null
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
  v_count int;
  v_reservation_id bigint;
begin
  if p_cost is null or p_cost < 1 then
    raise exception 'a reservation costs at least 1 point (got %)', p_cost using errcode = '22023';
  end if;
  if p_reserve is null or p_reserve < 0 then
    raise exception 'the reserve cannot be negative (got %)', p_reserve using errcode = '22023';
  end if;

  -- Budget rows are created on demand for every token of the pool.
  insert into engine.rate_limit_budgets (token_id, resource)
  select t.id, p_resource from engine.github_tokens t
  where t.enabled and (p_token_ids is null or t.id = any (p_token_ids))
  on conflict do nothing;

  -- Lock the candidates in one order, then work on what is committed under those locks.
  perform 1 from engine.rate_limit_budgets b
  join engine.github_tokens t on t.id = b.token_id
  where b.resource = p_resource and t.enabled and (p_token_ids is null or t.id = any (p_token_ids))
  order by b.token_id
  for update of b;
  get diagnostics v_count = row_count;
  if v_count = 0 then
    raise exception 'no enabled GitHub token: set GITHUB_TOKEN in the function secrets or add a token to engine.github_tokens'
      using errcode = 'P0002';
  end if;

  -- A window whose reset has passed is full again; GitHub starts the next window at the next
  -- request, so its reset is unknown until an answer reports it. Reservations made in the old
  -- window go with it: whatever they cost was charged to that window.
  delete from engine.budget_reservations r
  using engine.rate_limit_budgets b, engine.github_tokens t
  where r.token_id = b.token_id and r.resource = b.resource and t.id = b.token_id and b.resource = p_resource
    and t.enabled and (p_token_ids is null or t.id = any (p_token_ids))
    and b.reset_at is not null and b.reset_at + engine.budget_reset_margin() <= v_now and r.created_at <= b.reset_at;
  update engine.rate_limit_budgets b
  set remaining = b.limit_points, reset_at = null, updated_at = v_now
  from engine.github_tokens t
  where t.id = b.token_id and b.resource = p_resource and t.enabled
    and (p_token_ids is null or t.id = any (p_token_ids))
    and b.reset_at is not null and b.reset_at + engine.budget_reset_margin() <= v_now;

  -- In flight is what unexpired reservations hold: one a worker never reconciled (an isolate
  -- killed mid-request) stops counting when it expires.
  delete from engine.budget_reservations r
  using engine.github_tokens t
  where t.id = r.token_id and r.resource = p_resource and t.enabled
    and (p_token_ids is null or t.id = any (p_token_ids)) and r.expires_at <= v_now;
  update engine.rate_limit_budgets b
  set reserved = coalesce((select sum(r.points) from engine.budget_reservations r
                           where r.token_id = b.token_id and r.resource = b.resource), 0)
  from engine.github_tokens t
  where t.id = b.token_id and b.resource = p_resource and t.enabled
    and (p_token_ids is null or t.id = any (p_token_ids));

  select b.token_id, t.label, t.vault_secret_id, b.remaining - b.reserved - p_reserve as headroom
  into v_best
  from engine.rate_limit_budgets b
  join engine.github_tokens t on t.id = b.token_id
  where b.resource = p_resource and t.enabled and (p_token_ids is null or t.id = any (p_token_ids))
    and (b.paused_until is null or b.paused_until <= v_now)
    and b.remaining - b.reserved - p_reserve >= p_cost
  order by b.remaining - b.reserved desc, b.token_id
  limit 1;

  if v_best.token_id is not null then
    insert into engine.budget_reservations (token_id, resource, points, created_at, expires_at)
    values (v_best.token_id, p_resource, p_cost, v_now, v_now + engine.budget_reservation_ttl())
    returning id into v_reservation_id;
    update engine.rate_limit_budgets b
    set reserved = b.reserved + p_cost, updated_at = v_now
    where b.token_id = v_best.token_id and b.resource = p_resource;
    return query select v_best.token_id, v_best.label, v_best.vault_secret_id, p_cost,
      null::timestamptz, null::text, v_reservation_id;
    return;
  end if;

  -- Nothing can cover it: the earliest moment any token may: the end of its pause, the end of
  -- its window, or (when only others' in-flight reservations are in the way) a moment later.
  select min(case
           when b.paused_until > v_now then greatest(b.paused_until,
             case when b.remaining - p_reserve < p_cost and b.reset_at is not null
                  then b.reset_at + engine.budget_reset_margin() end)
           when b.remaining - p_reserve >= p_cost then v_now + interval '1 second'
           when b.reset_at is not null then b.reset_at + engine.budget_reset_margin()
           else v_now + interval '60 seconds'
         end)
  into v_wait
  from engine.rate_limit_budgets b
  join engine.github_tokens t on t.id = b.token_id
  where b.resource = p_resource and t.enabled and (p_token_ids is null or t.id = any (p_token_ids));

  select case
    when bool_and(b.paused_until > v_now) then 'every token is paused by a GitHub secondary rate limit'
    when bool_and(b.limit_points - p_reserve < p_cost) then
      format('the request (%s points) exceeds every token''s limit minus the reserve of %s', p_cost, p_reserve)
    else format('the GitHub budget cannot cover %s points while keeping a reserve of %s', p_cost, p_reserve)
  end
  into v_reason
  from engine.rate_limit_budgets b
  join engine.github_tokens t on t.id = b.token_id
  where b.resource = p_resource and t.enabled and (p_token_ids is null or t.id = any (p_token_ids));

  return query select null::uuid, null::text, null::uuid, 0, v_wait, v_reason, null::bigint;
end;
$$;
comment on function engine.reserve_budget(int, text, int, uuid[]) is
  'Reserves p_cost points on the enabled, unpaused token with the most headroom, keeping p_reserve '
  'points untouched. Returns the token and the points reserved, or (token null) wait_until: the '
  'earliest time a token may cover the request; then no request may be sent. The reservation '
  '(reservation_id, a row of engine.budget_reservations) counts until reconciled or expired.';
revoke all on function engine.reserve_budget(int, text, int, uuid[]) from public;
grant execute on function engine.reserve_budget(int, text, int, uuid[]) to service_role;

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
comment on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text, bigint) is
  'After a request: releases its reservation and records GitHub''s report (remaining, resetAt, '
  'limit; a primary-limit answer is remaining 0). Without a report, p_cost (if known) is charged. '
  'p_reservation_id names the reservation (engine.reserve_budget''s reservation_id).';
revoke all on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text, bigint) from public;
grant execute on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text, bigint) to service_role;
