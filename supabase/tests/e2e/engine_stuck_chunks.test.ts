// A chunk too slow for a pass: GitHub answers a page in time that grows with the page, so a chunk
// of default pages (the PR page and its follow-ups) does not fit in one pass. The worker then
// asks for smaller pages until it fits; a chunk that fits at no page size fails its data type
// after maxDeliveries claims, with a message saying so, and the other data types go on.
// The pass clock is the test's: every GitHub request moves it on by the time GitHub is modelled
// to take, so the test is exact and takes no real time.
import { deepEqual as assertEquals, equal, match, ok } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, drain, forgetRepositories, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import { createGithubClient } from "../../functions/_shared/github/graphql.ts";
import { createRestClient } from "../../functions/_shared/github/rest.ts";
import { DEFAULT_CONFIG } from "../../functions/_shared/engine/config.ts";
import type { Sql } from "../../functions/_shared/db.ts";
import type { RepoSpec, Simulator } from "../../../dev/github-sim/mod.ts";

// Every PR has more reviews than a nested page (100) holds: each PR page needs a follow-up request.
const REPOS: RepoSpec[] = [
  { owner: "slow", name: "reviews", prs: 60, reviewsPerPr: 110, commentsPerPr: 0, reviewCommentsPerPr: 0, issues: 12, commentsPerIssue: 0, days: 40 },
];
const NAMES = ["slow/reviews"];
const PASS_MS = 10_000;

/** A clock that GitHub requests move on: `fixedMs` per request plus `perItemMs` per item a page
 * asks for (its `first`). */
function slowGithub(sim: Simulator, fixedMs: number, perItemMs: number) {
  let clock = Date.parse("2026-12-01T00:00:00Z");
  const fetch = async (input: Request | URL | string, init?: RequestInit) => {
    let first = 0;
    if (typeof init?.body === "string") {
      try {
        first = Number(JSON.parse(init.body).variables?.first ?? 0);
      } catch { /* REST bodies */ }
    }
    const res = await sim.fetch(input, init);
    clock += fixedMs + perItemMs * first;
    return res;
  };
  return {
    now: () => clock,
    github: (token: string) => createGithubClient({ baseUrl: "http://sim.test", token, fetch: fetch as typeof globalThis.fetch }),
    rest: (token: string) => createRestClient({ baseUrl: "http://sim.test", token, fetch: fetch as typeof globalThis.fetch }),
  };
}

async function progressOf(sql: Sql, jobId: string) {
  const rows = await sql`select p.data_type, p.status, p.page_size, p.last_error from public.backfill_progress p
    join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId}`;
  return Object.fromEntries(rows.map((r) => [r.data_type, r]));
}

Deno.test("a PR chunk too slow for a pass is asked for with smaller pages until it fits, and the job ends exact", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS);
  try {
    await forgetRepositories(sql, sim, NAMES);
    const { workspaceId } = await setupWorkspace(sql, "e2e-stuck-shrinks", NAMES);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "pull_requests"] });
    // A PR page asks for up to twice the chunk's page size: 100 PRs take 15.5 s, 50 take 8 s of
    // the 10 s pass (2.5 s kept for the commit), and their follow-up no longer fits; 24 take
    // 4.1 s and the follow-up 0.5 s.
    const gh = slowGithub(sim, 500, 150);
    await drain(sql, jobId, () => workerDeps(sql, sim, { ...gh, sleep: () => Promise.resolve(), config: { timeBudgetMs: PASS_MS, concurrency: 1 } }), 60);

    equal(await jobStatus(sql, jobId), "completed");
    await assertMatchesTruth(sql, sim, NAMES[0], await windowStartOf(sql, jobId), ["pull_requests"]);
    const p = await progressOf(sql, jobId);
    ok(p.pull_requests.page_size !== null && p.pull_requests.page_size < DEFAULT_CONFIG.pageSize,
      `the PR pages shrank below ${DEFAULT_CONFIG.pageSize} (page_size ${p.pull_requests.page_size})`);
    ok(p.pull_requests.page_size >= DEFAULT_CONFIG.minPageSize);
    equal(p.pull_requests.last_error, null);
    equal(sim.counters().violations.total, 0);
  } finally {
    await sql.end();
  }
});

Deno.test("a chunk that fits in a pass at no page size fails its data type after maxDeliveries claims; the others complete", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS);
  try {
    await forgetRepositories(sql, sim, NAMES);
    const { workspaceId } = await setupWorkspace(sql, "e2e-stuck-fails", NAMES);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "pull_requests", "issues"] });
    // Every request takes 8 s of the 10 s pass: a chunk of two requests never fits, whatever its
    // page; chunks of one request (metadata, issues without comments) do.
    const gh = slowGithub(sim, 8_000, 0);
    const maxDeliveries = 4;
    await drain(sql, jobId, () => workerDeps(sql, sim, { ...gh, sleep: () => Promise.resolve(), config: { timeBudgetMs: PASS_MS, concurrency: 1, maxDeliveries } }), 60);

    equal(await jobStatus(sql, jobId), "completed_with_errors");
    const p = await progressOf(sql, jobId);
    assertEquals([p.repository.status, p.pull_requests.status, p.issues.status], ["completed", "failed", "completed"]);
    match(p.pull_requests.last_error,
      new RegExp(`^the pull_requests chunk of slow/reviews at its start \\(${DEFAULT_CONFIG.minPageSize} items per page\\) was claimed ${maxDeliveries + 1} times without committing: .*retry_backfill\\(`));
    equal(p.pull_requests.page_size, DEFAULT_CONFIG.minPageSize, "it was tried down to the smallest page");
    const [{ n }] = await sql`select count(*)::int as n from public.pull_requests pr join public.repositories r on r.id = pr.repository_id
      where r.full_name = ${NAMES[0]}`;
    equal(n, 0, "nothing of the failed chunk was written");
  } finally {
    await sql.end();
  }
});
