-- Stand-in for the supabase_vault extension (0.3.x API): vault.secrets stores the secret
-- encrypted (base64 text), vault.decrypted_secrets decrypts it, create_secret/update_secret
-- are SECURITY DEFINER with search_path ''. Real Vault uses libsodium AEAD with a key held
-- outside the database; here pgcrypto's pgp_sym_encrypt with a random per-cluster key kept in
-- schema _vault_key, which no role but postgres can reach. Idempotent.

set client_min_messages = warning;  -- quiet the "already exists, skipping" notices on re-runs

create schema if not exists _vault_key;
revoke all on schema _vault_key from public, anon, authenticated, service_role;

create table if not exists _vault_key.root_key (
  id boolean primary key default true check (id),
  key text not null default encode(extensions.gen_random_bytes(32), 'hex')
);
insert into _vault_key.root_key (id) values (true) on conflict (id) do nothing;
revoke all on table _vault_key.root_key from public, anon, authenticated, service_role;

create schema if not exists vault;

create table if not exists vault.secrets (
  id uuid not null primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default extensions.gen_random_bytes(16),
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;

-- Owned by postgres and not security_invoker: selecting from the view reads the key with the
-- view owner's rights, so callers need a grant on the view only.
create or replace view vault.decrypted_secrets as
select
  s.id,
  s.name,
  s.description,
  s.secret,
  extensions.pgp_sym_decrypt(
    decode(s.secret, 'base64'),
    (select k.key from _vault_key.root_key k)
  ) as decrypted_secret,
  s.key_id,
  s.nonce,
  s.created_at,
  s.updated_at
from vault.secrets s;

create or replace function vault.create_secret(
  new_secret text,
  new_name text default null,
  new_description text default '',
  -- unused, as in supabase_vault 0.3
  new_key_id uuid default null
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  new_id uuid := gen_random_uuid();
begin
  insert into vault.secrets (id, secret, name, description)
  values (
    new_id,
    encode(extensions.pgp_sym_encrypt(new_secret, (select k.key from _vault_key.root_key k)), 'base64'),
    new_name,
    coalesce(new_description, '')
  );
  return new_id;
end
$$;

create or replace function vault.update_secret(
  secret_id uuid,
  new_secret text default null,
  new_name text default null,
  new_description text default null,
  -- unused, as in supabase_vault 0.3
  new_key_id uuid default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update vault.secrets s
  set
    secret = case
      when new_secret is null then s.secret
      else encode(extensions.pgp_sym_encrypt(new_secret, (select k.key from _vault_key.root_key k)), 'base64')
    end,
    name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description),
    updated_at = now()
  where s.id = secret_id;
end
$$;

-- Grants as on hosted Supabase: nothing for PUBLIC/anon/authenticated; postgres and
-- service_role may read (and delete) secrets and call the functions.
revoke all on schema vault from public, anon, authenticated;
grant usage on schema vault to postgres with grant option;
grant usage on schema vault to service_role;

revoke all on table vault.secrets, vault.decrypted_secrets from public, anon, authenticated, service_role;
grant select, references, delete, truncate on table vault.secrets, vault.decrypted_secrets to postgres with grant option;
grant select, delete on table vault.secrets, vault.decrypted_secrets to service_role;

revoke all on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) from public, anon, authenticated;
grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) to postgres with grant option;
grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) to service_role;
