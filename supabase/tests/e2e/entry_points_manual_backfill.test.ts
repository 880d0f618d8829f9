// Manual backfill, called by a workspace owner the way a client does
// (public.start_manual_backfill): the selected repositories get exactly the chosen data types for
// the last D days, and nothing is fetched for the other repositories or types.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { asUser, createMember, drain, expectedContent, forgetRepositories, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import type { RepoSpec, Simulator } from "../../../dev/github-sim/mod.ts";

const REPOS: RepoSpec[] = [
  { owner: "man", name: "a", prs: 10, issues: 30, forks: 12, commits: 20, discussions: 3, starsPerDay: 2, days: 20 },
  { owner: "man", name: "b", prs: 6, issues: 14, forks: 6, commits: 10, discussions: 2, starsPerDay: 1, days: 20 },
  { owner: "man", name: "c", prs: 8, issues: 10, forks: 4, commits: 10, discussions: 2, starsPerDay: 1, days: 20 },
];
const NAMES = REPOS.map((r) => `${r.owner}/${r.name}`);
const DAYS = 7;

const sorted = (xs: (number | string)[]) => xs.map(Number).sort((a, b) => a - b);

Deno.test("manual backfill fetches exactly the selected repositories and data types for the last D days", async () => {
  const sql = testDb(4);
  const sim: Simulator = simulator(REPOS);
  try {
    await forgetRepositories(sql, sim, NAMES);
    const { workspaceId, tracked } = await setupWorkspace(sql, "e2e-manual-backfill", NAMES);
    const owner = await createMember(sql, workspaceId, "e2e-manual-backfill-owner@example.test");

    const job = await asUser(sql, owner, async (tx) => {
      const [j] = await tx`select * from public.start_manual_backfill(${workspaceId},
        ${[tracked["man/b"], tracked["man/a"]]}::uuid[], ${DAYS}, ${["forks", "issues"]})`;
      return j;
    });
    assertEquals([job.kind, job.window_days, job.data_types, job.total_tasks, job.created_by],
      ["manual", DAYS, ["issues", "forks"], 2, owner]);
    const progress = await sql`select tr.full_name, array_agg(p.data_type order by p.data_type) as types
      from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
      join public.tracked_repositories tr on tr.id = t.tracked_repository_id
      where t.job_id = ${job.id} group by 1 order by 1`;
    assertEquals(progress.map((p) => [p.full_name, p.types]), [["man/a", ["forks", "issues"]], ["man/b", ["forks", "issues"]]]);

    await drain(sql, job.id, () => workerDeps(sql, sim));
    assert.equal(await jobStatus(sql, job.id), "completed");
    // The window the job asked for (its creation less D days) is the one every data type used.
    const since = await windowStartOf(sql, job.id);
    const windows = await sql`select distinct p.window_start from public.backfill_progress p
      join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${job.id} and p.window_start is not null`;
    assertEquals(windows.map((w) => new Date(w.window_start).toISOString()), [since], `the window is the last ${DAYS} days`);

    const count = async (table: string, repoId: number) =>
      (await sql`select count(*)::int as n from ${sql(table)} where repository_id = ${repoId}`)[0].n;
    for (const full of ["man/a", "man/b"]) {
      const [r] = await sql`select id from public.repositories where full_name = ${full}`;
      const repoId = Number(r.id);
      // Issues updated inside the window, the comments updated inside it and their issues.
      const want = expectedContent(sim, full, since, ["issues", "forks"]).ids;
      const forks = sorted(sim.truth({ repo: full, type: "forks", since }).items.map((i) => i.databaseId!));
      const stored = async (q: Promise<{ id: string }[]>) => sorted((await q).map((x) => x.id));
      assert.ok(want.issues.length > 0 && forks.length > 0, `${full} has issues and forks in the window`);
      assertEquals(await stored(sql`select id from public.issues where repository_id = ${repoId}`), want.issues, `${full}: issues`);
      assertEquals(await stored(sql`select id from public.issue_comments where repository_id = ${repoId} and issue_id is not null`),
        want.issue_comments, `${full}: issue comments`);
      assertEquals(await stored(sql`select id from public.forks where repository_id = ${repoId}`), forks, `${full}: forks`);
      for (const table of ["public.pull_requests", "public.reviews", "public.review_comments", "public.discussions", "public.commits", "public.star_history"]) {
        assert.equal(await count(table, repoId), 0, `${full}: nothing in ${table}, a type not chosen`);
      }
      assert.equal((await sql`select count(*)::int as n from public.issue_comments where repository_id = ${repoId} and pull_request_id is not null`)[0].n, 0,
        `${full}: no PR comments`);
    }
    const [c] = await sql`select count(*)::int as n from public.repositories where full_name = 'man/c'`;
    assert.equal(c.n, 0, "the repository not selected was not fetched");
    assert.equal(sim.counters().violations.total, 0);
  } finally {
    await sql.end();
  }
});
