/*
 * pgmq--1.4.4.sql: a local, SQL-only stand-in for the pgmq 1.4.4 extension as hosted Supabase
 * installs it (PG15 images). Written for this project from pgmq's documented API and observed
 * behaviour, not copied. Goal: the same catalogue (schema, tables, types, function signatures,
 * volatility, privileges) and the same results, errors and timing rules as upstream 1.4.4 plus
 * Supabase's after-create script. dev/pgmq/README.md lists what is left different (partitioned
 * queues: pg_partman is not available here).
 *
 * Layout per queue <name> (relation names are lower-cased):
 *   pgmq.q_<name>  live messages, msg_id from an identity column, vt = visible from
 *   pgmq.a_<name>  archived messages
 *   pgmq.meta      one row per created queue name
 *
 * Rules that callers notice, kept as upstream 1.4.4 has them:
 *   - read, read_with_poll and send/send_batch use clock_timestamp(); pop and set_vt use now()
 *     (the start of the transaction), so inside one long transaction pop cannot see messages that
 *     became visible after the transaction began, and set_vt(.., n) counts n from that start;
 *   - queue names are only checked for the characters $ ; -- ' and for length >= 48; anything
 *     else (an empty name, spaces, upper case) is accepted and lower-cased into relation names;
 *   - EXECUTE on every function stays with PUBLIC (PostgreSQL's default); access is controlled by
 *     USAGE on schema pgmq and privileges on the tables, which only the owner and pg_monitor have.
 * Hosted Supabase (after-create script): drop_queue(queue_name) replaces
 * drop_queue(queue_name, partitioned) and only detaches relations that are still extension members
 * (nightly logical backups detach queues), so it also succeeds for a queue that does not exist.
 *
 * Dynamic statements quote identifiers with format('%I') and pass values as parameters.
 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pgmq" to load this file. \quit

-- The schema itself comes from CREATE EXTENSION (control file: schema = pgmq).

create table pgmq.meta (
  queue_name varchar unique not null,
  is_partitioned boolean not null,
  is_unlogged boolean not null,
  created_at timestamp with time zone default now() not null
);

-- Monitoring may read every pgmq table, including queues created later by the same role.
grant usage on schema pgmq to pg_monitor;
grant select on all tables in schema pgmq to pg_monitor;
grant select on all sequences in schema pgmq to pg_monitor;
alter default privileges in schema pgmq grant select on tables to pg_monitor;
alter default privileges in schema pgmq grant select on sequences to pg_monitor;

create type pgmq.message_record as (
  msg_id bigint,
  read_ct integer,
  enqueued_at timestamp with time zone,
  vt timestamp with time zone,
  message jsonb
);

create type pgmq.queue_record as (
  queue_name varchar,
  is_partitioned boolean,
  is_unlogged boolean,
  created_at timestamp with time zone
);

create type pgmq.metrics_result as (
  queue_name text,
  queue_length bigint,
  newest_msg_age_sec integer,
  oldest_msg_age_sec integer,
  total_messages bigint,
  scrape_time timestamp with time zone
);

------------------------------------------------------------------------------------------------
-- Names
------------------------------------------------------------------------------------------------

-- Queue name -> relation name. Refuses the characters that could end a literal or a statement
-- (upstream's only defence; identifiers are quoted anyway). NULL passes through as NULL.
create function pgmq.format_table_name(queue_name text, prefix text)
returns text
language plpgsql
as $fn$
begin
  if queue_name ~ '[$;'']|--' then
    raise exception 'queue name contains invalid characters: $, ;, --, or \''';
  end if;
  return lower(prefix || '_' || queue_name);
end;
$fn$;

-- 47 characters leave room for the longest derived name (archived_at_idx_<name>) in 63 bytes.
-- The message says 48, as upstream's does.
create function pgmq.validate_queue_name(queue_name text)
returns void
language plpgsql
as $fn$
begin
  if length(queue_name) >= 48 then
    raise exception 'queue name is too long, maximum length is 48 characters';
  end if;
end;
$fn$;

-- Whether the relation called table_name is a member of extension pgmq. Looked up by relation
-- name alone, in every schema, as upstream does (two relations of that name make it fail).
create function pgmq._belongs_to_pgmq(table_name text)
returns boolean
language plpgsql
as $fn$
declare
  member boolean;
begin
  select exists (
    select
    from pg_catalog.pg_depend d
    where d.refobjid = (select e.oid from pg_catalog.pg_extension e where e.extname = 'pgmq')
      and d.objid = (select c.oid from pg_catalog.pg_class c where c.relname = table_name)
  ) into member;
  return member;
end;
$fn$;

------------------------------------------------------------------------------------------------
-- pg_partman helpers (partitioned queues need pg_partman, which this build does not support)
------------------------------------------------------------------------------------------------

create function pgmq._get_pg_partman_schema()
returns text
language sql
as $fn$
  select e.extnamespace::regnamespace::text from pg_catalog.pg_extension e where e.extname = 'pg_partman';
$fn$;

create function pgmq._get_pg_partman_major_version()
returns integer
language sql
as $fn$
  select split_part(e.extversion, '.', 1)::integer from pg_catalog.pg_extension e where e.extname = 'pg_partman';
$fn$;

create function pgmq._ensure_pg_partman_installed()
returns void
language plpgsql
as $fn$
begin
  if not exists (select from pg_catalog.pg_extension e where e.extname = 'pg_partman') then
    raise exception 'pg_partman is required for partitioned queues';
  end if;
end;
$fn$;

-- An interval that casts to integer partitions by msg_id, anything else by time.
create function pgmq._get_partition_col(partition_interval text)
returns text
language plpgsql
as $fn$
declare
  as_number integer;
begin
  begin
    as_number := partition_interval::integer;
    return 'msg_id';
  exception when others then
    return 'enqueued_at';
  end;
end;
$fn$;

------------------------------------------------------------------------------------------------
-- Creating queues
------------------------------------------------------------------------------------------------

-- create_non_partitioned and create_unlogged differ only in the queue table's persistence and
-- the meta row; each is written out in full because upstream has no shared helper function and
-- the function list must stay the same.
create function pgmq.create_non_partitioned(queue_name text)
returns void
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  atable text := pgmq.format_table_name(queue_name, 'a');
begin
  perform pgmq.validate_queue_name(queue_name);

  execute format(
    'create table if not exists pgmq.%I (
       msg_id bigint primary key generated always as identity,
       read_ct integer default 0 not null,
       enqueued_at timestamp with time zone default now() not null,
       vt timestamp with time zone not null,
       message jsonb
     )', qtable);
  execute format(
    'create table if not exists pgmq.%I (
       msg_id bigint primary key,
       read_ct integer default 0 not null,
       enqueued_at timestamp with time zone default now() not null,
       archived_at timestamp with time zone default now() not null,
       vt timestamp with time zone not null,
       message jsonb
     )', atable);

  -- Members of the extension: DROP EXTENSION pgmq takes the queues with it.
  if not pgmq._belongs_to_pgmq(qtable) then
    execute format('alter extension pgmq add table pgmq.%I', qtable);
  end if;
  if not pgmq._belongs_to_pgmq(atable) then
    execute format('alter extension pgmq add table pgmq.%I', atable);
  end if;

  execute format('create index if not exists %I on pgmq.%I (vt asc)', qtable || '_vt_idx', qtable);
  -- Named after the queue name as given (not lower-cased), as upstream does.
  execute format('create index if not exists %I on pgmq.%I (archived_at)', 'archived_at_idx_' || queue_name, atable);

  insert into pgmq.meta (queue_name, is_partitioned, is_unlogged)
  values (queue_name, false, false)
  on conflict do nothing;
end;
$fn$;

-- As create_non_partitioned, but the queue table (not the archive) is UNLOGGED.
create function pgmq.create_unlogged(queue_name text)
returns void
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  atable text := pgmq.format_table_name(queue_name, 'a');
begin
  perform pgmq.validate_queue_name(queue_name);

  execute format(
    'create unlogged table if not exists pgmq.%I (
       msg_id bigint primary key generated always as identity,
       read_ct integer default 0 not null,
       enqueued_at timestamp with time zone default now() not null,
       vt timestamp with time zone not null,
       message jsonb
     )', qtable);
  execute format(
    'create table if not exists pgmq.%I (
       msg_id bigint primary key,
       read_ct integer default 0 not null,
       enqueued_at timestamp with time zone default now() not null,
       archived_at timestamp with time zone default now() not null,
       vt timestamp with time zone not null,
       message jsonb
     )', atable);

  if not pgmq._belongs_to_pgmq(qtable) then
    execute format('alter extension pgmq add table pgmq.%I', qtable);
  end if;
  if not pgmq._belongs_to_pgmq(atable) then
    execute format('alter extension pgmq add table pgmq.%I', atable);
  end if;

  execute format('create index if not exists %I on pgmq.%I (vt asc)', qtable || '_vt_idx', qtable);
  execute format('create index if not exists %I on pgmq.%I (archived_at)', 'archived_at_idx_' || queue_name, atable);

  insert into pgmq.meta (queue_name, is_partitioned, is_unlogged)
  values (queue_name, false, true)
  on conflict do nothing;
end;
$fn$;

create function pgmq."create"(queue_name text)
returns void
language plpgsql
as $fn$
begin
  perform pgmq.create_non_partitioned(queue_name);
end;
$fn$;

-- Same checks, in the same order, as upstream; with pg_partman present upstream would go on to
-- create the partitioned tables, which this build cannot.
create function pgmq.create_partitioned(
  queue_name text,
  partition_interval text default '10000',
  retention_interval text default '100000'
)
returns void
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  perform pgmq.validate_queue_name(queue_name);
  perform pgmq._ensure_pg_partman_installed();
  raise exception 'partitioned queue "%" cannot be created: the local pgmq stand-in does not support pg_partman', queue_name
    using errcode = 'feature_not_supported',
          hint = 'Use pgmq.create() or pgmq.create_unlogged() locally; hosted Supabase runs the real pgmq.';
end;
$fn$;

-- Upstream's steps before pg_partman is called (notices for a missing or already partitioned
-- archive, then renaming the archive and its index and creating the partitioned parent) are
-- repeated so that odd names fail the same way; the statement's error undoes them.
create function pgmq.convert_archive_partitioned(
  table_name text,
  partition_interval text default '10000',
  retention_interval text default '100000',
  leading_partition integer default 10
)
returns void
language plpgsql
as $fn$
declare
  archive text := pgmq.format_table_name(table_name, 'a');
  old_archive text := pgmq.format_table_name(table_name, 'a') || '_old';
  partman text;
begin
  if exists (select from pg_catalog.pg_class c where c.relname = archive and c.relkind = 'p') then
    raise notice 'Table %s is already partitioned', archive;
    return;
  end if;
  if not exists (select from pg_catalog.pg_class c where c.relname = archive and c.relkind = 'r') then
    raise notice 'Table %s does not exists', archive;
    return;
  end if;

  execute 'alter table ' || format('pgmq.%I', archive) || ' rename to ' || old_archive;
  execute format('create table pgmq.%I (like pgmq.%I including all) partition by range (msg_id)', archive, old_archive);
  execute 'alter index pgmq.archived_at_idx_' || table_name || ' rename to archived_at_idx_' || table_name || '_old';
  execute 'create index archived_at_idx_' || table_name || ' on ' || format('pgmq.%I', archive) || '(archived_at)';

  -- Without pg_partman this raises "null values cannot be formatted as an SQL identifier".
  partman := format('%I', pgmq._get_pg_partman_schema());
  raise exception 'archive "%" cannot be partitioned: the local pgmq stand-in does not support pg_partman', archive
    using errcode = 'feature_not_supported';
end;
$fn$;

------------------------------------------------------------------------------------------------
-- Managing queues
------------------------------------------------------------------------------------------------

-- Hosted Supabase's drop_queue (after-create script): relations are detached from the extension
-- only while they are members (logical backups detach them), then dropped if they exist. A queue
-- that does not exist is therefore "dropped" without an error. The partitioned flag is read from
-- pgmq.meta.
create function pgmq.drop_queue(queue_name text)
returns boolean
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  qsequence text := pgmq.format_table_name(queue_name, 'q') || '_msg_id_seq';
  atable text := pgmq.format_table_name(queue_name, 'a');
  partitioned boolean;
begin
  select m.is_partitioned into partitioned from pgmq.meta m where m.queue_name = drop_queue.queue_name;

  if exists (
    select from pg_catalog.pg_class c
    join pg_catalog.pg_depend d on d.objid = c.oid
    join pg_catalog.pg_extension e on e.oid = d.refobjid
    where c.relname = qtable and e.extname = 'pgmq'
  ) then
    execute format('alter extension pgmq drop table pgmq.%I', qtable);
  end if;
  if exists (
    select from pg_catalog.pg_class c
    join pg_catalog.pg_depend d on d.objid = c.oid
    join pg_catalog.pg_extension e on e.oid = d.refobjid
    where c.relname = qsequence and e.extname = 'pgmq'
  ) then
    execute format('alter extension pgmq drop sequence pgmq.%I', qsequence);
  end if;
  if exists (
    select from pg_catalog.pg_class c
    join pg_catalog.pg_depend d on d.objid = c.oid
    join pg_catalog.pg_extension e on e.oid = d.refobjid
    where c.relname = atable and e.extname = 'pgmq'
  ) then
    execute format('alter extension pgmq drop table pgmq.%I', atable);
  end if;

  execute format('drop table if exists pgmq.%I', qtable);
  execute format('drop table if exists pgmq.%I', atable);

  -- information_schema only shows tables the caller has some privilege on: a caller who cannot
  -- see pgmq.meta leaves its row alone, as upstream.
  if exists (
    select from information_schema.tables t where t.table_schema = 'pgmq' and t.table_name = 'meta'
  ) then
    delete from pgmq.meta m where m.queue_name = drop_queue.queue_name;
  end if;

  if partitioned then
    execute format('delete from %I.part_config where parent_table in ($1, $2)', pgmq._get_pg_partman_schema())
    using 'pgmq.' || qtable, 'pgmq.' || atable;
  end if;

  return true;
end;
$fn$;

-- Deletes (not truncates) every message, so it takes row locks, fires no TRUNCATE and returns the
-- count; the archive and the msg_id sequence are left alone.
create function pgmq.purge_queue(queue_name text)
returns bigint
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  deleted integer;
begin
  execute format('delete from pgmq.%I', qtable);
  get diagnostics deleted = row_count;
  return deleted;
end;
$fn$;

-- The archive stops being an extension member: it survives DROP EXTENSION and pg_dump dumps it.
create function pgmq.detach_archive(queue_name text)
returns void
language plpgsql
as $fn$
declare
  atable text := pgmq.format_table_name(queue_name, 'a');
begin
  execute format('alter extension pgmq drop table pgmq.%I', atable);
end;
$fn$;

create function pgmq.list_queues()
returns setof pgmq.queue_record
language plpgsql
as $fn$
begin
  return query select m.queue_name, m.is_partitioned, m.is_unlogged, m.created_at from pgmq.meta m;
end;
$fn$;

------------------------------------------------------------------------------------------------
-- Producing
------------------------------------------------------------------------------------------------

create function pgmq.send(queue_name text, msg jsonb, delay integer default 0)
returns setof bigint
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  return query execute format(
    'insert into pgmq.%I (vt, message) values (clock_timestamp() + $2, $1) returning msg_id', qtable)
  using msg, make_interval(secs => delay);
end;
$fn$;

-- Ids follow the order of msgs.
create function pgmq.send_batch(queue_name text, msgs jsonb[], delay integer default 0)
returns setof bigint
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  return query execute format(
    'insert into pgmq.%I (vt, message)
     select clock_timestamp() + $2, m.message
     from unnest($1) with ordinality as m(message, position)
     order by m.position
     returning msg_id', qtable)
  using msgs, make_interval(secs => delay);
end;
$fn$;

------------------------------------------------------------------------------------------------
-- Consuming
------------------------------------------------------------------------------------------------

-- Up to qty visible messages, oldest msg_id first, skipping rows other readers hold; each is
-- hidden for vt seconds and its read_ct counted up.
create function pgmq.read(queue_name text, vt integer, qty integer)
returns setof pgmq.message_record
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  return query execute format(
    'with visible as (
       select v.msg_id
       from pgmq.%1$I v
       where v.vt <= clock_timestamp()
       order by v.msg_id
       limit $1
       for update skip locked
     )
     update pgmq.%1$I q
     set vt = clock_timestamp() + $2,
         read_ct = q.read_ct + 1
     from visible
     where q.msg_id = visible.msg_id
     returning q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message', qtable)
  using qty, make_interval(secs => vt);
end;
$fn$;

-- read() until something comes back or max_poll_seconds have passed. The pause between attempts
-- is poll_interval_ms / 1000 in integer arithmetic, as in upstream 1.4.4: below 1000 ms it does
-- not sleep at all (the loop spins), 1000..1999 ms sleeps one second.
create function pgmq.read_with_poll(
  queue_name text,
  vt integer,
  qty integer,
  max_poll_seconds integer default 5,
  poll_interval_ms integer default 100
)
returns setof pgmq.message_record
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  -- without time zone, as upstream declares it
  give_up_at timestamp := clock_timestamp() + make_interval(secs => max_poll_seconds);
  claim text;
  m pgmq.message_record;
begin
  claim := format(
    'with visible as (
       select v.msg_id
       from pgmq.%1$I v
       where v.vt <= clock_timestamp()
       order by v.msg_id
       limit $1
       for update skip locked
     )
     update pgmq.%1$I q
     set vt = clock_timestamp() + $2,
         read_ct = q.read_ct + 1
     from visible
     where q.msg_id = visible.msg_id
     returning q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message', qtable);
  loop
    if clock_timestamp() >= give_up_at then
      return;
    end if;
    for m in execute claim using qty, make_interval(secs => vt) loop
      return next m;
    end loop;
    if found then
      return;
    end if;
    perform pg_sleep(poll_interval_ms / 1000);
  end loop;
end;
$fn$;

-- Reads and deletes the oldest message visible at the start of the transaction (now()).
create function pgmq.pop(queue_name text)
returns setof pgmq.message_record
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  return query execute format(
    'with oldest as (
       select v.msg_id
       from pgmq.%1$I v
       where v.vt <= now()
       order by v.msg_id
       limit 1
       for update skip locked
     )
     delete from pgmq.%1$I q
     using oldest
     where q.msg_id = oldest.msg_id
     returning q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message', qtable);
end;
$fn$;

create function pgmq.archive(queue_name text, msg_id bigint)
returns boolean
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  atable text := pgmq.format_table_name(queue_name, 'a');
  moved bigint;
begin
  execute format(
    'with taken as (
       delete from pgmq.%I where msg_id = $1
       returning msg_id, vt, read_ct, enqueued_at, message
     )
     insert into pgmq.%I (msg_id, vt, read_ct, enqueued_at, message)
     select msg_id, vt, read_ct, enqueued_at, message from taken
     returning msg_id', qtable, atable)
  into moved
  using msg_id;
  return moved is not null;
end;
$fn$;

-- Returns the ids that were in the queue (and are now in the archive).
create function pgmq.archive(queue_name text, msg_ids bigint[])
returns setof bigint
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  atable text := pgmq.format_table_name(queue_name, 'a');
begin
  return query execute format(
    'with taken as (
       delete from pgmq.%I where msg_id = any($1)
       returning msg_id, vt, read_ct, enqueued_at, message
     )
     insert into pgmq.%I (msg_id, vt, read_ct, enqueued_at, message)
     select msg_id, vt, read_ct, enqueued_at, message from taken
     returning msg_id', qtable, atable)
  using msg_ids;
end;
$fn$;

create function pgmq.delete(queue_name text, msg_id bigint)
returns boolean
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  deleted bigint;
begin
  execute format('delete from pgmq.%I where msg_id = $1 returning msg_id', qtable)
  into deleted
  using msg_id;
  return deleted is not null;
end;
$fn$;

create function pgmq.delete(queue_name text, msg_ids bigint[])
returns setof bigint
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  return query execute format('delete from pgmq.%I where msg_id = any($1) returning msg_id', qtable)
  using msg_ids;
end;
$fn$;

-- Visible again vt seconds after the start of the transaction (now(), not clock_timestamp()).
-- No row if the message does not exist; read_ct is unchanged.
create function pgmq.set_vt(queue_name text, msg_id bigint, vt integer)
returns setof pgmq.message_record
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  return query execute format(
    'update pgmq.%I q
     set vt = now() + $2
     where q.msg_id = $1
     returning q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message', qtable)
  using msg_id, make_interval(secs => vt);
end;
$fn$;

------------------------------------------------------------------------------------------------
-- Metrics
------------------------------------------------------------------------------------------------

-- queue_length counts every message in the queue (visible or not); the ages are measured from
-- now(); total_messages is the last msg_id handed out, read from the sequence named
-- q_<name>_msg_id_seq (by name, so it keeps working when msg_id is no longer an identity).
create function pgmq.metrics(queue_name text)
returns pgmq.metrics_result
language plpgsql
as $fn$
declare
  qtable text := pgmq.format_table_name(queue_name, 'q');
  result pgmq.metrics_result;
begin
  execute format(
    'with queue as (
       select count(*) as queue_length,
              extract(epoch from (now() - max(enqueued_at)))::integer as newest_msg_age_sec,
              extract(epoch from (now() - min(enqueued_at)))::integer as oldest_msg_age_sec,
              now() as scrape_time
       from pgmq.%I
     ), sent as (
       select case when s.is_called then s.last_value else 0 end as total_messages
       from pgmq.%I s
     )
     select $1, queue.queue_length, queue.newest_msg_age_sec, queue.oldest_msg_age_sec,
            sent.total_messages, queue.scrape_time
     from queue, sent', qtable, qtable || '_msg_id_seq')
  into result
  using queue_name;
  return result;
end;
$fn$;

-- One row per pgmq.meta row, in the table's physical order (no sort, as upstream).
create function pgmq.metrics_all()
returns setof pgmq.metrics_result
language plpgsql
as $fn$
declare
  queue record;
  result pgmq.metrics_result;
begin
  for queue in select m.queue_name from pgmq.meta m loop
    result := pgmq.metrics(queue.queue_name);
    return next result;
  end loop;
end;
$fn$;
