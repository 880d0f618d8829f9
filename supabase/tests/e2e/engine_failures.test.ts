// Failures stay with their repository, and crashes at chunk boundaries lose nothing.
import { deepEqual as assertEquals, match } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, drain, expectedContent, InjectedCrash, setupWorkspace, simulator, workerDeps } from "./engine_helpers.ts";
import { mulberry32 } from "../../../dev/github-sim/prng.ts";

Deno.test("a missing and a private repository fail alone with an actionable message; the others complete", async () => {
  const sql = testDb(6);
  try {
    const sim = simulator();
    const { workspaceId } = await setupWorkspace(sql, "engine-failures", ["acme/tiny", "acme/missing", "acme/secret"]);
    const jobId = await createJob(sql, workspaceId);
    await drain(sql, jobId, () => workerDeps(sql, sim));
    const [job] = await sql`select * from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.completed_tasks, job.failed_tasks], ["completed_with_errors", 1, 2]);
    const tasks = await sql`
      select tr.full_name, t.status, t.last_error from public.backfill_tasks t
      join public.tracked_repositories tr on tr.id = t.tracked_repository_id where t.job_id = ${jobId} order by 1`;
    assertEquals(tasks.map((t) => [t.full_name, t.status]), [["acme/missing", "failed"], ["acme/secret", "failed"], ["acme/tiny", "completed"]]);
    match(tasks[0].last_error, /repository acme\/missing was not found or is not visible to the configured token: check the name or grant access, then retry/);
    match(tasks[1].last_error, /repository acme\/secret was not found or is not visible/);
  } finally {
    await sql.end();
  }
});

Deno.test("crashing before chunk commits at random, dozens of times, still ends exact", async () => {
  const sql = testDb(6);
  try {
    const sim = simulator();
    const repos = ["acme/web", "acme/api", "acme/tiny"];
    const { workspaceId } = await setupWorkspace(sql, "engine-crashes", repos);
    const jobId = await createJob(sql, workspaceId, { windowDays: 45 });
    const random = mulberry32(1234);
    let crashes = 0;
    await drain(sql, jobId, () => workerDeps(sql, sim, {
      config: { concurrency: 1, pageSize: 2, minPageSize: 1 },
      beforeCommit: () => {
        if (random() < 0.3) {
          crashes++;
          throw new InjectedCrash();
        }
      },
    }), 400);
    const [job] = await sql`select * from public.backfill_jobs where id = ${jobId}`;
    assertEquals(job.status, "completed");
    const [{ window_start }] = await sql`
      select min(p.window_start) as window_start from public.backfill_progress p
      join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId}`;
    for (const repo of repos) await assertMatchesTruth(sql, sim, repo, new Date(window_start).toISOString());
    // items_done counts each committed item once: crashed chunks never counted.
    const [{ pr }] = await sql`
      select sum(p.items_done)::int as pr from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
      where t.job_id = ${jobId} and p.data_type = 'pull_requests'`;
    const truthPrs = repos.reduce((a, r) => a + expectedContent(sim, r, new Date(window_start).toISOString()).items.pull_requests, 0);
    assertEquals(pr, truthPrs);
    if (crashes < 12) throw new Error(`only ${crashes} crashes were injected; the test needs dozens`);
  } finally {
    await sql.end();
  }
});
