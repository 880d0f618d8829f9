-- One vocabulary for the workspace broadcasts: the names the engine sends. Earlier comments
-- named job_progress / job_completed, which nothing sends. The payloads are documented in
-- docs/realtime.md.

comment on function private.broadcast_workspace_event(uuid, text, jsonb) is
  'Sends a private broadcast on workspace:<id>:backfill. The engine sends backfill_progress (after '
  'every chunk commit) and backfill_finished (when a job ends, cancel included); payloads in '
  'docs/realtime.md. For the engine; clients subscribe to the topic with private: true.';

comment on column public.notifications.kind is
  'What the notification is about: backfill_finished (a backfill job ended; payload {job_id, status, '
  'total_tasks, failed_tasks, items_done, points_used}).';

comment on function engine.finish_backfill_job_if_done(uuid) is
  'Sets a job''s final status once no task is pending or running; notifies its creator and the workspace '
  'owners (notifications.kind backfill_finished) and broadcasts backfill_finished on the workspace topic.';
