-- pg_net is an extension, registered in schema extensions (Supabase's documented statement) with
-- every object in schema net, and with the SQL interface and privileges of pg_net 0.19/0.20: the
-- functions, types and tables of pg_net's install script, SECURITY INVOKER functions, and usage on
-- net plus all privileges on its tables granted to PUBLIC. The expected lists were taken from
-- pg_net's own install script (sql/pg_net.sql, v0.20.5).
begin;
select plan(9);

set local client_min_messages = warning;
create extension if not exists pg_net with schema extensions;

select is(
  (select extnamespace::regnamespace::text from pg_extension where extname = 'pg_net'), 'extensions',
  'pg_net is registered in schema extensions');

select ok(
  exists (select from pg_depend d join pg_extension e on e.oid = d.refobjid
          where e.extname = 'pg_net' and d.classid = 'pg_namespace'::regclass
            and d.objid = 'net'::regnamespace and d.deptype = 'e'),
  'schema net is created by, and belongs to, the extension');

select results_eq(
  $$ select p.proname::text collate "default", pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid)
     from pg_proc p where p.pronamespace = 'net'::regnamespace order by 1, 2 $$,
  $$ values
    ('_await_response', 'request_id bigint', 'boolean'),
    ('_encode_url_with_params_array', 'url text, params_array text[]', 'text'),
    ('_http_collect_response', 'request_id bigint, async boolean', 'net.http_response_result'),
    ('_urlencode_string', 'string character varying', 'text'),
    ('check_worker_is_up', '', 'void'),
    ('http_collect_response', 'request_id bigint, async boolean', 'net.http_response_result'),
    ('http_delete', 'url text, params jsonb, headers jsonb, timeout_milliseconds integer, body jsonb', 'bigint'),
    ('http_get', 'url text, params jsonb, headers jsonb, timeout_milliseconds integer', 'bigint'),
    ('http_post', 'url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer', 'bigint'),
    ('wait_until_running', '', 'void'),
    ('wake', '', 'void'),
    ('worker_restart', '', 'boolean')
  $$,
  'schema net has exactly pg_net''s functions, with its arguments and results');

select results_eq(
  $$ select p.proname::text collate "default", pg_get_function_arguments(p.oid)
     from pg_proc p where p.pronamespace = 'net'::regnamespace and p.proname like 'http\_%' order by 1 $$,
  $$ values
    ('http_collect_response', 'request_id bigint, async boolean DEFAULT true'),
    ('http_delete', 'url text, params jsonb DEFAULT ''{}''::jsonb, headers jsonb DEFAULT ''{}''::jsonb, timeout_milliseconds integer DEFAULT 5000, body jsonb DEFAULT NULL::jsonb'),
    ('http_get', 'url text, params jsonb DEFAULT ''{}''::jsonb, headers jsonb DEFAULT ''{}''::jsonb, timeout_milliseconds integer DEFAULT 5000'),
    ('http_post', 'url text, body jsonb DEFAULT ''{}''::jsonb, params jsonb DEFAULT ''{}''::jsonb, headers jsonb DEFAULT ''{"Content-Type": "application/json"}''::jsonb, timeout_milliseconds integer DEFAULT 5000')
  $$,
  'the request functions have pg_net''s defaults');

select is_empty(
  $$ select p.proname from pg_proc p
     where p.pronamespace = 'net'::regnamespace
       and (p.prosecdef or p.proacl is not null
            or (p.provolatile = 'i') <> (p.proname in ('_urlencode_string', '_encode_url_with_params_array'))) $$,
  'every net function is SECURITY INVOKER with the default EXECUTE for PUBLIC; only the two URL helpers are immutable');

select results_eq(
  $$ select t.typname::text collate "default", t.typtype::text
     from pg_type t where t.typnamespace = 'net'::regnamespace and t.typtype in ('c', 'd', 'e')
       and not exists (select from pg_class c where c.oid = t.typrelid and c.relkind <> 'c')
     order by 1 $$,
  $$ values ('http_method', 'd'), ('http_response', 'c'), ('http_response_result', 'c'), ('request_status', 'e') $$,
  'the types are pg_net''s');

select results_eq(
  $$ select c.relname::text collate "default", c.relkind::text, c.relpersistence::text
     from pg_class c where c.relnamespace = 'net'::regnamespace and c.relkind in ('r', 'S') order by 1 $$,
  $$ values ('_http_response', 'r', 'u'), ('http_request_queue', 'r', 'u'), ('http_request_queue_id_seq', 'S', 'u') $$,
  'the queue and response tables are unlogged, as pg_net''s');

select ok(
  has_schema_privilege('public', 'net', 'usage')
  and has_table_privilege('public', 'net.http_request_queue', 'select,insert,update,delete,truncate,references,trigger')
  and has_table_privilege('public', 'net._http_response', 'select,insert,update,delete,truncate,references,trigger')
  and has_sequence_privilege('public', 'net.http_request_queue_id_seq', 'usage,select,update'),
  'PUBLIC has usage on net and all privileges on its tables and sequence, as pg_net 0.12+ grants');

select throws_ok($$select net.http_collect_response(1)$$, '42601', 'query has no destination for result data',
  'the deprecated http_collect_response fails as pg_net''s does');

select * from finish();
rollback;
