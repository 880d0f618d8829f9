-- create() / create_unlogged() build the queue table, the archive table and
-- the catalogue row exactly as pgmq 1.4 does, and are idempotent.
begin;
select plan(22);
set local client_min_messages = warning;  -- silence "already exists, skipping" notices

select has_function('pgmq', 'create', array['text'], 'pgmq.create(queue_name) exists.');
select has_function('pgmq', 'create_non_partitioned', array['text'], 'pgmq.create_non_partitioned(queue_name) exists.');
select has_function('pgmq', 'create_unlogged', array['text'], 'pgmq.create_unlogged(queue_name) exists.');
select has_function('pgmq', 'list_queues', array[]::text[], 'pgmq.list_queues() exists.');

select lives_ok($$select pgmq.create('pgtap_create')$$, 'Creating a queue succeeds.');
select lives_ok($$select pgmq.create('pgtap_create')$$, 'Creating the same queue again is a harmless no-op.');

select results_eq(
  $$select queue_name::text, is_partitioned, is_unlogged, created_at from pgmq.list_queues()
    where queue_name = 'pgtap_create'$$,
  $$values ('pgtap_create'::text, false, false, now())$$,
  'The queue is listed once, as not partitioned and not unlogged.');

select columns_are('pgmq', 'q_pgtap_create',
  array['msg_id', 'read_ct', 'enqueued_at', 'vt', 'message'],
  'The queue table has the pgmq columns.');
select columns_are('pgmq', 'a_pgtap_create',
  array['msg_id', 'read_ct', 'enqueued_at', 'archived_at', 'vt', 'message'],
  'The archive table has the pgmq columns.');
select is(
  (select attidentity::text from pg_attribute
   where attrelid = 'pgmq.q_pgtap_create'::regclass and attname = 'msg_id'),
  'a',
  'msg_id of the queue table is a GENERATED ALWAYS identity column.');
select col_is_pk('pgmq', 'q_pgtap_create', 'msg_id', 'msg_id is the primary key of the queue table.');
select has_index('pgmq', 'q_pgtap_create', 'q_pgtap_create_vt_idx', array['vt'],
  'The queue table has an index on vt.');

select is(
  (select count(*) from pg_depend d join pg_extension e on e.oid = d.refobjid
   where e.extname = 'pgmq' and d.deptype = 'e'
     and d.objid in ('pgmq.q_pgtap_create'::regclass, 'pgmq.a_pgtap_create'::regclass)),
  2::bigint,
  'Queue and archive tables are members of extension pgmq, as in pgmq 1.4.');

select has_index('pgmq', 'a_pgtap_create', 'archived_at_idx_pgtap_create', array['archived_at'],
  'The archive table has an index on archived_at.');
select is(
  (select count(*) from pg_depend d join pg_extension e on e.oid = d.refobjid
   where e.extname = 'pgmq' and d.deptype = 'e'
     and d.objid = 'pgmq.q_pgtap_create_msg_id_seq'::regclass),
  0::bigint,
  'The msg_id sequence is not an extension member (pgmq 1.4.4 adds only the tables).');

select lives_ok($$select pgmq.create('PgTap_Case')$$, 'A queue name with upper-case letters is accepted.');
select ok(to_regclass('pgmq.q_pgtap_case') is not null and to_regclass('pgmq."archived_at_idx_PgTap_Case"') is not null,
  'Its tables are lower-cased, but its archive index keeps the name as given, as upstream names it.');
select is(
  (select array_agg(queue_name::text order by queue_name) from pgmq.list_queues() where lower(queue_name) like 'pgtap_c%'),
  array['PgTap_Case', 'pgtap_create'],
  'The catalogue keeps the queue name as given.');

select lives_ok($$select pgmq.create_unlogged('pgtap_unlogged')$$, 'Creating an unlogged queue succeeds.');
select is(
  (select relpersistence::text from pg_class where oid = 'pgmq.q_pgtap_unlogged'::regclass),
  'u',
  'An unlogged queue has an UNLOGGED queue table.');
select is(
  (select is_unlogged from pgmq.list_queues() where queue_name = 'pgtap_unlogged'),
  true,
  'An unlogged queue is listed as unlogged.');

select is(
  (select relpersistence::text from pg_class where oid = 'pgmq.a_pgtap_unlogged'::regclass),
  'p',
  'The archive of an unlogged queue is an ordinary (logged) table.');

select * from finish();
rollback;
