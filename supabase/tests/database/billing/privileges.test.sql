-- Only the service role may process deliveries or read the rejections view.
begin;
select plan(8);

select function_privs_are('private', 'process_polar_webhook', array['text', 'text', 'timestamptz', 'jsonb', 'text[]'],
  'service_role', array['EXECUTE'], 'The service role can process deliveries.');
select function_privs_are('private', 'process_polar_webhook', array['text', 'text', 'timestamptz', 'jsonb', 'text[]'],
  'authenticated', array[]::text[], 'Signed-in users cannot process deliveries.');
select function_privs_are('private', 'process_polar_webhook', array['text', 'text', 'timestamptz', 'jsonb', 'text[]'],
  'anon', array[]::text[], 'Anonymous callers cannot process deliveries.');
select is_definer('private', 'process_polar_webhook',
  array['text', 'text', 'timestamp with time zone', 'jsonb', 'text[]'],
  'process_polar_webhook runs as its owner.');
select ok((select proconfig @> array['search_path=""'] from pg_proc where proname = 'process_polar_webhook'),
  'process_polar_webhook pins an empty search_path.');
select table_privs_are('billing', 'recent_webhook_rejections', 'service_role', array['SELECT'],
  'The service role can read the rejections view.');
select table_privs_are('billing', 'recent_webhook_rejections', 'authenticated', array[]::text[],
  'Signed-in users cannot read the rejections view.');
select table_privs_are('billing', 'recent_webhook_rejections', 'anon', array[]::text[],
  'Anonymous callers cannot read the rejections view.');

select * from finish();
rollback;
