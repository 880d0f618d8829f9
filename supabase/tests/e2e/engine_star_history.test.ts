// Star history through the whole engine under every reading of GET …/stargazers/history the
// simulator offers (week as epoch seconds or a date, newest or oldest week first, Link pages or
// one answer, 30 or 100 weeks a page, the undocumented since honoured or not): the stored days
// equal the truth inside the window, one REST request a page. An answer the reader cannot read
// fails the stars data type of that repository with a message naming it and quoting the answer.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { createJob, drain, forgetRepositories, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import type { RepoSpec, Simulator } from "../../../dev/github-sim/mod.ts";
import type { Sql } from "../../functions/_shared/db.ts";

const REPOS: RepoSpec[] = [
  { owner: "stars", name: "long", prs: 0, issues: 0, discussions: 0, commits: 0, forks: 6, starsPerDay: 3, days: 500 },
  { owner: "stars", name: "young", prs: 0, issues: 0, discussions: 0, commits: 0, forks: 2, starsPerDay: 1, days: 40 },
];
const NAMES = REPOS.map((r) => `${r.owner}/${r.name}`);
const DAY = 86_400_000;

async function storedDays(sql: Sql, repo: string): Promise<string[]> {
  const rows = await sql`select to_char(s.day, 'YYYY-MM-DD') as day, s.stars from public.star_history s
    join public.repositories r on r.id = s.repository_id where lower(r.full_name) = ${repo} and s.stars > 0`;
  return rows.map((r) => `${r.day}=${r.stars}`).sort();
}

function truthDays(sim: Simulator, repo: string, since: string): string[] {
  const firstDay = new Date(Math.ceil(Date.parse(since) / DAY) * DAY).toISOString();
  return sim.truth({ repo, type: "stars", since: firstDay }).items.filter((s) => s.count! > 0).map((s) => `${s.date}=${s.count}`).sort();
}

const READINGS: Record<string, unknown>[] = [
  {},
  { starHistoryWeekFormat: "date" },
  { starHistoryOrder: "oldest_first" },
  { starHistoryPaging: "none" },
  { starHistoryMaxPerPage: 30 },
  { starHistorySinceParam: true },
];

for (const reading of READINGS) {
  Deno.test(`a 365-day stars job equals the truth when GitHub serves star history as ${JSON.stringify(reading)}`, async () => {
    const sql = testDb(4);
    const sim = simulator(REPOS, reading);
    try {
      await forgetRepositories(sql, sim, NAMES);
      const { workspaceId } = await setupWorkspace(sql, "e2e-star-history", NAMES);
      const jobId = await createJob(sql, workspaceId, { windowDays: 365, dataTypes: ["repository", "stars"] });
      await drain(sql, jobId, () => workerDeps(sql, sim));
      const [job] = await sql`select status, completed_tasks from public.backfill_jobs where id = ${jobId}`;
      assertEquals([job.status, job.completed_tasks], ["completed", 2]);
      const since = await windowStartOf(sql, jobId);
      for (const repo of NAMES) assertEquals(await storedDays(sql, repo), truthDays(sim, repo, since), `${repo}: stars per day`);
      const [{ before }] = await sql`select count(*)::int as before from public.star_history where day < ${since}::date`;
      assertEquals(before, 0, "no day before the window");
      const c = sim.counters();
      if (!reading.starHistoryOrder && !reading.starHistoryPaging) {
        // Newest first, 30 weeks a page: stars/long needs 2 pages for 53 weeks, stars/young 1.
        assertEquals(c.requests.rest, 3, "one REST request a page, no page past the window start");
      }
      assertEquals(c.violations.total, 0);
    } finally {
      await sql.end();
    }
  });
}

for (const malformed of ["object", "no_days", "computing"] as const) {
  Deno.test(`an unreadable star history (${malformed}) fails stars of that repository with its name and the answer; the other repository completes`, async () => {
    const sql = testDb(4);
    const sim = simulator(REPOS, { starHistoryMalformed: malformed, starHistoryMalformedRepos: ["stars/long"] });
    try {
      await forgetRepositories(sql, sim, NAMES);
      const { workspaceId, tracked } = await setupWorkspace(sql, "e2e-star-history-bad", NAMES);
      const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "stars", "forks"] });
      await drain(sql, jobId, () => workerDeps(sql, sim, { sleep: () => Promise.resolve() }), 100);
      const progress = await sql`select p.data_type, p.status, p.last_error from public.backfill_progress p
        join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId} and t.tracked_repository_id = ${tracked["stars/long"]}`;
      const stars = progress.find((p) => p.data_type === "stars")!;
      assert.match(stars.last_error ?? "", /star history of stars\/long \(data type stars\): GitHub answered /);
      assert.match(stars.last_error ?? "", { object: /Star history is not available/, no_days: /"week":\d+,"total":\d+/, computing: /202/ }[malformed]);
      assert.notEqual(stars.status, "completed");
      const since = await windowStartOf(sql, jobId);
      assertEquals(await storedDays(sql, "stars/young"), truthDays(sim, "stars/young", since), "stars/young: stars per day");
      assertEquals(sim.counters().violations.total, 0);
    } finally {
      await sql.end();
    }
  });
}

Deno.test("an unreadable star history fails only the stars data type: the repository's other data types complete", async () => {
  // Needs the task layer to fail one data type alone (GithubError "unreadable").
  const sql = testDb(4);
  const sim = simulator(REPOS, { starHistoryMalformed: "object", starHistoryMalformedRepos: ["stars/long"] });
  try {
    await forgetRepositories(sql, sim, NAMES);
    const { workspaceId, tracked } = await setupWorkspace(sql, "e2e-star-history-alone", NAMES);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "stars", "forks"] });
    await drain(sql, jobId, () => workerDeps(sql, sim, { sleep: () => Promise.resolve() }), 100);
    const progress = await sql`select p.data_type, p.status from public.backfill_progress p
      join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId} and t.tracked_repository_id = ${tracked["stars/long"]}`;
    assertEquals(Object.fromEntries(progress.map((p) => [p.data_type, p.status])), { repository: "completed", stars: "failed", forks: "completed" });
    const since = await windowStartOf(sql, jobId);
    const forks = await sql`select f.id from public.forks f join public.repositories r on r.id = f.repository_id where r.full_name = 'stars/long'`;
    assertEquals(forks.map((f) => Number(f.id)).sort(), sim.truth({ repo: "stars/long", type: "forks", since }).items.map((f) => f.databaseId!).sort());
  } finally {
    await sql.end();
  }
});
