-- GitHub credentials: the platform's token pool (workspace_id null) and the tokens a workspace
-- connects itself (workspace_id set). Token values live only in Vault.
--
-- The platform pool serves public repositories only. A private repository is fetched only with a
-- credential of the workspace whose job asks for it, and its content becomes readable to that
-- workspace through a grant the fetch records (public.repository_access_grants). Budgets are
-- kept per token (44_engine_budget_and_tokens.sql); GitHub's limit is per account, so within one
-- scope (the pool, or one workspace) at most one enabled token per account.

-- The GITHUB_TOKEN of the functions' environment has no Vault secret: its value lives in the
-- function secrets. It still needs a row so its budget is shared; such rows are labelled
-- 'env:<VARIABLE>' and are the only ones allowed without a vault_secret_id.
create table engine.github_tokens (
  id uuid primary key default gen_random_uuid(),
  label text not null unique,
  vault_secret_id uuid,                       -- id of the vault.secrets row holding the token; never the token
  kind text not null default 'pat'
    constraint github_tokens_kind_is_pat_or_app check (kind in ('pat', 'app')),
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  account text
    constraint github_tokens_account_is_not_blank check (account is null or btrim(account) <> ''),
  workspace_id uuid references public.workspaces (id) on delete cascade,
  created_by uuid references auth.users (id) on delete set null,
  disabled_at timestamptz,
  disabled_reason text,
  denied_data_types text[] not null default '{}',
  denied_reason text,
  env_fingerprint text,
  constraint github_tokens_vault_secret_or_env_label check (vault_secret_id is not null or label like 'env:%'),
  constraint github_tokens_env_tokens_are_the_platform_s check (workspace_id is null or label not like 'env:%')
);
alter table engine.github_tokens enable row level security;
revoke all on engine.github_tokens from public, anon, authenticated;
grant all on engine.github_tokens to service_role;
comment on table engine.github_tokens is
  'GitHub credentials: the platform pool (workspace_id null, public repositories only) and tokens workspaces '
  'connected for their private repositories. Token values live only in Vault (vault_secret_id).';
comment on column engine.github_tokens.vault_secret_id is
  'Vault secret holding the token; null only for env:<VARIABLE> rows, whose value is in the function secrets.';
comment on column engine.github_tokens.account is
  'The GitHub account whose rate limit the token draws on: the user''s login for a PAT (all of a user''s tokens share '
  'one limit), ''installation:<id>'' for an App installation. At most one enabled token per account (case-insensitive) '
  'within the pool or one workspace: budgets are kept per token, so a second token of the same account would overdraw '
  'the one limit. Null: an account of its own (set it, including on the env:GITHUB_TOKEN row, so a second token of '
  'that account is refused).';
comment on column engine.github_tokens.workspace_id is
  'The workspace that connected this token (its private repositories only); null for the platform pool.';
comment on column engine.github_tokens.disabled_reason is
  'Why the engine disabled the token (GitHub answered 401 Bad credentials: revoked or expired) and what to do.';
comment on column engine.github_tokens.denied_data_types is
  'Data types GitHub refused this token for (INSUFFICIENT_SCOPES: a missing scope); the token still serves the others.';
comment on column engine.github_tokens.env_fingerprint is
  'For env: rows, a fingerprint (SHA-256 prefix) of the token value the worker last ran with: a new value re-enables '
  'a row the engine disabled.';

