// Two workers draining the same queues at once never process a task (or a chunk) twice: the
// simulator sees exactly the requests of a single-worker run, each task is claimed once, and
// items_done equals the truth.
import { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, expectedContent, itemsDone, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import { runWorker, type WorkerReport } from "../../functions/_shared/engine/worker.ts";

const REPOS = ["acme/web", "acme/api", "acme/tiny", "acme/empty"];
const CONFIG = { concurrency: 2, pageSize: 5, timeBudgetMs: 20_000 };

const sum = (rs: WorkerReport[], k: "tasksClaimed" | "chunksCommitted" | "requests") => rs.reduce((a, r) => a + r[k], 0);

Deno.test("two workers draining at once: no task processed twice, exact result", async () => {
  const sql = testDb(6);
  const sqlA = testDb(4);
  const sqlB = testDb(4);
  try {
    // Baseline: one worker alone; the request count of a run without faults is deterministic.
    const alone = simulator();
    const { workspaceId: ws1 } = await setupWorkspace(sql, "engine-two-workers-baseline", REPOS);
    const job1 = await createJob(sql, ws1, { windowDays: 45 });
    const baseline = await runWorker(workerDeps(sql, alone, { config: CONFIG }));
    assertEquals((await sql`select status from public.backfill_jobs where id = ${job1}`)[0].status, "completed");

    const sim = simulator();
    const { workspaceId } = await setupWorkspace(sql, "engine-two-workers", REPOS);
    const jobId = await createJob(sql, workspaceId, { windowDays: 45 });
    const [a, b] = await Promise.all([
      runWorker(workerDeps(sqlA, sim, { config: CONFIG })),
      runWorker(workerDeps(sqlB, sim, { config: CONFIG })),
    ]);
    const [job] = await sql`select * from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.completed_tasks, job.failed_tasks], ["completed", 4, 0]);
    console.log(`worker A claimed ${a.tasksClaimed} tasks / ${a.chunksCommitted} chunks, worker B ${b.tasksClaimed} / ${b.chunksCommitted}`);
    // Each task was claimed by exactly one worker, and no chunk was fetched or committed twice.
    assertEquals(sum([a, b], "tasksClaimed"), 4);
    assertEquals(sum([a, b], "chunksCommitted"), baseline.chunksCommitted);
    assertEquals(sum([a, b], "requests"), baseline.requests);
    assertEquals(sim.counters().requests.total, alone.counters().requests.total);
    const since = await windowStartOf(sql, jobId);
    for (const repo of REPOS) await assertMatchesTruth(sql, sim, repo, since);
    for (const type of ["pull_requests", "issues"] as const) {
      const truth = REPOS.reduce((n, r) => n + expectedContent(sim, r, since).items[type], 0);
      assertEquals(await itemsDone(sql, jobId, type), truth, `${type}: items_done equals the truth`);
    }
    assertEquals(sim.counters().violations.total, 0);
  } finally {
    await Promise.all([sql.end(), sqlA.end(), sqlB.end()]);
  }
});
