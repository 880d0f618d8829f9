-- net.http_post queues the request in net.http_request_queue with pg_net's encoding of url,
-- params, headers, body and timeout; the relay sends it after commit. The extension is created
-- here as the migrations create it on hosted Supabase (a no-op once they have).
begin;
select plan(14);

set local client_min_messages = warning;
create extension if not exists pg_net with schema extensions;

select ok(
  net.http_post(
    url := 'http://127.0.0.1:54321/functions/v1/worker',
    body := '{"kick": true}'::jsonb,
    params := '{"source": "cron job", "n": "1"}'::jsonb,
    headers := '{"Content-Type": "application/json", "Authorization": "Bearer x"}'::jsonb,
    timeout_milliseconds := 2000
  ) > 0,
  'net.http_post returns a request id');

select is(
  (select method::text from net.http_request_queue order by id desc limit 1), 'POST',
  'the queued request is a POST');
select is(
  (select url from net.http_request_queue order by id desc limit 1),
  'http://127.0.0.1:54321/functions/v1/worker?n=1&source=cron%20job',
  'params are url-encoded and appended to the url');
select is(
  (select headers from net.http_request_queue order by id desc limit 1),
  '{"Content-Type": "application/json", "Authorization": "Bearer x"}'::jsonb,
  'the headers are stored as given');
select is(
  (select convert_from(body, 'UTF8')::jsonb from net.http_request_queue order by id desc limit 1),
  '{"kick": true}'::jsonb,
  'the body is stored as UTF-8 JSON bytes');
select is(
  (select timeout_milliseconds from net.http_request_queue order by id desc limit 1), 2000,
  'the timeout is stored');

select net.http_post('http://127.0.0.1:54321/functions/v1/worker');
select is(
  (select (headers, timeout_milliseconds, convert_from(body, 'UTF8'))::text
     from net.http_request_queue order by id desc limit 1),
  ('{"Content-Type": "application/json"}'::jsonb, 5000, '{}')::text,
  'defaults are pg_net''s: JSON content type, empty JSON body, 5000 ms');

select net.http_post('http://127.0.0.1:54321/x', headers := '{"apikey": "k"}');
select is(
  (select headers from net.http_request_queue order by id desc limit 1),
  '{"apikey": "k", "Content-Type": "application/json"}'::jsonb,
  'headers without a content type get the JSON content type added');

select throws_ok(
  $$select net.http_post('http://127.0.0.1:54321/x', headers := '{"content-type": "text/plain"}')$$,
  'P0001', 'Content-Type header must be "application/json"',
  'any other content type is refused, as pg_net does');

select net.http_get('http://example.test/x', '{"q": "a&b"}');
select is(
  (select method || ' ' || url from net.http_request_queue order by id desc limit 1),
  'GET http://example.test/x?q=a%26b',
  'net.http_get queues a GET request');

select net.http_get('http://example.test?a=1', '{"b": "2"}');
select is(
  (select url from net.http_request_queue order by id desc limit 1),
  'http://example.test/?a=1&b=2',
  'a URL without a path gets "/" and further params are appended with &, as curl builds it');

select net.http_delete('http://example.test/items/1', body := '{"why": "gone"}');
select is(
  (select method || ' ' || url || ' ' || convert_from(body, 'UTF8') from net.http_request_queue order by id desc limit 1),
  'DELETE http://example.test/items/1 {"why": "gone"}',
  'net.http_delete queues a DELETE, with a body when one is given');

select throws_like($$select net.http_get('/relative')$$, 'invalid URL "/relative"%',
  'a URL without a scheme is refused');

set local role service_role;
select ok(
  net.http_post('http://127.0.0.1:54321/functions/v1/worker') > 0,
  'service_role can call net.http_post (EXECUTE and the net tables are granted to PUBLIC, as by pg_net 0.12+)');
reset role;

select * from finish();
rollback;