-- The backstop for concurrent inserts (the trigger cannot see an uncommitted row of another
-- transaction; the index makes the second one wait and fail).
create unique index github_tokens_one_enabled_per_account
  on engine.github_tokens (coalesce(workspace_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(account))
  where enabled and account is not null;

create index github_tokens_workspace_id_idx on engine.github_tokens (workspace_id) where workspace_id is not null;

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
      and t.workspace_id is not distinct from new.workspace_id
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
revoke all on function private.tg_github_tokens__one_enabled_per_account() from public, anon, authenticated;
comment on function private.tg_github_tokens__one_enabled_per_account() is
  'Refuses a second enabled engine.github_tokens row of one account (one GitHub rate limit) in the same scope '
  '(the platform pool, or one workspace) with a message naming both tokens.';

create trigger tg_github_tokens__one_enabled_per_account
  before insert or update of enabled, account on engine.github_tokens
  for each row
  execute function private.tg_github_tokens__one_enabled_per_account();

-- Owners and admins connect a token of their own (a fine-grained or classic PAT that can read
-- their private repositories). The value goes to Vault; the table keeps its id only.
create or replace function private.connect_github_token(workspace_id uuid, token text, account text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_secret uuid;
  v_id uuid := gen_random_uuid();
  v_count int;
begin
  perform private.assert_workspace_admin(connect_github_token.workspace_id, 'connect_github_token');
  if token is null or token !~ '^[A-Za-z0-9_]{20,255}$' then
    raise exception 'connect_github_token: that is not a GitHub token (20-255 letters, digits and underscores, e.g. github_pat_… or ghp_…)'
      using errcode = '22023', hint = 'Create a fine-grained token with read access to the repositories (contents, metadata, '
        'pull requests, issues, discussions) at github.com/settings/tokens.';
  end if;
  if account is not null and account !~ '^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$' then
    raise exception 'connect_github_token: account "%" is not a GitHub login', account using errcode = '22023';
  end if;
  select count(*) into v_count from engine.github_tokens t where t.workspace_id = connect_github_token.workspace_id;
  if v_count >= 5 then
    raise exception 'connect_github_token: workspace % already has 5 GitHub tokens; disconnect one first', connect_github_token.workspace_id
      using errcode = '54000';
  end if;
  v_secret := vault.create_secret(token, 'github_token:' || v_id, format('GitHub token of workspace %s', connect_github_token.workspace_id));
  insert into engine.github_tokens (id, label, vault_secret_id, kind, account, workspace_id, created_by)
  values (v_id, format('workspace:%s:%s', connect_github_token.workspace_id, left(v_id::text, 8)), v_secret, 'pat',
          connect_github_token.account, connect_github_token.workspace_id, auth.uid());
  return v_id;
end
$$;
revoke execute on function private.connect_github_token(uuid, text, text) from public, anon, authenticated;
grant execute on function private.connect_github_token(uuid, text, text) to authenticated, service_role;

create or replace function public.connect_github_token(workspace_id uuid, token text, account text default null)
returns uuid
language sql
security invoker
set search_path = ''
as $$ select private.connect_github_token(workspace_id, token, account) $$;
revoke execute on function public.connect_github_token(uuid, text, text) from public, anon;
grant execute on function public.connect_github_token(uuid, text, text) to authenticated, service_role;
comment on function public.connect_github_token(uuid, text, text) is
  'Owners/admins connect a GitHub token (kept in Vault, never readable again) that the engine uses for this '
  'workspace''s PRIVATE repositories only; account is its GitHub login (tokens of one account share one rate limit). '
  'Returns the credential id; list with github_credentials(workspace_id), remove with disconnect_github_token.';

create or replace function private.disconnect_github_token(workspace_id uuid, credential_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_secret uuid;
begin
  perform private.assert_workspace_admin(disconnect_github_token.workspace_id, 'disconnect_github_token');
  delete from engine.github_tokens t
  where t.id = disconnect_github_token.credential_id and t.workspace_id = disconnect_github_token.workspace_id
  returning t.vault_secret_id into v_secret;
  if not found then
    raise exception 'disconnect_github_token: workspace % has no GitHub token %', disconnect_github_token.workspace_id, credential_id
      using errcode = 'P0002';
  end if;
  delete from vault.secrets s where s.id = v_secret;
end
$$;
revoke execute on function private.disconnect_github_token(uuid, uuid) from public, anon, authenticated;
grant execute on function private.disconnect_github_token(uuid, uuid) to authenticated, service_role;

create or replace function public.disconnect_github_token(workspace_id uuid, credential_id uuid)
returns void
language sql
security invoker
set search_path = ''
as $$ select private.disconnect_github_token(workspace_id, credential_id) $$;
revoke execute on function public.disconnect_github_token(uuid, uuid) from public, anon;
grant execute on function public.disconnect_github_token(uuid, uuid) to authenticated, service_role;
comment on function public.disconnect_github_token(uuid, uuid) is
  'Owners/admins remove a connected GitHub token: its Vault secret is deleted, and the private repositories only '
  'it had fetched stop being readable by the workspace until another of its tokens fetches them.';

create or replace function private.github_credentials(workspace_id uuid)
returns table (id uuid, kind text, account text, enabled boolean, disabled_reason text, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.assert_workspace_admin(github_credentials.workspace_id, 'github_credentials');
  return query
    select t.id, t.kind, t.account, t.enabled, t.disabled_reason, t.created_at
    from engine.github_tokens t
    where t.workspace_id = github_credentials.workspace_id
    order by t.created_at;
end
$$;
revoke execute on function private.github_credentials(uuid) from public, anon, authenticated;
grant execute on function private.github_credentials(uuid) to authenticated, service_role;

create or replace function public.github_credentials(workspace_id uuid)
returns table (id uuid, kind text, account text, enabled boolean, disabled_reason text, created_at timestamptz)
language sql
security invoker
set search_path = ''
as $$ select * from private.github_credentials(workspace_id) $$;
revoke execute on function public.github_credentials(uuid) from public, anon;
grant execute on function public.github_credentials(uuid) to authenticated, service_role;
comment on function public.github_credentials(uuid) is
  'Owners/admins list the GitHub tokens connected to their workspace (never their values): account, enabled, and '
  'disabled_reason when GitHub refused one (revoked, expired or missing a scope: connect a new one).';
