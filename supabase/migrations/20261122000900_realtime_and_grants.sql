-- Realtime: Broadcast from Database on the private topic workspace:<uuid>:backfill. Only members
-- of that workspace receive; nobody but the service role (and SECURITY DEFINER code) sends.

create or replace function private.can_receive_workspace_topic(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    topic ~ '^workspace:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:backfill$'
    and private.has_workspace_role(split_part(topic, ':', 2)::uuid, 'member'),
    false)
$$;
revoke execute on function private.can_receive_workspace_topic(text) from public, anon, authenticated;
grant execute on function private.can_receive_workspace_topic(text) to authenticated, service_role;
comment on function private.can_receive_workspace_topic(text) is
  'True when topic is workspace:<uuid>:backfill and the calling user is a member of that workspace.';

create policy "members can receive their workspace's backfill broadcasts" on realtime.messages
  for select to authenticated
  using (extension = 'broadcast'
         and topic = (select realtime.topic())
         and (select private.can_receive_workspace_topic(realtime.topic())));

create or replace function private.broadcast_workspace_event(workspace_id uuid, event text, payload jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(coalesce(payload, '{}'::jsonb), event,
                        'workspace:' || broadcast_workspace_event.workspace_id || ':backfill', true);
end
$$;
revoke execute on function private.broadcast_workspace_event(uuid, text, jsonb) from public, anon, authenticated;
grant execute on function private.broadcast_workspace_event(uuid, text, jsonb) to service_role;
comment on function private.broadcast_workspace_event(uuid, text, jsonb) is
  'Sends a private broadcast on workspace:<id>:backfill (e.g. job_progress, job_completed). '
  'For the engine; clients subscribe to the topic with private: true.';

-- Identity sequences: only the service role inserts.
revoke all on all sequences in schema public from anon, authenticated;
