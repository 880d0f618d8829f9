// The project's pg_cron jobs, as the schema files schedule them, run and do their work. pg_cron
// itself runs the every-minute ones here (nothing new is scheduled; Debian's pg_cron 1.4 runs
// minute schedules, so this waits for the next minute): the worker tick invokes the deployed
// worker for queued work nobody kicked, and the sweeper takes back a dead worker's task. The
// others (every 5 and 10 minutes, hourly, daily) are run as pg_cron runs them: their command
// from cron.job in a session as postgres.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { join } from "node:path";
import { eventually, resetEngineState, stackEnv, testDb } from "./_env.ts";
import type { Sql } from "../../functions/_shared/db.ts";

const SCHEMAS = new URL("../../schemas/", import.meta.url).pathname;
const EVERY_MINUTE = ["backfill-sweeper", "backfill-worker"];
const SLUG = "e2e-cron-jobs";

/** The jobs the schema files schedule: `select cron.schedule('name', 'schedule', …)`. */
async function scheduledInSchemas(): Promise<Record<string, string>> {
  const jobs: Record<string, string> = {};
  for await (const f of Deno.readDir(SCHEMAS)) {
    if (!f.name.endsWith(".sql")) continue;
    const text = await Deno.readTextFile(join(SCHEMAS, f.name));
    for (const m of text.matchAll(/select\s+cron\.schedule\(\s*'([^']+)'\s*,\s*'([^']+)'/g)) jobs[m[1]] = m[2];
  }
  return jobs;
}

/** Runs `command` as pg_cron would, in a transaction that is rolled back after `look` saw its effect. */
async function runRolledBack<T>(sql: Sql, command: string, look: (tx: Sql) => Promise<T>): Promise<T> {
  const undo = new Error("rolled back on purpose");
  let seen: T | undefined;
  await sql.begin(async (tx) => {
    await tx.unsafe(command);
    seen = await look(tx as unknown as Sql);
    throw undo;
  }).catch((e) => {
    if (e !== undo) throw e;
  });
  return seen as T;
}

async function workspaceWithRepos(sql: Sql, names: string[]): Promise<{ id: string; tracked: string[] }> {
  await sql`delete from public.workspaces where slug = ${SLUG}`;
  const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${SLUG}, ${SLUG}, 'free') returning id`;
  const tracked: string[] = [];
  for (const full of names) {
    const [owner, name] = full.split("/");
    const [t] = await sql`insert into public.tracked_repositories (owner, name) values (${owner}, ${name})
      on conflict ((lower(full_name))) do update set status = 'pending' returning id`;
    await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${t.id})`;
    tracked.push(t.id);
  }
  return { id: ws.id, tracked };
}

async function job(sql: Sql, workspaceId: string, trackedId: string): Promise<string> {
  const [j] = await sql`insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, tracked_repository_ids)
    values (${workspaceId}, 'manual', 7, ${["repository"]}, ${[trackedId]}::uuid[]) returning id`;
  return j.id;
}

const METRICS_REPO = 990_001;

/** A stored repository of the workspace with a commit of yesterday and one of 40 days ago (past
 * the free tier's 30 days), then each job's command: the 5-minute refresh computes yesterday's
 * daily row, the hourly one caches the workspace's periods, the 10-minute one enqueues the due
 * sync (these three rolled back, so no work leaks), and the retention batch deletes the old commit. */
