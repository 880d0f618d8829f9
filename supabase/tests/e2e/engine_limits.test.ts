// GitHub misbehaving and a budget too small: the job still ends exact, and the simulator never
// saw a request it could count as a limit violation (sent while the budget was known exhausted
// or inside a retry-after).
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { runWorker } from "../../functions/_shared/engine/worker.ts";
import { testDb } from "./_env.ts";
import {
  assertMatchesTruth, createJob, drainInRealTime, expectedContent, freshBudget, itemsDone, setupWorkspace, simulator, windowStartOf, workerDeps,
} from "./engine_helpers.ts";

Deno.test("faults: 5% 502, 5% 504, 2% secondary limits, 1% hangs -> exact result, 0 violations", async () => {
  const sql = testDb(6);
  try {
    const sim = simulator();
    sim.configure({ p502: 0.05, p504: 0.05, pSecondary: 0.02, pHang: 0.01, maxHangMs: 300, secondaryRetryAfterSeconds: 1, faultSeed: Number(Deno.env.get("FAULT_SEED") ?? 2) });
    const repos = ["acme/web", "acme/api", "acme/tiny"];
    const { workspaceId } = await setupWorkspace(sql, "engine-faults", repos);
    const jobId = await createJob(sql, workspaceId, { windowDays: 45 });
    const budget = await freshBudget(sql, "E2E_FAULTS", "e2e-faults-token", { reserve: 1000 });
    const reports = await drainInRealTime(sql, jobId, () => workerDeps(sql, sim, {
      budget,
      config: { concurrency: 3, pageSize: 4, minPageSize: 2, requestTimeoutMs: 2_000, timeBudgetMs: 15_000 },
    }), 40_000);
    const [job] = await sql`select * from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.completed_tasks, job.failed_tasks], ["completed", 3, 0]);
    const since = await windowStartOf(sql, jobId);
    for (const repo of repos) await assertMatchesTruth(sql, sim, repo, since);
    const truthPrs = repos.reduce((a, r) => a + expectedContent(sim, r, since).items.pull_requests, 0);
    assertEquals(await itemsDone(sql, jobId, "pull_requests"), truthPrs);
    const c = sim.counters();
    const faults = (c.outcomes.fault_502 ?? 0) + (c.outcomes.fault_504 ?? 0) + (c.outcomes.fault_hang ?? 0);
    assert(faults >= 3, `the run met faults (${JSON.stringify(c.outcomes)})`);
    assert((c.outcomes.secondary_limited ?? 0) >= 1, `the run met a secondary limit (${JSON.stringify(c.outcomes)})`);
    assertEquals(c.violations, { total: 0, primary: 0, secondary: 0 });
    const waits = reports.reduce((a, r) => a + r.budgetWaits, 0);
    console.log(`faults: ${c.requests.total} requests, ${waits} budget waits, outcomes ${JSON.stringify(c.outcomes)}`);
  } finally {
    await sql.end();
  }
});

Deno.test("a budget too small for the job: the job waits for the reset, completes, 0 violations", async () => {
  const sql = testDb(6);
  try {
    // The job costs about 7 points (comments come from REST lists): a limit of 4 forces waits.
    const limit = 4;
    const sim = simulator(undefined, { limit, windowSeconds: 2 });
    const repos = ["acme/api", "acme/tiny"];
    const { workspaceId } = await setupWorkspace(sql, "engine-tiny-budget", repos);
    const jobId = await createJob(sql, workspaceId, { windowDays: 45 });
    const budget = await freshBudget(sql, "E2E_TINY", "e2e-tiny-token", { reserve: 1, limit });
    const reports = await drainInRealTime(sql, jobId, () => workerDeps(sql, sim, {
      budget,
      config: { concurrency: 3, pageSize: 10, timeBudgetMs: 15_000, budgetReserve: 1 },
    }), 40_000);
    const [job] = await sql`select * from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.completed_tasks], ["completed", 2]);
    const since = await windowStartOf(sql, jobId);
    for (const repo of repos) await assertMatchesTruth(sql, sim, repo, since);
    const c = sim.counters();
    assertEquals(c.violations, { total: 0, primary: 0, secondary: 0 });
    assert(c.pointsSpent > limit, `the job needed more than one window (${c.pointsSpent} points for a limit of ${limit})`);
    const waits = reports.reduce((a, r) => a + r.budgetWaits, 0);
    assert(waits > 0, "the worker waited for the budget at least once");
    console.log(`tiny budget: ${c.pointsSpent} points over ${c.requests.total} requests, ${waits} budget waits, outcomes ${JSON.stringify(c.outcomes)}`);
  } finally {
    await sql.end();
  }
});

Deno.test("a budget wait that ends inside pgmq's second: the same pass claims the released task again and finishes the job", async () => {
  const sql = testDb(6);
  try {
    // pgmq counts visibility in whole seconds: a task released for a 0.3 s wait is back up to a
    // second later. A pass that found the queue empty at the wait's end used to stop there and
    // leave the rest of the window to the next cron tick.
    const limit = 4;
    const sim = simulator(undefined, { limit, windowSeconds: 2 });
    const repos = ["acme/api"];
    const { workspaceId } = await setupWorkspace(sql, "engine-wait-visible", repos);
    const jobId = await createJob(sql, workspaceId, { windowDays: 45 });
    const budget = await freshBudget(sql, "E2E_WAIT_VISIBLE", "e2e-wait-visible-token", { reserve: 1, limit });
    const report = await runWorker(workerDeps(sql, sim, {
      budget,
      config: { concurrency: 1, pageSize: 10, timeBudgetMs: 20_000, budgetReserve: 1 },
    }));
    assert(report.budgetWaits > 0, `the pass waited for the budget (${JSON.stringify(report)})`);
    const [job] = await sql`select status, completed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.completed_tasks, report.stoppedBy], ["completed", 1, "empty"],
      `one pass finishes the job through its budget waits (${JSON.stringify(report)})`);
    await assertMatchesTruth(sql, sim, "acme/api", await windowStartOf(sql, jobId));
    assertEquals(sim.counters().violations, { total: 0, primary: 0, secondary: 0 });
  } finally {
    await sql.end();
  }
});
