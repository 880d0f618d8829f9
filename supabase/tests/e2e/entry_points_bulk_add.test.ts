// Bulk add, called by a workspace owner the way a client does (public.bulk_add_repositories):
// the initial job stores the metadata and exactly the last 200 PRs (with their reviews and
// comments) of each new repository, and never runs more than 5 repositories of one owner at once.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { asUser, createMember, drain, forgetRepositories, jobStatus, setupWorkspace, simGraphql, simulator, workerDeps } from "./engine_helpers.ts";
import type { RepoSpec, Simulator } from "../../../dev/github-sim/mod.ts";

const small = { reviewsPerPr: 1, commentsPerPr: 1, reviewCommentsPerPr: 1, issues: 0, discussions: 0, commits: 0, days: 30 };
// Seven repositories of one owner (two past 200 PRs) and one of another owner.
const REPOS: RepoSpec[] = [
  { owner: "bulk", name: "big", prs: 230, ...small, forks: 3, starsPerDay: 2 },
  { owner: "bulk", name: "large", prs: 215, ...small },
  ...["a", "b", "c", "d", "e"].map((name, i) => ({ owner: "bulk", name, prs: 5 + 3 * i, ...small })),
  { owner: "solo", name: "one", prs: 12, ...small },
];
const NAMES = REPOS.map((r) => `${r.owner}/${r.name}`);

const sorted = (xs: (number | string)[]) => xs.map(Number).sort((a, b) => a - b);

Deno.test("bulk add stores the last 200 PRs and the metadata of each new repository, at most 5 of one owner at once", async () => {
  const sql = testDb(4);
  // Latency keeps tasks in flight long enough for the per-owner limit to bind (and be seen).
  const sim: Simulator = simulator(REPOS, { latencyMs: 25 });
  try {
    await forgetRepositories(sql, sim, NAMES);
    await sql`delete from public.tracked_repositories where lower(full_name) = any(${NAMES})`;
    const { workspaceId } = await setupWorkspace(sql, "e2e-bulk-add", []);
    const owner = await createMember(sql, workspaceId, "e2e-bulk-add-owner@example.test");

    const result = await asUser(sql, owner, async (tx) => {
      const [{ r }] = await tx`select public.bulk_add_repositories(${workspaceId}, ${[...NAMES, "not a repository"]}) as r`;
      return r;
    });
    assert.equal(result.added, NAMES.length);
    assert.equal(result.invalid, 1);
    const jobId = result.job_id as string;
    const [job] = await sql`select kind, data_types, max_prs_per_repo, max_in_flight_per_owner, total_tasks, created_by
      from public.backfill_jobs where id = ${jobId}`;
    assertEquals({ ...job }, { kind: "initial", data_types: ["repository", "pull_requests"], max_prs_per_repo: 200,
      max_in_flight_per_owner: 5, total_tasks: NAMES.length, created_by: owner });

    const reports = await drain(sql, jobId, () => workerDeps(sql, sim, { config: { concurrency: 8 } }));
    assert.equal(await jobStatus(sql, jobId), "completed");
    assert.equal(reports.reduce((n, r) => n + r.tasksReleased, 0), 0);
    // No task was released, so each ran once, from its claim (started_at) to its last commit
    // (finished_at): the most intervals of one owner open at once is the most that ran at once.
    const inFlight = await sql`
      with edges as (
        select tr.owner, t.started_at as at, 1 as d from public.backfill_tasks t
          join public.tracked_repositories tr on tr.id = t.tracked_repository_id where t.job_id = ${jobId}
        union all
        select tr.owner, t.finished_at, -1 from public.backfill_tasks t
          join public.tracked_repositories tr on tr.id = t.tracked_repository_id where t.job_id = ${jobId})
      select owner, max(running)::int as most from (
        select owner, sum(d) over (partition by owner order by at, d) as running from edges) x
      group by owner order by owner`;
    assertEquals(inFlight.map((r) => ({ ...r })), [{ owner: "bulk", most: 5 }, { owner: "solo", most: 1 }],
      "at most (and here exactly, 8 slots for more repositories) 5 repositories of one owner ran at once");

    for (const full of NAMES) {
      // Metadata equals what GitHub says of the repository.
      const [o, n] = full.split("/");
      const { data } = await simGraphql<{ repository: { databaseId: number; id: string; nameWithOwner: string; stargazerCount: number; forkCount: number } }>(
        sim, "query($o: String!, $n: String!) { repository(owner: $o, name: $n) { databaseId id nameWithOwner stargazerCount forkCount } }", { o, n });
      const gh = data.repository;
      const [row] = await sql`select r.id, r.node_id, r.full_name, r.stargazer_count, r.fork_count, r.metadata_fetched_at is not null as fetched,
        t.repository_id as linked from public.repositories r join public.tracked_repositories t on lower(t.full_name) = lower(r.full_name)
        where lower(r.full_name) = ${full}`;
      assertEquals({ ...row, id: Number(row.id), linked: Number(row.linked) }, {
        id: gh.databaseId, node_id: gh.id, full_name: gh.nameWithOwner, stargazer_count: gh.stargazerCount,
        fork_count: gh.forkCount, fetched: true, linked: gh.databaseId,
      }, `${full}: metadata`);

      // Exactly the 200 most recently created PRs, with every review and comment of theirs.
      const last200 = sim.truth({ repo: full, type: "pull_requests" }).items
        .sort((a, b) => Date.parse(b.createdAt!) - Date.parse(a.createdAt!)).slice(0, 200);
      const prIds = new Set(last200.map((p) => p.databaseId!));
      const nested = (type: "reviews" | "review_comments" | "pr_comments") =>
        sorted(sim.truth({ repo: full, type }).items.filter((i) => prIds.has(i.parentDatabaseId!)).map((i) => i.databaseId!));
      const stored = async (table: string) => sorted((await sql`select id from ${sql(table)} where repository_id = ${gh.databaseId}`).map((r) => r.id));
      assertEquals(await stored("public.pull_requests"), sorted([...prIds]), `${full}: the last 200 PRs`);
      assertEquals(await stored("public.reviews"), nested("reviews"), `${full}: their reviews`);
      assertEquals(await stored("public.review_comments"), nested("review_comments"), `${full}: their review comments`);
      assertEquals(await stored("public.issue_comments"), nested("pr_comments"), `${full}: their conversation comments`);
      assertEquals(await stored("public.issues"), [], `${full}: no issues`);
    }
    assert.equal(sim.counters().violations.total, 0);
  } finally {
    await sql.end();
  }
});
