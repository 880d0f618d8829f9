// A scheduled (incremental) job over discussions, commits and stars: the discussions updated
// since the window start (created long before included), the commits dated up to 14 days before
// it, and every star day from the window start's own day.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { createJob, drain, forgetRepositories, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import type { RepoSpec } from "../../../dev/github-sim/mod.ts";

const REPO = "incr/types";
const REPOS: RepoSpec[] = [
  { owner: "incr", name: "types", prs: 0, issues: 0, discussions: 40, commentsPerDiscussion: 2, repliesPerComment: 1,
    commits: 60, starsPerDay: 2, forks: 0, days: 40 },
];
const DAY = 86_400_000;
const sorted = (xs: (number | string)[]) => [...xs].map(String).sort();

Deno.test("a scheduled job re-reads discussions updated since, commits over a 14-day overlap and the window's first star day", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS);
  try {
    await forgetRepositories(sql, sim, [REPO]);
    const { workspaceId } = await setupWorkspace(sql, "e2e-incremental-types", [REPO]);
    const jobId = await createJob(sql, workspaceId, { kind: "scheduled", windowDays: 5, dataTypes: ["repository", "discussions", "commits", "stars"] });
    await drain(sql, jobId, () => workerDeps(sql, sim));
    assert.equal(await jobStatus(sql, jobId), "completed");
    const since = await windowStartOf(sql, jobId);
    const [{ id }] = await sql`select id from public.repositories where full_name = ${REPO}`;

    const updated = sim.truth({ repo: REPO, type: "discussions", updatedSince: since }).items;
    assert(updated.some((d) => Date.parse(d.createdAt!) < Date.parse(since)), "some discussions updated since were created before the window");
    const discussions = await sql`select id from public.discussions where repository_id = ${id}`;
    assertEquals(sorted(discussions.map((d) => d.id)), sorted(updated.map((d) => d.databaseId!)), "exactly the discussions updated since");

    const overlap = new Date(Date.parse(since) - 14 * DAY).toISOString();
    const commits = await sql`select sha from public.commits where repository_id = ${id}`;
    const truthCommits = sim.truth({ repo: REPO, type: "commits", since: overlap }).items;
    assert(truthCommits.length > sim.truth({ repo: REPO, type: "commits", since }).count, "the overlap holds commits dated before the window");
    assertEquals(sorted(commits.map((c) => c.sha)), sorted(truthCommits.map((c) => c.oid!)), "the commits dated since 14 days before the window");

    const firstDay = since.slice(0, 10);
    const days = await sql`select to_char(day, 'YYYY-MM-DD') as day, stars from public.star_history where repository_id = ${id} order by day`;
    assert.equal(days[0]?.day, firstDay, "the window start's own day is stored");
    const truthFirst = sim.truth({ repo: REPO, type: "stars", since: firstDay + "T00:00:00Z" }).items.find((s) => s.date === firstDay);
    assert.equal(days[0].stars, truthFirst?.count ?? 0, "with the whole day's count");
    assertEquals(sim.counters().violations.total, 0);
  } finally {
    await sql.end();
  }
});
