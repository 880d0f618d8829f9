// A job over a workspace of simulator repositories completes, and the database then equals the
// simulator's ground truth inside the window, nested overflow included.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, createMember, drain, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";

const REPOS = ["acme/web", "acme/api", "acme/tiny", "acme/empty"];

Deno.test("a backfill job makes the database equal the simulator's ground truth inside the window", async () => {
  const sql = testDb(6);
  try {
    const sim = simulator();
    const { workspaceId } = await setupWorkspace(sql, "engine-e2e", REPOS);
    const owner = await createMember(sql, workspaceId, "engine-e2e-owner@example.test", "owner");
    const jobId = await createJob(sql, workspaceId, { windowDays: 30 });
    await drain(sql, jobId, () => workerDeps(sql, sim));
    const [job] = await sql`select * from public.backfill_jobs where id = ${jobId}`;
    assertEquals(job.status, "completed");
    assertEquals([job.total_tasks, job.completed_tasks, job.failed_tasks], [4, 4, 0]);
    const since = await windowStartOf(sql, jobId);
    for (const repo of REPOS) await assertMatchesTruth(sql, sim, repo, since);
    const heavy = sim.truth({ repo: "acme/web", type: "reviews", since });
    const perPr = new Map<number, number>();
    for (const r of heavy.items) perPr.set(r.parentDatabaseId!, (perPr.get(r.parentDatabaseId!) ?? 0) + 1);
    assert([...perPr.values()].some((n) => n > 100), "the dataset has a PR with more than 100 reviews inside the window");
    const notes = await sql`select user_id, kind, payload->>'status' as status from public.notifications where payload->>'job_id' = ${jobId}`;
    assertEquals(notes.map((x) => ({ ...x })), [{ user_id: owner, kind: "backfill_finished", status: "completed" }],
      "the workspace owner is told the job completed, once");
    assertEquals(sim.counters().violations.total, 0);
  } finally {
    await sql.end();
  }
});