async function checkOtherJobs(sql: Sql, command: (name: string) => string, workspaceId: string): Promise<void> {
  await sql`delete from public.repositories where id = ${METRICS_REPO}`;
  await sql`insert into public.repositories (id, node_id, owner, name, full_name)
    values (${METRICS_REPO}, ${"R_" + METRICS_REPO}, 'e2e-cron', 'metrics', 'e2e-cron/metrics')`;
  await sql`delete from public.tracked_repositories where lower(full_name) = 'e2e-cron/metrics'`;
  const [t] = await sql`insert into public.tracked_repositories (owner, name, repository_id, status)
    values ('e2e-cron', 'metrics', ${METRICS_REPO}, 'active') returning id`;
  await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${workspaceId}, ${t.id})`;
  await sql`insert into public.commits (repository_id, sha, committed_at, additions) values
    (${METRICS_REPO}, ${"d".repeat(40)}, now() - interval '1 day', 4), (${METRICS_REPO}, ${"0".repeat(40)}, now() - interval '40 days', 1)`;

  const daily = await runRolledBack(sql, command("refresh-daily-activity-metrics"), (tx) => tx`
    select commits_count, additions from public.daily_activity_metrics
    where repository_id = ${METRICS_REPO} and date = ((now() - interval '1 day') at time zone 'utc')::date`);
  assertEquals(daily.map((r) => ({ ...r })), [{ commits_count: 1, additions: 4 }], "refresh-daily-activity-metrics computes yesterday's row");

  const cached = await runRolledBack(sql, command("refresh-workspace-metrics-cache"), (tx) => tx`
    select period_days from public.workspace_metrics_cache where workspace_id = ${workspaceId} order by 1`);
  assertEquals(cached.map((r) => r.period_days), [7, 30], "refresh-workspace-metrics-cache caches the periods a free workspace keeps");

  const synced = await runRolledBack(sql, command("enqueue-scheduled-syncs"), (tx) => tx`
    select j.kind, j.status from public.backfill_jobs j where j.workspace_id = ${workspaceId} and ${t.id}::uuid = any(j.tracked_repository_ids)`);
  assertEquals(synced.map((r) => ({ ...r })), [{ kind: "scheduled", status: "pending" }], "enqueue-scheduled-syncs enqueues the due repository");

  await sql.unsafe(command("retention-cleanup"));
  const [r] = await sql`select array_agg(sha) as left,
    (select sum(rows_deleted)::int from engine.retention_deletions where repository_id = ${METRICS_REPO} and table_name = 'commits') as recorded
    from public.commits where repository_id = ${METRICS_REPO}`;
  assertEquals({ ...r }, { left: ["d".repeat(40)], recorded: 1 }, "retention-cleanup deletes the commit past 30 days and records it");
}

Deno.test({
  name: "pg_cron runs the worker tick and the sweeper every minute, and every project job's command does its work",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    stackEnv("FUNCTIONS_URL"); // the deployed worker answers the tick
    const sql = testDb(3);
    const [saved] = await sql`select automatic_invocations, reason from engine.worker_settings`;
    try {
      const expected = await scheduledInSchemas();
      assertEquals(Object.keys(expected).sort(), ["backfill-sweeper", "backfill-worker", "enqueue-scheduled-syncs",
        "refresh-daily-activity-metrics", "refresh-workspace-metrics-cache", "retention-cleanup"], "the jobs the schema files schedule");
      const jobs = await sql`select jobname, schedule, command, active from cron.job where jobname = any(${Object.keys(expected)})`;
      assertEquals(Object.fromEntries(jobs.map((j) => [j.jobname, j.schedule])), expected, "cron.job holds them as scheduled");
      assert(jobs.every((j) => j.active), "all of them active");
      const command = (name: string) => jobs.find((j) => j.jobname === name)!.command as string;

      // Work nobody kicks, and a task a dead worker holds (claimed, heartbeat 10 minutes old).
      await sql`update engine.worker_settings set automatic_invocations = false, reason = 'e2e cron test arranging work'`;
      await resetEngineState(sql);
      const ws = await workspaceWithRepos(sql, ["acme/tiny", "acme/api"]);
      const held = await job(sql, ws.id, ws.tracked[1]);
      const [dead] = await sql`select task_id, claim_id from engine.claim_backfill_tasks('backfill_recent', 1, 300)`;
      await sql`update public.backfill_tasks set heartbeat_at = now() - interval '10 minutes' where id = ${dead.task_id}`;
      const queued = await job(sql, ws.id, ws.tracked[0]);
      const [{ started }] = await sql`select now() as started`;
      await sql`update engine.worker_settings set automatic_invocations = true, reason = null`;

      // The other jobs' commands, as pg_cron runs them.
      await checkOtherJobs(sql, command, ws.id);

      let last: Record<string, unknown> = {};
      await eventually("pg_cron's next minute: the tick to run the queued job and the sweeper to take back the dead claim", async () => {
        const [r] = await sql`select
          (select status from public.backfill_jobs where id = ${queued}) as queued_status,
          (select claim_id from public.backfill_tasks where id = ${dead.task_id}) as held_claim,
          (select array_agg(j.jobname || ' ' || d.status order by d.start_time) from cron.job_run_details d
            join cron.job j on j.jobid = d.jobid where d.start_time >= ${started}) as runs`;
        last = { queued_job: r.queued_status, dead_claim_revoked: r.held_claim !== dead.claim_id, runs: r.runs };
        return r.queued_status === "completed" && r.held_claim !== dead.claim_id ? r : null;
      }, 100_000, 1000).catch((e) => {
        throw new Error(`${e.message}; last seen: ${JSON.stringify(last)}`);
      });
      const runs = await sql`
        select j.jobname, d.status, d.return_message from cron.job_run_details d join cron.job j on j.jobid = d.jobid
        where j.jobname = any(${EVERY_MINUTE}) and d.start_time >= ${started} and d.status <> 'running'`;
      assertEquals([...new Set(runs.map((r) => r.jobname))].sort(), EVERY_MINUTE, "both every-minute jobs ran since the work was queued");
      assertEquals(runs.filter((r) => r.status !== "succeeded").map((r) => `${r.jobname}: ${r.return_message}`), [],
        "and every run succeeded");
      const [h] = await sql`select status from public.backfill_jobs where id = ${held}`;
      assert(["pending", "running", "completed"].includes(h.status), `the held job goes on (${h.status})`);
    } finally {
      await sql`delete from public.repositories where id = ${METRICS_REPO}`;
      await sql`delete from engine.retention_deletions where repository_id = ${METRICS_REPO}`;
      // Leave no deployed worker running into the next test.
      await sql`update engine.worker_settings set automatic_invocations = false, reason = 'e2e cron test ending'`;
      await eventually("the deployed worker's passes to end", async () => {
        const [{ live }] = await sql`select engine.live_worker_invocations() as live`;
        return live === 0;
      }, 60_000, 500);
      await sql`update engine.worker_settings set automatic_invocations = ${saved.automatic_invocations}, reason = ${saved.reason}`;
      await sql.end();
    }
  },
});
