-- Budgets are per GitHub ACCOUNT, not per token: all tokens of one user share that user's
-- primary limit (5,000 points/hour), and an App installation has one limit whatever tokens are
-- minted for it. engine.rate_limit_budgets holds one budget per engine.github_tokens row, so two
-- enabled tokens of one account would each be budgeted the whole limit and together overdraw it.
-- Rather than teach reserve_budget about shared budgets, the pool refuses that configuration:
-- at most one enabled token per account. engine.github_tokens.account names the account (the
-- user's GitHub login for a PAT, 'installation:<id>' for an App installation); null means the
-- operator vouches that the token's account has no other token in the pool.

alter table engine.github_tokens add column if not exists account text
  constraint github_tokens_account_is_not_blank check (account is null or btrim(account) <> '');
comment on column engine.github_tokens.account is
  'The GitHub account whose rate limit the token draws on: the user''s login for a PAT (all of a user''s tokens share '
  'one limit), ''installation:<id>'' for an App installation. At most one enabled token per account (case-insensitive): '
  'budgets are kept per token, so a second token of the same account would overdraw the one limit. Null: an account '
  'of its own (set it, including on the env:GITHUB_TOKEN row, so a second token of that account is refused).';

create or replace function private.tg_github_tokens__one_enabled_per_account()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_other text;
begin
  if new.enabled and new.account is not null then
    select t.label into v_other
    from engine.github_tokens t
    where t.enabled and lower(t.account) = lower(new.account) and t.id <> new.id
    order by t.label
    limit 1;
    if v_other is not null then
      raise exception 'GitHub tokens % and % belong to account %, which has ONE rate limit: disable one, or use tokens of different accounts/installations',
        v_other, new.label, new.account
        using errcode = '23505',
              hint = format('update engine.github_tokens set enabled = false where label = %L;', new.label);
    end if;
  end if;
  return new;
end;
$$;
comment on function private.tg_github_tokens__one_enabled_per_account() is
  'Refuses a second enabled engine.github_tokens row of one account (one GitHub rate limit) with a message naming both tokens.';
revoke all on function private.tg_github_tokens__one_enabled_per_account() from public, anon, authenticated;

drop trigger if exists tg_github_tokens__one_enabled_per_account on engine.github_tokens;
create trigger tg_github_tokens__one_enabled_per_account
  before insert or update of enabled, account on engine.github_tokens
  for each row
  execute function private.tg_github_tokens__one_enabled_per_account();

-- The backstop for concurrent inserts (the trigger cannot see an uncommitted row of another
-- transaction; the index makes the second one wait and fail).
create unique index if not exists github_tokens_one_enabled_per_account
  on engine.github_tokens (lower(account)) where enabled and account is not null;

-- Operators see the account next to each budget.
create or replace view engine.token_budgets with (security_invoker = true) as
select t.label, t.kind, t.enabled, b.resource, b.limit_points, b.remaining, b.reserved,
       b.remaining - b.reserved as available, b.reset_at,
       greatest(b.reset_at - now(), interval '0') as resets_in, b.paused_until, b.updated_at,
       t.account
from engine.github_tokens t
left join engine.rate_limit_budgets b on b.token_id = t.id
order by t.label, b.resource;
comment on view engine.token_budgets is
  'GitHub tokens with their budget per resource: remaining, reserved, available, reset and pause, and the account '
  'whose limit they draw on (one enabled token per account).';
