// Shared setup for the engine's end-to-end tests: a workspace of simulator repositories, a job,
// in-process worker passes against the in-process simulator, and the comparison of the database
// with the simulator's ground truth.
import { deepEqual as assertEquals } from "node:assert/strict";
import { createSimulator, type RepoSpec, type Simulator } from "../../../dev/github-sim/mod.ts";
import { createGithubClient } from "../../functions/_shared/github/graphql.ts";
import { createRestClient } from "../../functions/_shared/github/rest.ts";
import { runWorker, type WorkerDeps, type WorkerReport } from "../../functions/_shared/engine/worker.ts";
import type { Sql } from "../../functions/_shared/db.ts";
import { eventually, resetEngineState } from "./_env.ts";
import { expectedContent as expectedOf, type ExpectedContent } from "../../../dev/expected_content.ts";
import { type Budget, sqlBudget } from "../../functions/_shared/engine/budget.ts";

export const SMALL_REPOS: RepoSpec[] = [
  { owner: "acme", name: "web", prs: 60, issues: 40, days: 60, heavyItems: 1, reviewsPerPr: 2, commentsPerPr: 2, reviewCommentsPerPr: 2 },
  { owner: "acme", name: "api", prs: 25, issues: 12, days: 60 },
  { owner: "acme", name: "tiny", prs: 3, issues: 2, days: 20 },
  { owner: "acme", name: "empty", prs: 0, issues: 0, discussions: 0, commits: 0, forks: 0, starsPerDay: 0 },
  { owner: "acme", name: "missing", missing: true },
  { owner: "acme", name: "secret", private: true, prs: 5, issues: 3 },
];

export function simulator(repos = SMALL_REPOS, extra: Record<string, unknown> = {}): Simulator {
  return createSimulator({ seed: 42, repos, ...extra });
}

/**
 * Pauses the stack's automatic worker invocations (kick and cron) and waits until no deployed
 * pass is live (engine.live_worker_invocations()). The switch stops new kicks only: a pass still
 * running, or one whose kick is in flight, would claim the caller's tasks and fetch them from the
 * stack's simulator instead of the caller's. A pass lasts at most invocation_seconds (150 s); a
 * killed one counts until its heartbeat is stale (45 s). Returns the seconds waited.
 */
export async function pauseDeployedWorker(sql: Sql, reason: string, timeoutMs = 180_000): Promise<number> {
  const t0 = performance.now();
  await sql`update engine.worker_settings set automatic_invocations = false, reason = ${reason}, updated_at = now()`;
  await eventually(
    "the stack's deployed backfill-worker passes to end",
    async () => (await sql`select engine.live_worker_invocations() as n`)[0].n === 0,
    timeoutMs,
    200,
  );
  return (performance.now() - t0) / 1000;
}

/** A fresh workspace tracking `names`; content of those repositories is deleted first.
 * These tests drive the worker in-process against their own simulator, so the stack's deployed
 * worker must not claim their tasks: it is paused (pauseDeployedWorker). */
export async function setupWorkspace(sql: Sql, slug: string, names: string[]): Promise<{ workspaceId: string; tracked: Record<string, string> }> {
  await pauseDeployedWorker(sql, "engine e2e tests drive the worker in-process");
  await resetEngineState(sql);
  await sql`delete from public.repositories where lower(full_name) = any(${names.map((n) => n.toLowerCase())})`;
  await sql`delete from public.workspaces where slug = ${slug}`;
  const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${slug}, ${slug}, 'pro') returning id`;
  const tracked: Record<string, string> = {};
  for (const full of names) {
    const [owner, name] = full.split("/");
    const [t] = await sql`
      insert into public.tracked_repositories (owner, name) values (${owner}, ${name})
      on conflict ((lower(full_name))) do update set status = 'pending', repository_id = null, last_error = null
      returning id`;
    tracked[full] = t.id;
    await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${t.id})`;
  }
  return { workspaceId: ws.id, tracked };
}

export async function createJob(sql: Sql, workspaceId: string, opts: { kind?: string; windowDays?: number; dataTypes?: string[]; maxPrs?: number } = {}): Promise<string> {
  const [job] = await sql`
    insert into public.backfill_jobs (workspace_id, kind, window_days, data_types, max_prs_per_repo)
    values (${workspaceId}, ${opts.kind ?? "manual"}, ${opts.windowDays ?? 30},
      ${opts.dataTypes ?? ["repository", "pull_requests", "issues"]}, ${opts.maxPrs ?? null})
    returning id`;
  return job.id;
}

