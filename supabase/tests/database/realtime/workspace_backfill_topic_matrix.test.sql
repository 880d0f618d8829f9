-- The private topic workspace:<id>:backfill: only members of that workspace receive its
-- broadcasts; nobody but the service role sends on it; only the service role may call the
-- broadcast helper.
begin;
\ir ../_fixtures/two_workspaces.psql
select plan(19);

select private.broadcast_workspace_event('00000000-0000-4000-8000-00000000000a', 'job_progress', '{"percent": 50}');
select private.broadcast_workspace_event('00000000-0000-4000-8000-00000000000b', 'job_progress', '{"percent": 10}');

select is((select count(*)::int from realtime.messages
           where topic = 'workspace:00000000-0000-4000-8000-00000000000a:backfill'
             and event = 'job_progress' and private and extension = 'broadcast'),
  1, 'broadcast_workspace_event sends a private broadcast on workspace:<id>:backfill');

-- Receive: Realtime authorises a private channel by selecting with realtime.topic set.
do $$
declare
  i record;
  want int;
  got int;
begin
  for i in select * from identities order by ord loop
    want := case when i.who in ('member', 'admin', 'owner', 'service_role') then 1 else 0 end;
    perform pg_temp.become(i.who);
    perform set_config('realtime.topic', 'workspace:00000000-0000-4000-8000-00000000000a:backfill', true);
    select count(*)::int into got from realtime.messages
     where topic = 'workspace:00000000-0000-4000-8000-00000000000a:backfill';
    perform pg_temp.become('postgres');
    insert into tap_out (line) select is(got, want,
      format('%s %s the acme workspace''s backfill broadcasts', i.who,
             case when want = 1 then 'receives' else 'does not receive' end));
  end loop;
end
$$;

select tests.authenticate_as('member');
select set_config('realtime.topic', 'workspace:00000000-0000-4000-8000-00000000000b:backfill', true);
insert into tap_out (line) select is_empty(
  $$ select 1 from realtime.messages where topic = 'workspace:00000000-0000-4000-8000-00000000000b:backfill' $$,
  'a member of acme does not receive another workspace''s broadcasts');
select set_config('realtime.topic', 'workspace:not-a-uuid:backfill', true);
insert into tap_out (line) select is((select count(*)::int from realtime.messages), 0,
  'a malformed workspace topic is refused quietly (no message) rather than failing the check');
select pg_temp.become('postgres');

-- Send: an insert into realtime.messages on the topic.
do $$
declare
  i record;
  stmt text := $sql$ insert into realtime.messages (topic, extension, event, payload, private)
                     values ('workspace:00000000-0000-4000-8000-00000000000a:backfill', 'broadcast', 'forged', '{}', true) $sql$;
begin
  for i in select * from identities order by ord loop
    perform pg_temp.become(i.who);
    if i.who = 'service_role' then
      execute stmt;
      insert into tap_out (line) select is((select count(*)::int from realtime.messages
        where topic = 'workspace:00000000-0000-4000-8000-00000000000a:backfill' and event = 'forged'), 1,
        'the service role can send on a workspace topic');
    else
      insert into tap_out (line) select throws_ok(stmt, '42501',
        'new row violates row-level security policy for table "messages"',
        format('%s cannot send on the acme workspace topic', i.who));
    end if;
    perform pg_temp.become('postgres');
  end loop;
end
$$;

-- The helper itself.
do $$
declare
  i record;
  stmt text := $sql$ select private.broadcast_workspace_event('00000000-0000-4000-8000-00000000000a', 'forged', '{}') $sql$;
begin
  for i in select * from identities where who in ('anon', 'member', 'owner', 'service_role') order by ord loop
    perform pg_temp.become(i.who);
    if i.who = 'service_role' then
      execute stmt;
      insert into tap_out (line) select is((select count(*)::int from realtime.messages
        where topic = 'workspace:00000000-0000-4000-8000-00000000000a:backfill' and event = 'forged'), 2,
        'the service role can call broadcast_workspace_event: its broadcast is stored');
    elsif i.who = 'anon' then
      insert into tap_out (line) select throws_ok(stmt, '42501', 'permission denied for schema private',
        'anon cannot reach the private schema');
    else
      insert into tap_out (line) select throws_ok(stmt, '42501',
        'permission denied for function broadcast_workspace_event',
        format('%s cannot call broadcast_workspace_event', i.who));
    end if;
    perform pg_temp.become('postgres');
  end loop;
end
$$;

select line from tap_out order by n;
select * from finish();
rollback;
