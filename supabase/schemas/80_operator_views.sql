-- Operator views for the SQL console (postgres / service role; not exposed through the API).

create or replace view engine.stale_backfill_jobs as
select j.id, j.workspace_id, j.kind, j.status, j.created_at, now() - j.created_at as age,
  j.total_tasks, j.completed_tasks, j.failed_tasks, j.items_done, j.points_used
from public.backfill_jobs j
where j.status in ('pending', 'running') and j.created_at < now() - interval '24 hours';
grant select on engine.stale_backfill_jobs to service_role;
comment on view engine.stale_backfill_jobs is
  'Operator view: jobs still unfinished 24 hours after creation; look at their tasks'' last_error.';

create or replace view engine.queue_depth with (security_invoker = true) as
select m.queue_name, m.queue_length, m.oldest_msg_age_sec, m.newest_msg_age_sec, m.total_messages, m.scrape_time
from pgmq.metrics_all() m
order by m.queue_name;
revoke all on engine.queue_depth from public, anon, authenticated;
grant select on engine.queue_depth to service_role;
comment on view engine.queue_depth is
  'Per pgmq queue: messages waiting, age of the oldest (seconds) and total ever sent.';

create or replace view engine.long_running_jobs with (security_invoker = true) as
select j.id as job_id, w.slug as workspace, j.kind, j.status, j.window_days, j.total_tasks, j.completed_tasks,
       j.failed_tasks, j.created_at, j.started_at, now() - coalesce(j.started_at, j.created_at) as running_for
from public.backfill_jobs j
join public.workspaces w on w.id = j.workspace_id
where j.status in ('pending', 'running') and coalesce(j.started_at, j.created_at) < now() - interval '24 hours'
order by coalesce(j.started_at, j.created_at);
revoke all on engine.long_running_jobs from public, anon, authenticated;
grant select on engine.long_running_jobs to service_role;
comment on view engine.long_running_jobs is
  'Jobs pending or running for more than 24 hours, oldest first.';

create or replace view engine.task_failure_rate_per_hour with (security_invoker = true) as
select date_trunc('hour', t.finished_at) as hour,
       count(*) as finished_tasks,
       count(*) filter (where t.status = 'failed') as failed_tasks,
       round(100.0 * count(*) filter (where t.status = 'failed') / count(*), 1) as failure_percent
from public.backfill_tasks t
where t.finished_at > now() - interval '7 days' and t.status in ('completed', 'failed')
group by 1
order by 1 desc;
revoke all on engine.task_failure_rate_per_hour from public, anon, authenticated;
grant select on engine.task_failure_rate_per_hour to service_role;
comment on view engine.task_failure_rate_per_hour is
  'Per hour of the last 7 days: tasks finished, tasks failed and the failure rate in percent.';

-- Operators see the account next to each budget.
create or replace view engine.token_budgets with (security_invoker = true) as
select t.label, t.kind, t.enabled, b.resource, b.limit_points, b.remaining, b.reserved,
       b.remaining - b.reserved as available, b.reset_at,
       greatest(b.reset_at - now(), interval '0') as resets_in, b.paused_until, b.updated_at,
       t.account, t.workspace_id, t.disabled_at, t.disabled_reason, t.denied_data_types, t.denied_reason
from engine.github_tokens t
left join engine.rate_limit_budgets b on b.token_id = t.id
order by t.label, b.resource;
revoke all on engine.token_budgets from public, anon, authenticated;
grant select on engine.token_budgets to service_role;
comment on view engine.token_budgets is
  'GitHub tokens with their budget per resource: remaining, reserved, available, reset and pause, the account '
  'whose limit they draw on (one enabled token per account), the workspace a token belongs to (null: the platform '
  'pool), and what GitHub refused: disabled_reason (401: replace the token) and denied_data_types (a missing scope).';

create or replace view engine.recent_webhook_rejections with (security_invoker = true) as
select * from billing.recent_webhook_rejections;
revoke all on engine.recent_webhook_rejections from public, anon, authenticated;
grant select on engine.recent_webhook_rejections to service_role;
comment on view engine.recent_webhook_rejections is
  'Polar deliveries of the last 30 days that were rejected or failed (see billing.recent_webhook_rejections).';

create or replace view engine.sync_backlog with (security_invoker = true) as
select count(*) filter (where w.next_sync_at is null or w.next_sync_at <= now()) as due,
       count(*) filter (where w.last_sync_status = 'queued') as queued,
       count(*) filter (where w.last_sync_status like 'failed%') as failing,
       min(w.next_sync_at) filter (where w.next_sync_at <= now()) as oldest_due_at
from public.workspace_tracked_repositories w;
revoke all on engine.sync_backlog from public, anon, authenticated;
grant select on engine.sync_backlog to service_role;
comment on view engine.sync_backlog is
  'Scheduled syncs: workspace repositories due, queued, failing, and the oldest due time.';

create or replace view engine.retention_summary with (security_invoker = true) as
select date_trunc('day', d.deleted_at) as day, d.table_name, sum(d.rows_deleted) as rows_deleted,
       count(distinct d.repository_id) as repositories
from engine.retention_deletions d
where d.deleted_at > now() - interval '30 days'
group by 1, 2
order by 1 desc, 2;
revoke all on engine.retention_summary from public, anon, authenticated;
grant select on engine.retention_summary to service_role;
comment on view engine.retention_summary is 'Rows the retention clean-up deleted per day and table, last 30 days.';
