-- The workspace comes from metadata.workspace_id (uuid or slug) or metadata.workspace_slug; a
-- subscription already recorded keeps its workspace.
begin;
select plan(4);
\ir _setup.sql

select is(pg_temp.deliver('wh_1', pg_temp.sub_event('subscription.active', 'sub_uuid', now(),
  metadata => jsonb_build_object('workspace_id', pg_temp.ws()))) ->> 'workspace_id',
  pg_temp.ws()::text, 'metadata.workspace_id as a uuid names the workspace.');
select is(pg_temp.deliver('wh_2', pg_temp.sub_event('subscription.active', 'sub_slug', now(),
  metadata => '{"workspace_id": "billing-ws"}')) ->> 'workspace_id',
  pg_temp.ws()::text, 'metadata.workspace_id as a slug names the workspace.');
select is(pg_temp.deliver('wh_3', pg_temp.sub_event('subscription.active', 'sub_wslug', now(),
  metadata => '{"workspace_slug": "billing-ws"}')) ->> 'workspace_id',
  pg_temp.ws()::text, 'metadata.workspace_slug names the workspace.');
select is(pg_temp.deliver('wh_4', pg_temp.sub_event('subscription.revoked', 'sub_uuid', now() + interval '1 second',
  status => 'canceled', metadata => '{}')) ->> 'outcome',
  'processed', 'A later event of a recorded subscription needs no metadata.');

select * from finish();
rollback;
