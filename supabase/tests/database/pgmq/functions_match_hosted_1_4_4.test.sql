-- The pgmq functions are exactly those of hosted Supabase's pgmq 1.4.4 (upstream 1.4.4 with
-- Supabase's after-create script, which replaces drop_queue(text, boolean) by drop_queue(text)):
-- same names, identity arguments, results, languages, defaults; all volatile, not strict,
-- security invoker, no pinned settings, all members of the extension. The expected list was read
-- from a database running upstream's 1.4.4 script followed by Supabase's after-create script.
begin;
select plan(5);

select results_eq(
  $$ select p.proname::text collate "default", pg_get_function_identity_arguments(p.oid),
            pg_get_function_result(p.oid), l.lanname::text collate "default"
     from pg_proc p join pg_language l on l.oid = p.prolang
     where p.pronamespace = 'pgmq'::regnamespace
     order by 1, 2 $$,
  $$ values
    ('_belongs_to_pgmq', 'table_name text', 'boolean', 'plpgsql'),
    ('_ensure_pg_partman_installed', '', 'void', 'plpgsql'),
    ('_get_partition_col', 'partition_interval text', 'text', 'plpgsql'),
    ('_get_pg_partman_major_version', '', 'integer', 'sql'),
    ('_get_pg_partman_schema', '', 'text', 'sql'),
    ('archive', 'queue_name text, msg_id bigint', 'boolean', 'plpgsql'),
    ('archive', 'queue_name text, msg_ids bigint[]', 'SETOF bigint', 'plpgsql'),
    ('convert_archive_partitioned', 'table_name text, partition_interval text, retention_interval text, leading_partition integer', 'void', 'plpgsql'),
    ('create', 'queue_name text', 'void', 'plpgsql'),
    ('create_non_partitioned', 'queue_name text', 'void', 'plpgsql'),
    ('create_partitioned', 'queue_name text, partition_interval text, retention_interval text', 'void', 'plpgsql'),
    ('create_unlogged', 'queue_name text', 'void', 'plpgsql'),
    ('delete', 'queue_name text, msg_id bigint', 'boolean', 'plpgsql'),
    ('delete', 'queue_name text, msg_ids bigint[]', 'SETOF bigint', 'plpgsql'),
    ('detach_archive', 'queue_name text', 'void', 'plpgsql'),
    ('drop_queue', 'queue_name text', 'boolean', 'plpgsql'),
    ('format_table_name', 'queue_name text, prefix text', 'text', 'plpgsql'),
    ('list_queues', '', 'SETOF pgmq.queue_record', 'plpgsql'),
    ('metrics', 'queue_name text', 'pgmq.metrics_result', 'plpgsql'),
    ('metrics_all', '', 'SETOF pgmq.metrics_result', 'plpgsql'),
    ('pop', 'queue_name text', 'SETOF pgmq.message_record', 'plpgsql'),
    ('purge_queue', 'queue_name text', 'bigint', 'plpgsql'),
    ('read', 'queue_name text, vt integer, qty integer', 'SETOF pgmq.message_record', 'plpgsql'),
    ('read_with_poll', 'queue_name text, vt integer, qty integer, max_poll_seconds integer, poll_interval_ms integer', 'SETOF pgmq.message_record', 'plpgsql'),
    ('send', 'queue_name text, msg jsonb, delay integer', 'SETOF bigint', 'plpgsql'),
    ('send_batch', 'queue_name text, msgs jsonb[], delay integer', 'SETOF bigint', 'plpgsql'),
    ('set_vt', 'queue_name text, msg_id bigint, vt integer', 'SETOF pgmq.message_record', 'plpgsql'),
    ('validate_queue_name', 'queue_name text', 'void', 'plpgsql')
  $$,
  'pgmq has exactly the functions of hosted pgmq 1.4.4, with their arguments, results and languages.');

select results_eq(
  $$ select p.proname::text collate "default", pg_get_function_arguments(p.oid)
     from pg_proc p
     where p.pronamespace = 'pgmq'::regnamespace and p.pronargdefaults > 0
     order by 1 $$,
  $$ values
    ('convert_archive_partitioned', 'table_name text, partition_interval text DEFAULT ''10000''::text, retention_interval text DEFAULT ''100000''::text, leading_partition integer DEFAULT 10'),
    ('create_partitioned', 'queue_name text, partition_interval text DEFAULT ''10000''::text, retention_interval text DEFAULT ''100000''::text'),
    ('read_with_poll', 'queue_name text, vt integer, qty integer, max_poll_seconds integer DEFAULT 5, poll_interval_ms integer DEFAULT 100'),
    ('send', 'queue_name text, msg jsonb, delay integer DEFAULT 0'),
    ('send_batch', 'queue_name text, msgs jsonb[], delay integer DEFAULT 0')
  $$,
  'Only these functions have defaults, and they are upstream''s.');

select is_empty(
  $$ select p.proname from pg_proc p
     where p.pronamespace = 'pgmq'::regnamespace
       and (p.provolatile <> 'v' or p.proisstrict or p.prosecdef or p.proparallel <> 'u'
            or p.proconfig is not null or p.prokind <> 'f') $$,
  'Every pgmq function is a plain volatile, non-strict, parallel-unsafe SECURITY INVOKER function without settings.');

select is_empty(
  $$ select p.proname from pg_proc p
     where p.pronamespace = 'pgmq'::regnamespace
       and not exists (select from pg_depend d
                       where d.objid = p.oid and d.deptype = 'e'
                         and d.refobjid = (select oid from pg_extension where extname = 'pgmq')) $$,
  'Every pgmq function belongs to extension pgmq (the hosted drop_queue is re-attached).');

select hasnt_function('pgmq', 'drop_queue', array['text', 'boolean'],
  'drop_queue(queue_name, partitioned) is gone, as on hosted Supabase.');

select * from finish();
rollback;
