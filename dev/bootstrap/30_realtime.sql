-- Stand-in for the database side of Supabase Realtime's Broadcast from Database:
-- realtime.messages (RLS on, no policies: projects write their own), realtime.topic(),
-- realtime.send() and realtime.broadcast_changes() with Supabase's signatures and bodies.
-- Hosted Realtime streams new messages rows to subscribers by logical replication; locally
-- send() also does pg_notify('realtime:broadcast', <message json>) (delivered at commit) for a
-- local relay to pick up. Idempotent.

set client_min_messages = warning;  -- quiet the "already exists, skipping" notices on re-runs

create schema if not exists realtime;
grant usage on schema realtime to postgres, anon, authenticated, service_role;

-- Supabase's columns; hosted it is partitioned by range (inserted_at) — not needed locally.
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp without time zone not null default now(),
  inserted_at timestamp without time zone not null default now(),
  id uuid not null default gen_random_uuid(),
  constraint messages_pkey primary key (id, inserted_at)
);
create index if not exists messages_inserted_at_topic_index
  on realtime.messages (inserted_at desc, topic) where extension = 'broadcast' and private is true;

alter table realtime.messages enable row level security;

-- Hosted grants: the API roles may select/insert/update; RLS decides which rows.
grant select, insert, update on table realtime.messages to anon, authenticated, service_role;
grant all on table realtime.messages to postgres;

create or replace function realtime.topic() returns text
language sql stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text;
$$;

-- Same body as Supabase's (not SECURITY DEFINER there either: the caller needs insert on
-- realtime.messages, which is why trigger functions calling it are usually SECURITY DEFINER).
-- Never fails the caller's transaction: errors become a warning, as on Supabase.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  generated_id uuid;
  final_payload jsonb;
  message jsonb;
begin
  begin
    generated_id := gen_random_uuid();

    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;

    execute format('SET LOCAL realtime.topic TO %L', topic);

    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');

    -- Local only: hand the message to the local relay at commit. NOTIFY payloads are limited
    -- to 8000 bytes, so a large message is announced without its payload (read it by id).
    begin
      message := jsonb_build_object(
        'id', generated_id, 'topic', topic, 'event', event, 'private', private,
        'extension', 'broadcast', 'payload', final_payload);
      if octet_length(message::text) > 7900 then
        message := (message - 'payload') || jsonb_build_object('payload_omitted', true);
      end if;
      perform pg_notify('realtime:broadcast', message::text);
    exception
      when others then
        raise warning 'ErrorNotifyingBroadcastMessage: %', sqlerrm;
    end;
  exception
    when others then
      raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

-- Same body as Supabase's: payload {old_record, record, operation, table, schema}, private topic.
create or replace function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW'
)
returns void
language plpgsql
as $$
declare
  row_data jsonb := '{}'::jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
    row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation,
                                   'table', table_name, 'schema', table_schema);
    perform realtime.send(row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception
  when others then
    raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;

grant execute on function realtime.topic(), realtime.send(jsonb, text, text, boolean),
  realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  to postgres, anon, authenticated, service_role;
