// The main job of `npm start` on the REAL path, against the running stack: a signed addon
// purchase sent to the polar-webhook function creates the job, the fan-out trigger queues the
// tasks and kicks the backfill-worker function through net.http_post (relay → gateway), and the
// worker, talking to the stack's GitHub simulator, completes it. Nothing here runs the worker.
// Then the database equals the simulator's ground truth (GET /_sim/truth, ids compared) inside the
// job's window, and the missing repository failed alone with its actionable message.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { resetEngineState, stackEnv } from "./_env.ts";
import {
  compareWithTruth,
  connectDb,
  createDemoWorkspace,
  findAddonJob,
  NOT_FOUND_MESSAGE,
  recordAddonCheckout,
  sendAddonPurchase,
  simulatorHas,
  summarize,
  verdict,
  watchJob,
} from "../../../dev/demo_job.ts";

// Small repositories of the simulator's default dataset (the stack's simulator serves it).
const REPOS = ["acme/api", "acme/tiny", "acme/missing"];
const MISSING = ["acme/missing"];

Deno.test({
  name:
    "main job: a signed addon purchase runs the real engine path to the end and the database equals the ground truth",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const githubApiUrl = stackEnv("GITHUB_API_URL");
    const functionsUrl = stackEnv("FUNCTIONS_URL");
    stackEnv("SERVICE_ROLE_KEY"); // the stack is the one `stack:up` describes
    const sql = connectDb(stackEnv("DB_URL"));
    try {
      assert(
        await simulatorHas(githubApiUrl, "acme/api"),
        `the stack's simulator at ${githubApiUrl} serves the default dataset`,
      );
      await resetEngineState(sql);
      const slug = `main-job-${crypto.randomUUID().slice(0, 8)}`;
      const ws = await createDemoWorkspace(sql, slug, REPOS, `owner+${slug}@demo.local`);

      const sent = await sendAddonPurchase(functionsUrl, ws.workspaceId, await recordAddonCheckout(sql, ws.workspaceId));
      assertEquals(sent.status, 200, `polar-webhook answered ${sent.status} ${sent.body}`);
      const job = await findAddonJob(sql, ws.workspaceId);
      assertEquals(JSON.parse(sent.body).job_id, job.id);
      assertEquals([job.window_days, job.total_tasks], [365, REPOS.length]);

      const final = await watchJob(sql, job.id, { timeoutMs: 45_000, intervalMs: 200 });
      assert(
        final,
        `job ${job.id} did not finish within 45 s (the worker is kicked by the job's insert; is GITHUB_TOKEN set for the functions?)`,
      );

      const summary = await summarize(sql, job.id, REPOS);
      assertEquals(summary.job.status, "completed_with_errors");
      assertEquals([summary.job.completed_tasks, summary.job.failed_tasks], [2, 1]);
      assertEquals(summary.failures, [{
        repo: "acme/missing",
        message: NOT_FOUND_MESSAGE("acme/missing"),
      }]);
      assert(summary.job.points_used > 0, "the job records the GraphQL points it used");

      const present = REPOS.filter((r) => !MISSING.includes(r));
      const truth = await compareWithTruth(sql, githubApiUrl, present, summary.windowStart);
      assert(
        truth.some((t) => t.type === "pull_requests" && t.expected > 50),
        "acme/api has dozens of PRs in the window",
      );
      const v = verdict(summary, truth, MISSING);
      assert(v.ok, v.problems.join("\n"));
    } finally {
      await sql.end({ timeout: 2 });
    }
  },
});
