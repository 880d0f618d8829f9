// cancel_backfill drops queued work; retry_backfill re-runs only the failed repositories.
import { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { createJob, drain, setupWorkspace, simulator, workerDeps } from "./engine_helpers.ts";
import { runWorker } from "../../functions/_shared/engine/worker.ts";

Deno.test("cancel_backfill cancels every queued task and the worker then sends no request", async () => {
  const sql = testDb(4);
  try {
    const sim = simulator();
    const { workspaceId } = await setupWorkspace(sql, "engine-cancel", ["acme/api", "acme/tiny"]);
    const jobId = await createJob(sql, workspaceId);
    await sql`select public.cancel_backfill(${jobId})`;
    const report = await runWorker(workerDeps(sql, sim));
    const [job] = await sql`select status, cancelled_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.cancelled_tasks], ["cancelled", 2]);
    assertEquals(sim.counters().requests.total, 0, `no GitHub request after the cancel (${JSON.stringify(report)})`);
  } finally {
    await sql.end();
  }
});

Deno.test("retry_backfill re-runs only the failed repository, which fails again with its message", async () => {
  const sql = testDb(4);
  try {
    const sim = simulator();
    const { workspaceId, tracked } = await setupWorkspace(sql, "engine-retry", ["acme/tiny", "acme/missing"]);
    const jobId = await createJob(sql, workspaceId);
    await drain(sql, jobId, () => workerDeps(sql, sim));
    const [{ status: trStatus }] = await sql`select status from public.workspace_tracked_repositories
      where workspace_id = ${workspaceId} and tracked_repository_id = ${tracked["acme/missing"]}`;
    assertEquals(trStatus, "not_found");
    const before = sim.counters().requests.total;
    await sql`select public.retry_backfill(${jobId}, ${tracked["acme/missing"]})`;
    const [mid] = await sql`select status, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([mid.status, mid.failed_tasks], ["running", 0]);
    await drain(sql, jobId, () => workerDeps(sql, sim));
    const [job] = await sql`select status, completed_tasks, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.completed_tasks, job.failed_tasks], ["completed_with_errors", 1, 1]);
    assertEquals(sim.counters().requests.total - before, 1, "only the missing repository was asked for again");
  } finally {
    await sql.end();
  }
});
