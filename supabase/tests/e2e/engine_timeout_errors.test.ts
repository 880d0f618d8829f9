// GitHub answers a heavy query that timed out on its side with HTTP 200 and an error without a
// type. The worker takes it for what it is (transient: retried with a smaller page), not for a
// bug in its query: the job still ends exact.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, drain, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";

Deno.test("GitHub's HTTP 200 query timeouts (15% of GraphQL requests) -> the job completes exact", async () => {
  const sql = testDb(4);
  try {
    const sim = simulator();
    sim.configure({ pTimeoutError: 0.15, faultSeed: 3 });
    const repos = ["acme/api", "acme/tiny"];
    const { workspaceId } = await setupWorkspace(sql, "engine-timeout-errors", repos);
    const jobId = await createJob(sql, workspaceId, { windowDays: 45 });
    await drain(sql, jobId, () => workerDeps(sql, sim, { config: { pageSize: 6, minPageSize: 2 } }));
    const [job] = await sql`select * from public.backfill_jobs where id = ${jobId}`;
    const errors = await sql`select p.data_type, p.last_error from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
      where t.job_id = ${jobId} and p.last_error is not null`;
    assertEquals([job.status, job.completed_tasks, job.failed_tasks], ["completed", 2, 0], JSON.stringify(errors));
    const since = await windowStartOf(sql, jobId);
    for (const repo of repos) await assertMatchesTruth(sql, sim, repo, since);
    const outcomes = sim.counters().outcomes;
    assert((outcomes.fault_timeout_error ?? 0) >= 2, `the run met GitHub's 200 timeouts (${JSON.stringify(outcomes)})`);
  } finally {
    await sql.end();
  }
});
