-- The shared GitHub budget (DESIGN §3, issue 6 §4): before a request a worker reserves its
-- estimated cost atomically on the token with the most headroom, keeping a reserve; after it,
-- it reconciles with what GitHub reported; a secondary limit pauses the token for every worker.
-- When nothing can cover a request the caller learns when to come back and sends nothing.
--
-- Concurrency: reserve_budget locks every candidate budget row with FOR UPDATE in token order
-- (one order for everybody: no deadlock), then reads the rows again under those locks. A
-- concurrent reservation therefore waits for the first to commit and sees its `reserved`:
-- headroom is never counted twice, so reservations never overdraw.

-- The GITHUB_TOKEN of the functions' environment has no Vault secret: its value lives in the
-- function secrets. It still needs a row so its budget is shared; such rows are labelled
-- 'env:<VARIABLE>' and are the only ones allowed without a vault_secret_id.
alter table engine.github_tokens alter column vault_secret_id drop not null;
alter table engine.github_tokens add constraint github_tokens_vault_secret_or_env_label
  check (vault_secret_id is not null or label like 'env:%');
comment on column engine.github_tokens.vault_secret_id is
  'Vault secret holding the token; null only for env:<VARIABLE> rows, whose value is in the function secrets.';

-- Seconds added to GitHub's resetAt before a window is considered refilled: GitHub reports
-- resetAt to the second, so the real reset may be up to one second later.
create or replace function engine.budget_reset_margin()
returns interval
language sql immutable
set search_path = ''
as $$ select interval '1 second' $$;
revoke all on function engine.budget_reset_margin() from public;
grant execute on function engine.budget_reset_margin() to service_role;

create or replace function engine.ensure_env_github_token(p_label text default 'env:GITHUB_TOKEN')
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
  select id into v_id from engine.github_tokens where label = p_label;
  if v_id is null then
    insert into engine.github_tokens (label, vault_secret_id, kind)
    values (p_label, null, 'pat')
    on conflict (label) do nothing;
    select id into v_id from engine.github_tokens where label = p_label;
  end if;
  return v_id;
end;
$$;
comment on function engine.ensure_env_github_token(text) is
  'Id of the engine.github_tokens row of an environment token (created on demand).';
revoke all on function engine.ensure_env_github_token(text) from public;
grant execute on function engine.ensure_env_github_token(text) to service_role;

create or replace function engine.reserve_budget(
  p_cost int,
  p_resource text default 'graphql',
  p_reserve int default 1000,
  p_token_ids uuid[] default null
)
returns table (token_id uuid, label text, vault_secret_id uuid, reserved int, wait_until timestamptz, reason text)
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_best record;
  v_wait timestamptz;
  v_reason text;
  v_count int;
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
  -- request, so its reset is unknown until an answer reports it.
  update engine.rate_limit_budgets b
  set remaining = b.limit_points, reset_at = null, updated_at = v_now
  from engine.github_tokens t
  where t.id = b.token_id and b.resource = p_resource and t.enabled
    and (p_token_ids is null or t.id = any (p_token_ids))
    and b.reset_at is not null and b.reset_at + engine.budget_reset_margin() <= v_now;

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
    update engine.rate_limit_budgets b
    set reserved = b.reserved + p_cost, updated_at = v_now
    where b.token_id = v_best.token_id and b.resource = p_resource;
    return query select v_best.token_id, v_best.label, v_best.vault_secret_id, p_cost,
      null::timestamptz, null::text;
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

  return query select null::uuid, null::text, null::uuid, 0, v_wait, v_reason;
end;
$$;
comment on function engine.reserve_budget(int, text, int, uuid[]) is
  'Reserves p_cost points on the enabled, unpaused token with the most headroom, keeping p_reserve '
  'points untouched. Returns the token and the points reserved, or (token null) wait_until: the '
  'earliest time a token may cover the request; then no request may be sent.';
revoke all on function engine.reserve_budget(int, text, int, uuid[]) from public;
grant execute on function engine.reserve_budget(int, text, int, uuid[]) to service_role;

create or replace function engine.reconcile_budget(
  p_token_id uuid,
  p_reserved int,
  p_cost int default null,
  p_remaining int default null,
  p_reset_at timestamptz default null,
  p_limit int default null,
  p_resource text default 'graphql'
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into engine.rate_limit_budgets (token_id, resource)
  values (p_token_id, p_resource)
  on conflict do nothing;

  update engine.rate_limit_budgets b
  set reserved = greatest(0, b.reserved - greatest(coalesce(p_reserved, 0), 0)),
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
comment on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text) is
  'After a request: releases its reservation and records GitHub''s report (remaining, resetAt, '
  'limit; a primary-limit answer is remaining 0). Without a report, p_cost (if known) is charged.';
revoke all on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text) from public;
grant execute on function engine.reconcile_budget(uuid, int, int, int, timestamptz, int, text) to service_role;

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
comment on function engine.pause_token(uuid, timestamptz) is
  'Secondary limit: no worker reserves on the token (any resource) before p_until. Never shortens a pause.';
revoke all on function engine.pause_token(uuid, timestamptz) from public;
grant execute on function engine.pause_token(uuid, timestamptz) to service_role;

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
comment on function engine.github_token_secret(uuid) is
  'Decrypted value of a pooled (Vault) token for the worker; null for env: tokens.';
revoke all on function engine.github_token_secret(uuid) from public;
grant execute on function engine.github_token_secret(uuid) to service_role;
