/*
 * pg_net--0.20.4.sql: a local, SQL-only stand-in for the pg_net extension (the SQL interface of
 * pg_net 0.19/0.20, which hosted Supabase ships), written for this project from pg_net's
 * documented API and observed behaviour, not copied. What pg_net does in C is done here in SQL,
 * and its background worker is replaced by the stack's relay (dev/stack/relay.ts), which takes
 * requests from net.http_request_queue after their transaction commits, sends them and writes
 * net._http_response. dev/pg_net/README.md lists what is left different.
 *
 * As pg_net, the script creates schema net itself (so `create extension pg_net with schema
 * extensions`, Supabase's documented statement, registers the extension in `extensions` while
 * every object lives in net), and grants usage on net and all on its tables and sequences to
 * PUBLIC; the functions are SECURITY INVOKER with PostgreSQL's default EXECUTE for PUBLIC.
 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pg_net" to load this file. \quit

create schema if not exists net;

create domain net.http_method as text
check (value ilike 'get' or value ilike 'post' or value ilike 'delete');

-- Requests waiting for the worker (here: the relay). Unlogged, no primary key, as pg_net's.
create unlogged table net.http_request_queue (
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb,
  body bytea,
  timeout_milliseconds integer not null
);

-- The worker here is the relay's connection (application_name net-relay), not a background worker.
create function net.check_worker_is_up()
returns void
language plpgsql
as $fn$
begin
  if not exists (select from pg_catalog.pg_stat_activity a where a.application_name = 'net-relay') then
    raise exception using
      message = 'the pg_net background worker is not up',
      detail = 'the local pg_net stand-in delivers requests through the stack''s relay (application_name net-relay), which is not connected',
      hint = 'start the local stack with npm run stack:up (the relay runs with its services)';
  end if;
end;
$fn$;
comment on function net.check_worker_is_up() is 'raises an exception if the pg_net background worker is not up, otherwise it doesn''t return anything';

create unlogged table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamp with time zone not null default now()
);
create index on net._http_response (created);

-- Waits until the answer to request_id is recorded (polling every 50 ms, as pg_net does).
create function net._await_response(request_id bigint)
returns boolean
language plpgsql
as $fn$
declare
  answer net._http_response;
begin
  while answer is null loop
    select r.* into answer from net._http_response r where r.id = request_id;
    if answer is null then
      perform pg_sleep(0.05);
    end if;
  end loop;
  return true;
end;
$fn$;

-- Percent-encodes every byte except the unreserved characters A-Z a-z 0-9 - . _ ~ (what
-- curl_escape, which pg_net calls, does).
create function net._urlencode_string(string varchar)
returns text
language plpgsql
immutable
as $fn$
declare
  bytes bytea := convert_to(string, 'UTF8');
  encoded text := '';
  b integer;
begin
  if string is null then
    return null;
  end if;
  for i in 0 .. length(bytes) - 1 loop
    b := get_byte(bytes, i);
    if b between 48 and 57 or b between 65 and 90 or b between 97 and 122 or b in (45, 46, 95, 126) then
      encoded := encoded || chr(b);
    else
      encoded := encoded || '%' || upper(lpad(to_hex(b), 2, '0'));
    end if;
  end loop;
  return encoded;
end;
$fn$;

-- Appends the already encoded key=value pairs to the url's query, as pg_net does through curl's
-- URL API: '?' or '&' as needed, NULL elements skipped, '/' added to a URL that has no path. An
-- URL without a scheme is refused.
create function net._encode_url_with_params_array(url text, params_array text[])
returns text
language plpgsql
immutable
as $fn$
declare
  full_url text := url;
  param text;
begin
  if url is null or params_array is null then
    return null;
  end if;
  if url !~ '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]' then
    raise exception 'invalid URL "%": Bad URL', url;
  end if;
  full_url := regexp_replace(full_url, '^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]+)([?#]|$)', '\1/\2');
  foreach param in array params_array loop
    continue when param is null;
    full_url := full_url || case when strpos(full_url, '?') > 0 then '&' else '?' end || param;
  end loop;
  return full_url;
end;
$fn$;

-- pg_net restarts its background worker; the relay has no such signal, so this only reports
-- whether the relay is connected.
create function net.worker_restart()
returns boolean
language sql
as $fn$
  select exists (select from pg_catalog.pg_stat_activity a where a.application_name = 'net-relay');
$fn$;

create function net.wait_until_running()
returns void
language plpgsql
as $fn$
begin
  while not exists (select from pg_catalog.pg_stat_activity a where a.application_name = 'net-relay') loop
    perform pg_sleep(0.05);
  end loop;
end;
$fn$;
comment on function net.wait_until_running() is 'waits until the worker is running';

-- pg_net wakes its worker at once; a NOTIFY reaches the relay when the transaction commits,
-- which is also the first moment the worker could see the request.
create function net.wake()
returns void
language sql
as $fn$
  select pg_notify('net_http_request_queue', '');
$fn$;

create function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language plpgsql
as $fn$
declare
  request_id bigint;
  encoded_params text[];
begin
  select coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
  into encoded_params
  from jsonb_each_text(params) p;

  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params_array(url, encoded_params), headers, timeout_milliseconds)
  returning id into request_id;

  perform net.wake();
  return request_id;
end;
$fn$;

-- The body is sent as JSON: a missing Content-Type header is added, any other content type is
-- refused.
create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
)
returns bigint
language plpgsql
as $fn$
declare
  request_id bigint;
  encoded_params text[];
  content_type text;
begin
  select h.value into content_type
  from jsonb_each_text(coalesce(headers, '{}'::jsonb)) h
  where lower(h.key) = 'content-type'
  limit 1;

  if content_type is null then
    headers := headers || '{"Content-Type": "application/json"}'::jsonb;
  end if;
  if content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;

  select coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
  into encoded_params
  from jsonb_each_text(params) p;

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', net._encode_url_with_params_array(url, encoded_params), headers,
          convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;

  perform net.wake();
  return request_id;
end;
$fn$;

create function net.http_delete(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000,
  body jsonb default null
)
returns bigint
language plpgsql
as $fn$
declare
  request_id bigint;
  encoded_params text[];
begin
  select coalesce(array_agg(net._urlencode_string(p.key) || '=' || net._urlencode_string(p.value)), '{}')
  into encoded_params
  from jsonb_each_text(params) p;

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('DELETE', net._encode_url_with_params_array(url, encoded_params), headers,
          convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;

  perform net.wake();
  return request_id;
end;
$fn$;

create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');

create type net.http_response as (
  status_code integer,
  headers jsonb,
  body text
);

create type net.http_response_result as (
  status net.request_status,
  message text,
  response net.http_response
);

-- The recorded answer to request_id; with async = false it first waits for it. A request still
-- running and one that never existed look the same ('request matching request_id not found').
create function net._http_collect_response(request_id bigint, async boolean default true)
returns net.http_response_result
language plpgsql
as $fn$
declare
  answer net._http_response;
begin
  if not async then
    perform net._await_response(request_id);
  end if;

  select r.* into answer from net._http_response r where r.id = request_id;

  if answer is null or answer.error_msg is not null then
    return ('ERROR', coalesce(answer.error_msg, 'request matching request_id not found'), null)::net.http_response_result;
  end if;
  return ('SUCCESS', 'ok', (answer.status_code, answer.headers, answer.content)::net.http_response)::net.http_response_result;
end;
$fn$;

-- Deprecated in pg_net. Its body runs a SELECT without a destination, so every call ends in
-- "query has no destination for result data" after the notice; kept that way on purpose.
create function net.http_collect_response(request_id bigint, async boolean default true)
returns net.http_response_result
language plpgsql
as $fn$
begin
  raise notice 'The net.http_collect_response function is deprecated.';
  select net._http_collect_response(request_id, async);
end;
$fn$;

grant usage on schema net to public;
grant all on all sequences in schema net to public;
grant all on all tables in schema net to public;
