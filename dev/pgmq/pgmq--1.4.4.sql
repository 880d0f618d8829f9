/*
 * pgmq--1.4.4.sql
 *
 * SQL-only re-implementation of the public surface of the pgmq 1.4.x
 * extension (https://github.com/pgmq/pgmq), written from its documented API
 * and behaviour so that local development and CI (no Docker, no pgmq package)
 * behave like hosted Supabase.  It is installed as extension `pgmq` in schema
 * `pgmq`; see dev/pgmq/README.md for installation and for the deliberate
 * differences from upstream.
 *
 * Layout per queue <name> (table names are lower-cased):
 *   pgmq.q_<name>   live messages (identity msg_id, visibility timeout vt)
 *   pgmq.a_<name>   archived messages
 *   pgmq.meta       one row per queue
 *
 * Every dynamic statement quotes identifiers with format('%I') and passes
 * values as parameters (EXECUTE ... USING), so queue names and payloads can
 * never be interpreted as SQL.
 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pgmq" to load this file. \quit

------------------------------------------------------------------------------
-- Catalogue table and result types
------------------------------------------------------------------------------

-- The schema itself is created by CREATE EXTENSION (control file: schema = pgmq).

CREATE TABLE pgmq.meta (
    queue_name     varchar UNIQUE NOT NULL,
    is_partitioned boolean NOT NULL,
    is_unlogged    boolean NOT NULL,
    created_at     timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TYPE pgmq.message_record AS (
    msg_id      bigint,
    read_ct     integer,
    enqueued_at timestamp with time zone,
    vt          timestamp with time zone,
    message     jsonb
);

CREATE TYPE pgmq.queue_record AS (
    queue_name     varchar,
    is_partitioned boolean,
    is_unlogged    boolean,
    created_at     timestamp with time zone
);

CREATE TYPE pgmq.metrics_result AS (
    queue_name         text,
    queue_length       bigint,
    newest_msg_age_sec integer,
    oldest_msg_age_sec integer,
    total_messages     bigint,
    scrape_time        timestamp with time zone
);

------------------------------------------------------------------------------
-- Internal helpers
------------------------------------------------------------------------------

-- Maps a queue name to its table name: lower(prefix || '_' || queue_name).
-- Rejects the characters pgmq refuses in queue names.
CREATE FUNCTION pgmq.format_table_name(queue_name text, prefix text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $fn$
BEGIN
    IF position('$' IN queue_name) > 0
       OR position(';' IN queue_name) > 0
       OR position('--' IN queue_name) > 0
       OR position('''' IN queue_name) > 0 THEN
        RAISE EXCEPTION 'queue name contains invalid characters: $, ;, --, or ''';
    END IF;
    RETURN lower(prefix || '_' || queue_name);
END;
$fn$;

-- Queue names must leave room for the prefixes/suffixes of the derived
-- relation names (e.g. archived_at_idx_<name>) inside NAMEDATALEN (63).
CREATE FUNCTION pgmq.validate_queue_name(queue_name text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $fn$
BEGIN
    IF queue_name IS NULL OR length(queue_name) = 0 THEN
        RAISE EXCEPTION 'queue name must not be empty';
    END IF;
    IF length(queue_name) >= 48 THEN
        RAISE EXCEPTION 'queue name is too long, maximum length is 47 characters';
    END IF;
END;
$fn$;

-- true when relation pgmq.<table_name> is a member of extension pgmq
CREATE FUNCTION pgmq._belongs_to_pgmq(table_name text)
RETURNS boolean
LANGUAGE sql STABLE
AS $fn$
    SELECT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
        WHERE d.classid = 'pg_catalog.pg_class'::regclass
          AND d.refclassid = 'pg_catalog.pg_extension'::regclass
          AND d.deptype = 'e'
          AND e.extname = 'pgmq'
          AND d.objid = to_regclass(format('pgmq.%I', table_name))
    );
$fn$;

-- Makes a queue relation (and, for queue tables, its identity sequence) a
-- member of extension pgmq, as upstream does with ALTER EXTENSION ... ADD.
-- Membership means DROP EXTENSION pgmq removes the queues with it.
CREATE FUNCTION pgmq._add_to_extension(table_name text)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    seq text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pgmq') THEN
        RETURN;
    END IF;
    IF NOT pgmq._belongs_to_pgmq(table_name) THEN
        EXECUTE format('ALTER EXTENSION pgmq ADD TABLE pgmq.%I', table_name);
    END IF;
    seq := pg_catalog.pg_get_serial_sequence(format('pgmq.%I', table_name), 'msg_id');
    IF seq IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
        WHERE d.classid = 'pg_catalog.pg_class'::regclass
          AND d.deptype = 'e' AND e.extname = 'pgmq'
          AND d.objid = seq::regclass
    ) THEN
        EXECUTE format('ALTER EXTENSION pgmq ADD SEQUENCE %s', seq);
    END IF;
END;
$fn$;

-- Inverse of _add_to_extension (no-op for relations that are not members).
CREATE FUNCTION pgmq._drop_from_extension(table_name text)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    seq text;
BEGIN
    IF to_regclass(format('pgmq.%I', table_name)) IS NULL THEN
        RETURN;
    END IF;
    seq := pg_catalog.pg_get_serial_sequence(format('pgmq.%I', table_name), 'msg_id');
    IF seq IS NOT NULL AND EXISTS (
        SELECT 1 FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
        WHERE d.classid = 'pg_catalog.pg_class'::regclass
          AND d.deptype = 'e' AND e.extname = 'pgmq'
          AND d.objid = seq::regclass
    ) THEN
        EXECUTE format('ALTER EXTENSION pgmq DROP SEQUENCE %s', seq);
    END IF;
    IF pgmq._belongs_to_pgmq(table_name) THEN
        EXECUTE format('ALTER EXTENSION pgmq DROP TABLE pgmq.%I', table_name);
    END IF;
END;
$fn$;

-- Creates the queue and archive tables, indexes and the meta row.
CREATE FUNCTION pgmq._create_queue(queue_name text, unlogged boolean)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text;
    atable text;
BEGIN
    PERFORM pgmq.validate_queue_name(queue_name);
    qtable := pgmq.format_table_name(queue_name, 'q');
    atable := pgmq.format_table_name(queue_name, 'a');

    EXECUTE format(
        'CREATE %s TABLE IF NOT EXISTS pgmq.%I (
             msg_id      bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
             read_ct     integer DEFAULT 0 NOT NULL,
             enqueued_at timestamp with time zone DEFAULT now() NOT NULL,
             vt          timestamp with time zone NOT NULL,
             message     jsonb
         )',
        CASE WHEN unlogged THEN 'UNLOGGED' ELSE '' END, qtable);

    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS pgmq.%I (
             msg_id      bigint PRIMARY KEY,
             read_ct     integer DEFAULT 0 NOT NULL,
             enqueued_at timestamp with time zone DEFAULT now() NOT NULL,
             archived_at timestamp with time zone DEFAULT now() NOT NULL,
             vt          timestamp with time zone NOT NULL,
             message     jsonb
         )',
        atable);

    PERFORM pgmq._add_to_extension(qtable);
    PERFORM pgmq._add_to_extension(atable);

    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON pgmq.%I (vt ASC)',
                   qtable || '_vt_idx', qtable);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON pgmq.%I (archived_at)',
                   'archived_at_idx_' || substr(atable, 3), atable);

    INSERT INTO pgmq.meta (queue_name, is_partitioned, is_unlogged)
    VALUES (queue_name, false, unlogged)
    ON CONFLICT DO NOTHING;
END;
$fn$;

------------------------------------------------------------------------------
-- Queue management
------------------------------------------------------------------------------

CREATE FUNCTION pgmq.create_non_partitioned(queue_name text)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM pgmq._create_queue(queue_name, false);
END;
$fn$;

CREATE FUNCTION pgmq.create_unlogged(queue_name text)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM pgmq._create_queue(queue_name, true);
END;
$fn$;

-- idempotent: creating an existing queue is a no-op
CREATE FUNCTION pgmq."create"(queue_name text)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM pgmq.create_non_partitioned(queue_name);
END;
$fn$;

-- pg_partman helpers (partitioned queues need pg_partman, which this local
-- build does not support; the functions exist so the surface matches).
CREATE FUNCTION pgmq._get_pg_partman_schema()
RETURNS text
LANGUAGE sql STABLE
AS $fn$
    SELECT extnamespace::regnamespace::text FROM pg_catalog.pg_extension WHERE extname = 'pg_partman';
$fn$;

CREATE FUNCTION pgmq._get_pg_partman_major_version()
RETURNS integer
LANGUAGE sql STABLE
AS $fn$
    SELECT split_part(extversion, '.', 1)::integer FROM pg_catalog.pg_extension WHERE extname = 'pg_partman';
$fn$;

CREATE FUNCTION pgmq._ensure_pg_partman_installed()
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_partman') THEN
        RAISE EXCEPTION 'pg_partman is required for partitioned queues';
    END IF;
END;
$fn$;

-- numeric interval => partition by msg_id, otherwise by enqueued_at
CREATE FUNCTION pgmq._get_partition_col(partition_interval text)
RETURNS text
LANGUAGE plpgsql
AS $fn$
BEGIN
    IF partition_interval ~ '^\s*[0-9]+\s*$' THEN
        RETURN 'msg_id';
    END IF;
    RETURN 'enqueued_at';
END;
$fn$;

CREATE FUNCTION pgmq.create_partitioned(
    queue_name text,
    partition_interval text DEFAULT '10000',
    retention_interval text DEFAULT '100000'
)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM pgmq.validate_queue_name(queue_name);
    PERFORM pgmq.format_table_name(queue_name, 'q');
    PERFORM pgmq._ensure_pg_partman_installed();
    RAISE EXCEPTION 'partitioned queues are not supported by this local pgmq build'
        USING ERRCODE = 'feature_not_supported',
              HINT = 'Use pgmq.create() (non-partitioned) locally.';
END;
$fn$;

CREATE FUNCTION pgmq.convert_archive_partitioned(
    table_name text,
    partition_interval text DEFAULT '10000',
    retention_interval text DEFAULT '100000',
    leading_partition integer DEFAULT 10
)
RETURNS void
LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM pgmq._ensure_pg_partman_installed();
    RAISE EXCEPTION 'partitioned archives are not supported by this local pgmq build'
        USING ERRCODE = 'feature_not_supported';
END;
$fn$;

-- Removes the queue and its archive. Errors if the queue does not exist
-- (as pgmq 1.4 does).
CREATE FUNCTION pgmq.drop_queue(queue_name text, partitioned boolean DEFAULT false)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
    atable text := pgmq.format_table_name(queue_name, 'a');
BEGIN
    IF to_regclass(format('pgmq.%I', qtable)) IS NULL THEN
        RAISE EXCEPTION 'queue "%" does not exist (relation pgmq.% not found)', queue_name, qtable
            USING ERRCODE = 'undefined_table';
    END IF;

    PERFORM pgmq._drop_from_extension(qtable);
    PERFORM pgmq._drop_from_extension(atable);

    EXECUTE format('DROP TABLE IF EXISTS pgmq.%I', qtable);
    EXECUTE format('DROP TABLE IF EXISTS pgmq.%I', atable);

    DELETE FROM pgmq.meta m WHERE m.queue_name = drop_queue.queue_name;

    IF partitioned AND pgmq._get_pg_partman_schema() IS NOT NULL THEN
        EXECUTE format('DELETE FROM %I.part_config WHERE parent_table IN ($1, $2)',
                       pgmq._get_pg_partman_schema())
        USING 'pgmq.' || qtable, 'pgmq.' || atable;
    END IF;

    RETURN true;
END;
$fn$;

-- Deletes every message in the queue; returns how many there were.
CREATE FUNCTION pgmq.purge_queue(queue_name text)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM pgmq.%I', qtable) INTO n;
    EXECUTE format('TRUNCATE TABLE pgmq.%I', qtable);
    RETURN n;
END;
$fn$;

-- Removes the archive table from the extension so that it survives
-- DROP EXTENSION (and is dumped by pg_dump).
CREATE FUNCTION pgmq.detach_archive(queue_name text)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    atable text := pgmq.format_table_name(queue_name, 'a');
BEGIN
    EXECUTE format('ALTER EXTENSION pgmq DROP TABLE pgmq.%I', atable);
END;
$fn$;

CREATE FUNCTION pgmq.list_queues()
RETURNS SETOF pgmq.queue_record
LANGUAGE sql STABLE
AS $fn$
    SELECT m.queue_name, m.is_partitioned, m.is_unlogged, m.created_at
    FROM pgmq.meta m;
$fn$;

------------------------------------------------------------------------------
-- Producing
------------------------------------------------------------------------------

-- Enqueues one message, invisible for `delay` seconds; returns its msg_id.
CREATE FUNCTION pgmq.send(queue_name text, msg jsonb, delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
BEGIN
    RETURN QUERY EXECUTE format(
        'INSERT INTO pgmq.%I (vt, message)
         VALUES (clock_timestamp() + make_interval(secs => $2), $1)
         RETURNING msg_id', qtable)
    USING msg, delay;
END;
$fn$;

-- Enqueues each element of msgs (in array order); returns the msg_ids.
CREATE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
BEGIN
    RETURN QUERY EXECUTE format(
        'INSERT INTO pgmq.%I (vt, message)
         SELECT clock_timestamp() + make_interval(secs => $2), m.message
         FROM unnest($1) WITH ORDINALITY AS m(message, ord)
         ORDER BY m.ord
         RETURNING msg_id', qtable)
    USING msgs, delay;
END;
$fn$;

------------------------------------------------------------------------------
-- Consuming
------------------------------------------------------------------------------

-- Claims up to qty visible messages (oldest msg_id first), skipping rows
-- locked by concurrent readers, and hides them for vt seconds.
CREATE FUNCTION pgmq.read(queue_name text, vt integer, qty integer)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
BEGIN
    RETURN QUERY EXECUTE format(
        'WITH claimed AS (
             SELECT c.msg_id
             FROM pgmq.%1$I c
             WHERE c.vt <= clock_timestamp()
             ORDER BY c.msg_id
             LIMIT $1
             FOR UPDATE SKIP LOCKED
         )
         UPDATE pgmq.%1$I m
         SET vt = clock_timestamp() + make_interval(secs => $2),
             read_ct = m.read_ct + 1
         FROM claimed
         WHERE m.msg_id = claimed.msg_id
         RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message', qtable)
    USING qty, vt;
END;
$fn$;

-- As read(), but only messages whose payload contains `conditions` (@>).
CREATE FUNCTION pgmq.read(queue_name text, vt integer, qty integer, conditions jsonb)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
BEGIN
    RETURN QUERY EXECUTE format(
        'WITH claimed AS (
             SELECT c.msg_id
             FROM pgmq.%1$I c
             WHERE c.vt <= clock_timestamp()
               AND ($3 IS NULL OR c.message @> $3)
             ORDER BY c.msg_id
             LIMIT $1
             FOR UPDATE SKIP LOCKED
         )
         UPDATE pgmq.%1$I m
         SET vt = clock_timestamp() + make_interval(secs => $2),
             read_ct = m.read_ct + 1
         FROM claimed
         WHERE m.msg_id = claimed.msg_id
         RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message', qtable)
    USING qty, vt, conditions;
END;
$fn$;

-- read() repeatedly (every poll_interval_ms) until at least one message is
-- returned or max_poll_seconds have elapsed.
CREATE FUNCTION pgmq.read_with_poll(
    queue_name text,
    vt integer,
    qty integer,
    max_poll_seconds integer DEFAULT 5,
    poll_interval_ms integer DEFAULT 100
)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $fn$
DECLARE
    deadline timestamp with time zone := clock_timestamp() + make_interval(secs => max_poll_seconds);
    r pgmq.message_record;
    got boolean;
BEGIN
    LOOP
        IF clock_timestamp() >= deadline THEN
            RETURN;
        END IF;
        got := false;
        FOR r IN SELECT * FROM pgmq.read(queue_name, vt, qty) LOOP
            got := true;
            RETURN NEXT r;
        END LOOP;
        IF got THEN
            RETURN;
        END IF;
        PERFORM pg_sleep(poll_interval_ms::numeric / 1000);
    END LOOP;
END;
$fn$;

-- Reads and deletes the oldest visible message in one step.
CREATE FUNCTION pgmq.pop(queue_name text)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
BEGIN
    RETURN QUERY EXECUTE format(
        'WITH claimed AS (
             SELECT c.msg_id
             FROM pgmq.%1$I c
             WHERE c.vt <= clock_timestamp()
             ORDER BY c.msg_id
             LIMIT 1
             FOR UPDATE SKIP LOCKED
         )
         DELETE FROM pgmq.%1$I m
         USING claimed
         WHERE m.msg_id = claimed.msg_id
         RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message', qtable);
END;
$fn$;

-- Moves one message to the archive; true if it existed.
CREATE FUNCTION pgmq.archive(queue_name text, msg_id bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
DECLARE
    ids bigint[];
BEGIN
    SELECT array_agg(x) INTO ids FROM pgmq.archive(queue_name, ARRAY[msg_id]) AS x;
    RETURN ids IS NOT NULL;
END;
$fn$;

-- Moves the given messages to the archive; returns the ids that existed.
CREATE FUNCTION pgmq.archive(queue_name text, msg_ids bigint[])
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
    atable text := pgmq.format_table_name(queue_name, 'a');
BEGIN
    RETURN QUERY EXECUTE format(
        'WITH moved AS (
             DELETE FROM pgmq.%I
             WHERE msg_id = ANY($1)
             RETURNING msg_id, read_ct, enqueued_at, vt, message
         )
         INSERT INTO pgmq.%I (msg_id, read_ct, enqueued_at, vt, message)
         SELECT msg_id, read_ct, enqueued_at, vt, message FROM moved
         RETURNING msg_id', qtable, atable)
    USING msg_ids;
END;
$fn$;

-- Deletes one message; true if it existed.
CREATE FUNCTION pgmq.delete(queue_name text, msg_id bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
DECLARE
    ids bigint[];
BEGIN
    SELECT array_agg(x) INTO ids FROM pgmq.delete(queue_name, ARRAY[msg_id]) AS x;
    RETURN ids IS NOT NULL;
END;
$fn$;

-- Deletes the given messages; returns the ids that existed.
CREATE FUNCTION pgmq.delete(queue_name text, msg_ids bigint[])
RETURNS SETOF bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
BEGIN
    RETURN QUERY EXECUTE format(
        'DELETE FROM pgmq.%I WHERE msg_id = ANY($1) RETURNING msg_id', qtable)
    USING msg_ids;
END;
$fn$;

-- Sets the visibility timeout of one message to now + vt seconds and
-- returns the updated message (no row if it does not exist).
CREATE FUNCTION pgmq.set_vt(queue_name text, msg_id bigint, vt integer)
RETURNS SETOF pgmq.message_record
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
BEGIN
    RETURN QUERY EXECUTE format(
        'UPDATE pgmq.%I m
         SET vt = clock_timestamp() + make_interval(secs => $2)
         WHERE m.msg_id = $1
         RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message', qtable)
    USING msg_id, vt;
END;
$fn$;

------------------------------------------------------------------------------
-- Metrics
------------------------------------------------------------------------------

-- queue_length: messages currently in the queue (visible or not);
-- newest/oldest_msg_age_sec: age of the newest/oldest enqueued message;
-- total_messages: messages ever sent (from the msg_id identity sequence).
CREATE FUNCTION pgmq.metrics(queue_name text)
RETURNS pgmq.metrics_result
LANGUAGE plpgsql
AS $fn$
DECLARE
    qtable text := pgmq.format_table_name(queue_name, 'q');
    seq text;
    result pgmq.metrics_result;
BEGIN
    IF to_regclass(format('pgmq.%I', qtable)) IS NULL THEN
        RAISE EXCEPTION 'relation "pgmq.%" does not exist', qtable
            USING ERRCODE = 'undefined_table';
    END IF;
    seq := pg_catalog.pg_get_serial_sequence(format('pgmq.%I', qtable), 'msg_id');
    EXECUTE format(
        'SELECT $1::text,
                count(*)::bigint,
                extract(epoch FROM (now() - max(q.enqueued_at)))::integer,
                extract(epoch FROM (now() - min(q.enqueued_at)))::integer,
                (SELECT CASE WHEN s.is_called THEN s.last_value ELSE 0 END FROM %s s),
                now()
         FROM pgmq.%I q', seq, qtable)
    INTO result
    USING queue_name;
    RETURN result;
END;
$fn$;

CREATE FUNCTION pgmq.metrics_all()
RETURNS SETOF pgmq.metrics_result
LANGUAGE plpgsql
AS $fn$
DECLARE
    qname varchar;
BEGIN
    FOR qname IN SELECT m.queue_name FROM pgmq.meta m ORDER BY m.queue_name LOOP
        RETURN NEXT pgmq.metrics(qname);
    END LOOP;
END;
$fn$;

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

-- As upstream: monitoring role can look at (but not change) queue data.
GRANT USAGE ON SCHEMA pgmq TO pg_monitor;
GRANT SELECT ON ALL TABLES IN SCHEMA pgmq TO pg_monitor;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA pgmq TO pg_monitor;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq GRANT SELECT ON TABLES TO pg_monitor;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq GRANT SELECT ON SEQUENCES TO pg_monitor;

-- Deliberate difference from upstream (which leaves PostgreSQL's default
-- EXECUTE-to-PUBLIC in place): nothing in pgmq is executable by PUBLIC.
-- On Supabase the API roles (anon, authenticated, service_role) have no
-- USAGE on schema pgmq unless a migration grants it (or the pgmq_public
-- wrappers are enabled); revoking here makes "forgot to grant" fail loudly
-- locally too.  Grant access explicitly, e.g.
--   grant usage on schema pgmq to service_role;
--   grant execute on all functions in schema pgmq to service_role;
--   grant select, insert, update, delete on all tables in schema pgmq to service_role;
-- The pure name helpers stay callable by everyone so that granting a single
-- API function (e.g. only pgmq.send) is enough to use it.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA pgmq FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgmq.format_table_name(text, text) TO PUBLIC;
GRANT EXECUTE ON FUNCTION pgmq.validate_queue_name(text) TO PUBLIC;