export function workerDeps(sql: Sql, sim: Simulator, extra: Partial<WorkerDeps> = {}): WorkerDeps {
  return {
    sql,
    github: (token) => createGithubClient({ baseUrl: "http://sim.test", token, fetch: sim.fetch as typeof fetch }),
    rest: (token) => createRestClient({ baseUrl: "http://sim.test", token, fetch: sim.fetch as typeof fetch }),
    ...extra,
    // The simulator runs in this process, so its CPU counts too: in-process passes end by time, not CPU.
    config: { concurrency: 3, timeBudgetMs: 20_000, retryDelaySeconds: 0, requestTimeoutMs: 5_000, cpuBudgetMs: 1e9, ...extra.config },
  };
}

export async function jobStatus(sql: Sql, jobId: string): Promise<string> {
  const [j] = await sql`select status from public.backfill_jobs where id = ${jobId}`;
  return j.status;
}

/** Runs worker passes until the job is terminal (or `maxPasses`); messages delayed by a retry
 * are made visible at once so the test does not wait for real time. */
export async function drain(sql: Sql, jobId: string, deps: () => WorkerDeps, maxPasses = 50): Promise<WorkerReport[]> {
  const reports: WorkerReport[] = [];
  for (let i = 0; i < maxPasses; i++) {
    const status = await jobStatus(sql, jobId);
    if (!["pending", "running"].includes(status)) return reports;
    await sql`update pgmq.q_backfill_recent set vt = now() where vt > now() and (message->>'task_id')::bigint in (select id from public.backfill_tasks where job_id = ${jobId})`;
    await sql`update pgmq.q_backfill_bulk set vt = now() where vt > now() and (message->>'task_id')::bigint in (select id from public.backfill_tasks where job_id = ${jobId})`;
    try {
      reports.push(await runWorker(deps()));
    } catch (e) {
      if (!(e instanceof InjectedCrash)) throw e;
    }
  }
  throw new Error(`job ${jobId} did not finish in ${maxPasses} worker passes (status ${await jobStatus(sql, jobId)})`);
}

export class InjectedCrash extends Error {
  constructor() {
    super("injected crash before a chunk commit");
    this.name = "InjectedCrash";
  }
}

const sorted = (xs: (number | string)[]) => xs.map(Number).sort((a, b) => a - b);

/** What a job over `dataTypes` stores of `repo` for the window starting at `since`, by the
 * simulator's truth and the engine's rules (dev/expected_content.ts). */
export function expectedContent(sim: Simulator, repo: string, since: string, dataTypes: string[] = ["pull_requests", "issues"]): ExpectedContent {
  return expectedOf((type) => sim.truth({ repo, type }).items, since, dataTypes);
}

/** The database holds exactly what a job over `dataTypes` stores of `repo` for the window
 * starting at `since` (expectedContent). */
export async function assertMatchesTruth(sql: Sql, sim: Simulator, repo: string, since: string, dataTypes?: string[]): Promise<void> {
  const want = expectedContent(sim, repo, since, dataTypes).ids;
  const [r] = await sql`select id from public.repositories where lower(full_name) = ${repo.toLowerCase()}`;
  const repoId = r?.id ?? -1;
  const ids = async (q: Promise<{ id: string }[]>) => sorted((await q).map((x) => x.id));
  assertEquals(await ids(sql`select id from public.pull_requests where repository_id = ${repoId}`), want.pull_requests, `${repo}: pull requests`);
  assertEquals(await ids(sql`select id from public.reviews where repository_id = ${repoId}`), want.reviews, `${repo}: reviews`);
  assertEquals(await ids(sql`select id from public.review_comments where repository_id = ${repoId}`), want.review_comments, `${repo}: review comments`);
  assertEquals(await ids(sql`select id from public.issue_comments where repository_id = ${repoId} and pull_request_id is not null`), want.pr_comments, `${repo}: PR conversation comments`);
  assertEquals(await ids(sql`select id from public.issues where repository_id = ${repoId}`), want.issues, `${repo}: issues`);
  assertEquals(await ids(sql`select id from public.issue_comments where repository_id = ${repoId} and issue_id is not null`), want.issue_comments, `${repo}: issue comments`);
}

