-- net.http_post queues the request in net.http_request_queue with pg_net's encoding of url,
-- params, headers, body and timeout; the relay sends it after commit.
begin;
select plan(9);

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
  (select method from net.http_request_queue order by id desc limit 1), 'POST',
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

select net.http_get('http://example.test/x', '{"q": "a&b"}');
select is(
  (select method || ' ' || url from net.http_request_queue order by id desc limit 1),
  'GET http://example.test/x?q=a%26b',
  'net.http_get queues a GET request');

set local role service_role;
select ok(
  net.http_post('http://127.0.0.1:54321/functions/v1/worker') > 0,
  'service_role can call net.http_post (SECURITY DEFINER, as on Supabase)');
reset role;

select * from finish();
rollback;
