// Items deleted on GitHub while a job works: a follow-up that finds its parent gone (node(id:) /
// nodes(ids:) answering null with NOT_FOUND) drops that item and the job goes on; the database
// then equals the simulator's truth after the deletions (its state without them), and no
// repository is reported missing.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import {
  assertMatchesTruth, createJob, drain, expectedContent, forgetRepositories, InjectedCrash, setupWorkspace, simulator, windowStartOf, workerDeps,
} from "./engine_helpers.ts";
import type { RepoSpec, Simulator } from "../../../dev/github-sim/mod.ts";
import type { Sql } from "../../functions/_shared/db.ts";

// Every top-level list fits one page (PRs 74 a page, discussions 100): the simulator's cursors
// are positions, so a deleted item would shift a later page by one, which GitHub's cursors (they
// name an item) do not.
const REPOS: RepoSpec[] = [
  { owner: "gone", name: "web", prs: 30, reviewsPerPr: 2, commentsPerPr: 2, reviewCommentsPerPr: 2, issues: 20, commentsPerIssue: 2,
    discussions: 40, commentsPerDiscussion: 3, repliesPerComment: 2, commits: 0, forks: 0, starsPerDay: 0, days: 60, heavyItems: 2 },
];
const REPO = "gone/web";

async function discussionsMatchTruth(sql: Sql, sim: Simulator, since: string): Promise<void> {
  const want = expectedContent(sim, REPO, since, ["discussions"]).ids;
  const [r] = await sql`select id from public.repositories where full_name = ${REPO}`;
  const stored = async (table: string) =>
    (await sql`select id from ${sql(table)} where repository_id = ${r.id}`).map((x) => Number(x.id)).sort((a, b) => a - b);
  assertEquals(await stored("public.discussions"), want.discussions, "discussions");
  assertEquals(await stored("public.discussion_comments"), want.discussion_comments, "discussion comments and replies");
}

Deno.test("items deleted between their page and its follow-up are dropped; the rest equals the truth after the deletions", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS, { deleteOnFollowUp: { repo: REPO, probability: 0.4 } });
  try {
    await forgetRepositories(sql, sim, [REPO]);
    const { workspaceId } = await setupWorkspace(sql, "e2e-deletions", [REPO]);
    const jobId = await createJob(sql, workspaceId, { windowDays: 90, dataTypes: ["repository", "pull_requests", "issues", "discussions"] });
    await drain(sql, jobId, () => workerDeps(sql, sim));
    const [job] = await sql`select status, completed_tasks, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.completed_tasks, job.failed_tasks], ["completed", 1, 0]);
    const [tr] = await sql`select status from public.tracked_repositories where full_name = ${REPO}`;
    assert.notEqual(tr.status, "not_found", "the repository is not reported missing");
    const deleted = sim.deletions();
    const types = new Set(deleted.map((d) => d.type));
    assert(types.has("discussion_comments") && types.has("pull_requests"), `comments and a heavy PR went (${[...types].join(", ")})`);
    const since = await windowStartOf(sql, jobId);
    await assertMatchesTruth(sql, sim, REPO, since);
    await discussionsMatchTruth(sql, sim, since);
    assertEquals(sim.counters().violations.total, 0);
  } finally {
    await sql.end();
  }
});

Deno.test("comments deleted (POST /_sim/delete) between the PR pages and the comment lists are not stored", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS);
  try {
    await forgetRepositories(sql, sim, [REPO]);
    const { workspaceId } = await setupWorkspace(sql, "e2e-deletions-control", [REPO]);
    const jobId = await createJob(sql, workspaceId, { windowDays: 90, dataTypes: ["repository", "pull_requests", "issues"] });
    const victims = [
      { type: "pr_comments", databaseId: sim.truth({ repo: REPO, type: "pr_comments" }).items[0].databaseId },
      { type: "review_comments", databaseId: sim.truth({ repo: REPO, type: "review_comments" }).items[0].databaseId },
      { type: "issue_comments", databaseId: sim.truth({ repo: REPO, type: "issue_comments" }).items[0].databaseId },
    ];
    let done = false;
    await drain(sql, jobId, () => workerDeps(sql, sim, {
      beforeCommit: async ({ cursor }) => {
        // Before the first comment-list page commits (its rows already fetched), delete one comment
        // of each list: the page fetched may hold it, the next ones no longer do. Then crash, so
        // the page is fetched again without it.
        if (done || !/^review_comments:/.test(cursor ?? "")) return;
        done = true;
        for (const v of victims) {
          const res = await sim.fetch(new Request("http://sim.test/_sim/delete", {
            method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ repo: REPO, ...v }),
          }));
          assertEquals(res.status, 200, await res.clone().text());
        }
        throw new InjectedCrash();
      },
    }));
    assert(done, "the comment lists ran after the deletions");
    const [job] = await sql`select status from public.backfill_jobs where id = ${jobId}`;
    assertEquals(job.status, "completed");
    assertEquals(sim.deletions().length, 3);
    await assertMatchesTruth(sql, sim, REPO, await windowStartOf(sql, jobId));
  } finally {
    await sql.end();
  }
});