/** The SQL budget on a token row of its own (label `env:<label>`), reset first so earlier runs
 * leave nothing behind. `limit` pre-seeds what is known of the token's limit. */
export async function freshBudget(sql: Sql, label: string, token: string, opts: { reserve: number; limit?: number }): Promise<Budget> {
  const envLabel = `env:${label}`;
  await sql`delete from engine.github_tokens where label = ${envLabel}`;
  if (opts.limit !== undefined) {
    const [{ id }] = await sql`select engine.ensure_env_github_token(${envLabel}) as id`;
    await sql`insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining)
      values (${id}, 'graphql', ${opts.limit}, ${opts.limit})`;
  }
  return sqlBudget(sql, { envToken: token, envLabel, reserve: opts.reserve, vaultTokens: false });
}

/** Worker passes until the job is terminal, in real time (waits are honoured, not skipped). */
export async function drainInRealTime(sql: Sql, jobId: string, deps: () => WorkerDeps, timeoutMs: number): Promise<WorkerReport[]> {
  const reports: WorkerReport[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!["pending", "running"].includes(await jobStatus(sql, jobId))) return reports;
    const r = await runWorker(deps());
    reports.push(r);
    if (r.tasksClaimed === 0 || r.stoppedBy === "budget") await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms (status ${await jobStatus(sql, jobId)})`);
}

/** Sum of items_done of one data type over a job's tasks. */
export async function itemsDone(sql: Sql, jobId: string, dataType: string): Promise<number> {
  const [{ n }] = await sql`
    select coalesce(sum(p.items_done), 0)::int as n from public.backfill_progress p
    join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId} and p.data_type = ${dataType}`;
  return n;
}

/** The window start a job asked for, from its own parameters: created_at − window_days (a
 * scheduled job's windows start at each repository's last sync, which its test knows). */
export async function windowStartOf(sql: Sql, jobId: string): Promise<string> {
  const [job] = await sql`select kind, created_at, window_days, source from public.backfill_jobs where id = ${jobId}`;
  if (job.kind === "scheduled" && job.source?.repositories) {
    throw new Error("windowStartOf: this scheduled job's windows start at each repository's last sync");
  }
  return new Date(new Date(job.created_at).getTime() - Math.max(job.window_days, 1) * 86_400_000).toISOString();
}

/** Removes every stored repository that shares a GitHub id with one of `names` in `sim` (the
 * simulator numbers repositories by their position in its dataset, so another test's dataset
 * gives other names the same ids and a leftover row would lend its content to ours), and those
 * names' rows. */
export async function forgetRepositories(sql: Sql, sim: Simulator, names: string[]): Promise<void> {
  const ids: number[] = [];
  for (const full of names) {
    const [owner, name] = full.split("/");
    const { data } = await simGraphql<{ repository: { databaseId: number } | null }>(sim,
      "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { databaseId } }", { owner, name });
    if (data.repository) ids.push(data.repository.databaseId);
  }
  await sql`delete from public.repositories where id = any(${ids}) or lower(full_name) = any(${names.map((n) => n.toLowerCase())})`;
}

/** A GraphQL query straight to the simulator (ground truth the truth API does not cover, such as
 * repository metadata). */
export async function simGraphql<T>(sim: Simulator, query: string, variables: Record<string, unknown> = {}): Promise<{ data: T }> {
  const res = await sim.fetch(new Request("http://sim.test/graphql", {
    method: "POST",
    headers: { authorization: "bearer truth", "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  }));
  const body = await res.json();
  if (body.errors) throw new Error(`simulator query failed: ${JSON.stringify(body.errors)}`);
  return body;
}

/** A user (auth.users) with `role` in the workspace; returns the user's id. */
export async function createMember(sql: Sql, workspaceId: string, email: string, role: "owner" | "admin" | "member" = "owner"): Promise<string> {
  await sql`delete from auth.users where email = ${email}`;
  const [u] = await sql`insert into auth.users (email) values (${email}) returning id`;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${u.id}, ${role})`;
  return u.id;
}

/** Runs `fn` in one transaction as the signed-in user `userId`, the way PostgREST calls an RPC
 * (role authenticated, request.jwt.claims). */
export async function asUser<T>(sql: Sql, userId: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: "authenticated" })}, true)`;
    await tx`set local role authenticated`;
    return await fn(tx as unknown as Sql);
  }) as T;
}

