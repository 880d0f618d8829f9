-- Stand-in for pg_net: same schema, tables and function signatures (pg_net 0.1x), but no
-- background worker. Requests wait in net.http_request_queue; an AFTER INSERT trigger does
-- pg_notify('net_http_request_queue', id), delivered only when the transaction commits (pg_net
-- likewise sends requests after commit). A local relay (dev tooling) LISTENs on that channel
-- and polls, deletes each request it takes from the queue, sends it and writes
-- net._http_response. Idempotent.

set client_min_messages = warning;  -- quiet the "already exists, skipping" notices on re-runs

create schema if not exists net;

create table if not exists net.http_request_queue (
  id bigserial primary key,
  method text not null,
  url text not null,
  headers jsonb,
  body bytea,
  timeout_milliseconds integer not null
);

create table if not exists net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
create index if not exists _http_response_created_idx on net._http_response (created);

create or replace function net._notify_request_queued() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('net_http_request_queue', new.id::text);
  return null;
end
$$;

drop trigger if exists notify_request_queued on net.http_request_queue;
create trigger notify_request_queued
after insert on net.http_request_queue
for each row execute function net._notify_request_queued();

-- pg_net url-encodes params (keys and values) and appends them to the url.
create or replace function net._urlencode_string(string text) returns text
language plpgsql immutable strict
set search_path = ''
as $$
declare
  b bytea := pg_catalog.convert_to(string, 'UTF8');
  out text := '';
  c integer;
begin
  for i in 0 .. pg_catalog.length(b) - 1 loop
    c := pg_catalog.get_byte(b, i);
    if (c between 48 and 57) or (c between 65 and 90) or (c between 97 and 122) or c in (45, 46, 95, 126) then
      out := out || pg_catalog.chr(c);
    else
      out := out || '%' || pg_catalog.upper(pg_catalog.lpad(pg_catalog.to_hex(c), 2, '0'));
    end if;
  end loop;
  return out;
end
$$;

create or replace function net._encode_url_with_params(url text, params jsonb) returns text
language sql immutable
set search_path = ''
as $$
  select case
    when params is null or params = '{}'::jsonb then url
    else url || case when pg_catalog.strpos(url, '?') > 0 then '&' else '?' end || (
      select pg_catalog.string_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value), '&')
      from pg_catalog.jsonb_each_text(params) as p(key, value)
    )
  end
$$;

create or replace function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language plpgsql volatile parallel safe
security definer
set search_path = net
as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params(url, params), headers, timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$$;

create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language plpgsql volatile parallel safe
security definer
set search_path = net
as $$
declare
  request_id bigint;
  content_type text;
begin
  -- As pg_net: add the JSON content type when the caller's headers omit it.
  select h.value into content_type
  from jsonb_each_text(coalesce(headers, '{}'::jsonb)) as h(key, value)
  where lower(h.key) = 'content-type'
  limit 1;
  if content_type is null then
    headers := coalesce(headers, '{}'::jsonb) || '{"Content-Type": "application/json"}'::jsonb;
  end if;

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', net._encode_url_with_params(url, params), headers,
          convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$$;

create or replace function net.http_delete(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000,
  body jsonb default null
)
returns bigint
language plpgsql volatile parallel safe
security definer
set search_path = net
as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('DELETE', net._encode_url_with_params(url, params), headers,
          convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$$;

-- Grants as on hosted Supabase (extensions.grant_pg_net_access): usage on net and execute on
-- the request functions for postgres and the API roles; the tables stay private to postgres.
grant usage on schema net to postgres, anon, authenticated, service_role;
revoke all on table net.http_request_queue, net._http_response from public, anon, authenticated, service_role;
grant all on table net.http_request_queue, net._http_response to postgres;
revoke all on function
  net.http_get(text, jsonb, jsonb, integer),
  net.http_post(text, jsonb, jsonb, jsonb, integer),
  net.http_delete(text, jsonb, jsonb, integer, jsonb)
  from public;
grant execute on function
  net.http_get(text, jsonb, jsonb, integer),
  net.http_post(text, jsonb, jsonb, jsonb, integer),
  net.http_delete(text, jsonb, jsonb, integer, jsonb)
  to postgres, anon, authenticated, service_role;
