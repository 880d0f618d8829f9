// A failed database call stays with its task: the pass goes on, the other tasks finish, and the
// failed task ends with a message naming the step instead of looping through the sweeper.
import { deepEqual as assertEquals, match } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, drain, forgetRepositories, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import { runWorker } from "../../functions/_shared/engine/worker.ts";
import { createGithubClient, type GithubClient } from "../../functions/_shared/github/graphql.ts";
import type { Simulator } from "../../../dev/github-sim/mod.ts";

/** A GitHub client over the simulator whose answers pass through `edit` (faults GitHub may
 * produce but the simulator does not). */
function editedGithub(sim: Simulator, edit: (data: unknown, vars: Record<string, unknown>) => void): (token: string) => GithubClient {
  return (token) => {
    const inner = createGithubClient({ baseUrl: "http://sim.test", token, fetch: sim.fetch as typeof fetch });
    return {
      async query<T>(doc: string, vars: Record<string, unknown>, timeoutMs: number): Promise<T> {
        const data = await inner.query<T>(doc, vars, timeoutMs);
        edit(data, vars);
        return data;
      },
    };
  };
}

/** Calls `fn` on every object of `value` that has a `number` and a `body` (PRs and issues). */
function eachNumbered(value: unknown, fn: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) return value.forEach((v) => eachNumbered(v, fn));
  if (!value || typeof value !== "object") return;
  const o = value as Record<string, unknown>;
  if (typeof o.number === "number" && typeof o.body === "string") fn(o);
  for (const v of Object.values(o)) eachNumbered(v, fn);
}

Deno.test("pull request bodies holding NUL are stored without it and the job ends exact", async () => {
  const sql = testDb(6);
  const repos = ["acme/tiny", "acme/api"];
  try {
    const sim = simulator();
    await forgetRepositories(sql, sim, repos);
    const { workspaceId } = await setupWorkspace(sql, "engine-nul-bodies", repos);
    const jobId = await createJob(sql, workspaceId);
    const github = editedGithub(sim, (data) => eachNumbered(data, (o) => o.body = `a\u0000b${o.body}`));
    await drain(sql, jobId, () => workerDeps(sql, sim, { github }), 20);
    const [job] = await sql`select status, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.failed_tasks], ["completed", 0]);
    const since = await windowStartOf(sql, jobId);
    for (const repo of repos) await assertMatchesTruth(sql, sim, repo, since);
    const [{ total, stripped }] = await sql`
      select count(*)::int as total, count(*) filter (where body like 'ab%')::int as stripped
      from public.pull_requests p join public.repositories r on r.id = p.repository_id
      where lower(r.full_name) = any(${repos})`;
    assertEquals(stripped, total, "every PR body is stored with its NUL removed");
    if (total === 0) throw new Error("the test needs pull requests");
  } finally {
    await sql.end();
  }
});

Deno.test("a database error on one repository's chunk commit fails only that task, with a message naming the step", async () => {
  const sql = testDb(6);
  const repos = ["acme/tiny", "acme/api"];
  try {
    const sim = simulator();
    await forgetRepositories(sql, sim, repos);
    const { workspaceId, tracked } = await setupWorkspace(sql, "engine-db-error", repos);
    const jobId = await createJob(sql, workspaceId);
    // additions beyond int: Postgres refuses the commit of acme/api's PR chunk (22003).
    const github = editedGithub(sim, (data, vars) => {
      if (vars.name === "api") eachNumbered(data, (o) => "additions" in o && (o.additions = 2 ** 40));
    });
    const reports = await drain(sql, jobId, () => workerDeps(sql, sim, { github }), 20);
    const [job] = await sql`select status, completed_tasks, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.completed_tasks, job.failed_tasks], ["completed_with_errors", 1, 1]);
    assertEquals(reports.reduce((a, r) => a + r.tasksFailed, 0), 1);
    await assertMatchesTruth(sql, sim, "acme/tiny", await windowStartOf(sql, jobId));
    const [task] = await sql`
      select status, last_error from public.backfill_tasks where job_id = ${jobId} and tracked_repository_id = ${tracked["acme/api"]}`;
    assertEquals(task.status, "failed");
    // Data types fail alone, each with its own message: PRs carry the bad value, and so do the
    // parent PRs the issues type fetches for PR conversation comments.
    const [prs] = await sql`select p.status, p.last_error from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
      where t.job_id = ${jobId} and t.tracked_repository_id = ${tracked["acme/api"]} and p.data_type = 'pull_requests'`;
    assertEquals(prs.status, "failed");
    match(prs.last_error, /^committing a chunk of pull_requests for acme\/api failed \(.*22003\)/);
    match(task.last_error, /committing a chunk of (pull_requests|issues) for acme\/api failed \(.*22003\)/);
    match(task.last_error, new RegExp(`select retry_backfill\\('${jobId}', '${tracked["acme/api"]}'\\)`));
  } finally {
    await sql.end();
  }
});

Deno.test("a GitHub outage of a few minutes (every request answered 502) ends exact with no failed task", async () => {
  const sql = testDb(6);
  const repos = ["acme/tiny"];
  try {
    const sim = simulator();
    await forgetRepositories(sql, sim, repos);
    const { workspaceId } = await setupWorkspace(sql, "engine-502-storm", repos);
    const jobId = await createJob(sql, workspaceId);
    // 35 requests answered 502: with in-chunk retries that is 7 failed attempts, about what the
    // backoff (30 s, 2 min, 8 min) spends in a 3-minute outage; then GitHub is back.
    let stormLeft = 35;
    const simFetch = sim.fetch as typeof globalThis.fetch;
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      stormLeft-- > 0
        ? Promise.resolve(Response.json({ message: "We couldn't respond to your request in time." }, { status: 502 }))
        : simFetch(input, init)) as typeof globalThis.fetch;
    const github = (token: string) => createGithubClient({ baseUrl: "http://sim.test", token, fetch });
    await drain(sql, jobId, () => workerDeps(sql, sim, { github, sleep: () => Promise.resolve(), config: { concurrency: 1 } }), 30);
    const [job] = await sql`select status, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.failed_tasks], ["completed", 0]);
    await assertMatchesTruth(sql, sim, "acme/tiny", await windowStartOf(sql, jobId));
    const [task] = await sql`select last_error from public.backfill_tasks where job_id = ${jobId}`;
    assertEquals(task.last_error, null, "the completed task keeps no error of the outage");
  } finally {
    await sql.end();
  }
});

Deno.test("a request that cannot fit in the time budget is not sent: the task is released at its cursor", async () => {
  const sql = testDb(6);
  const repos = ["acme/tiny"];
  try {
    const sim = simulator();
    await forgetRepositories(sql, sim, repos);
    const { workspaceId } = await setupWorkspace(sql, "engine-deadline", repos);
    const jobId = await createJob(sql, workspaceId);
    // 1 s of budget, a quarter of it kept for the commit: less than a request needs (1 s).
    const report = await runWorker(workerDeps(sql, sim, { config: { concurrency: 1, timeBudgetMs: 1_000, commitMarginMs: 5_000 } }));
    assertEquals([report.requests, report.tasksReleased, report.chunksCommitted], [0, 1, 0]);
    const [task] = await sql`select status from public.backfill_tasks where job_id = ${jobId}`;
    assertEquals(task.status, "pending");
    await drain(sql, jobId, () => workerDeps(sql, sim), 10);
    assertEquals(await jobStatus(sql, jobId), "completed");
  } finally {
    await sql.end();
  }
});
