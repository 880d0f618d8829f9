// The repository-wide comment lists walk by updated_at, not by page number: a GitHub that stops
// paging at page 2 (its 422 "pagination is limited for this resource") does not break them, and
// crashes between their pages resume from the stored cursor without losing a comment.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import {
  assertMatchesTruth, createJob, drain, forgetRepositories, InjectedCrash, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps,
} from "./engine_helpers.ts";
import type { RepoSpec } from "../../../dev/github-sim/mod.ts";

const REPOS: RepoSpec[] = [
  { owner: "lists", name: "web", prs: 50, issues: 30, days: 20, reviewsPerPr: 1, commentsPerPr: 4, reviewCommentsPerPr: 4,
    commentsPerIssue: 4, discussions: 0, commits: 0, forks: 0, starsPerDay: 0 },
];

Deno.test("comment lists past GitHub's page-depth limit, with crashes between their pages, end exact", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS, { maxRestPage: 2 });
  try {
    await forgetRepositories(sql, sim, ["lists/web"]);
    const { workspaceId } = await setupWorkspace(sql, "engine-comment-lists", ["lists/web"]);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "pull_requests", "issues"] });
    const since = () => new Date(Date.now() - 30 * 86_400_000).toISOString();
    const perList = {
      reviews: sim.truth({ repo: "lists/web", type: "review_comments", since: since() }).count,
      conversation: sim.truth({ repo: "lists/web", type: "pr_comments", since: since() }).count +
        sim.truth({ repo: "lists/web", type: "issue_comments", since: since() }).count,
    };
    assert(perList.reviews > 200 && perList.conversation > 200, `each list is deeper than 2 pages of 100 (${JSON.stringify(perList)})`);

    // Every comment-list page crashes once before its commit; the retry resumes from the cursor.
    const crashed = new Set<string>();
    await drain(sql, jobId, () => workerDeps(sql, sim, {
      config: { concurrency: 1 },
      beforeCommit: ({ cursor }) => {
        if (!cursor || !/^(review|issue)_comments:/.test(cursor) || crashed.has(cursor)) return;
        crashed.add(cursor);
        throw new InjectedCrash();
      },
    }), 100);
    assertEquals(await jobStatus(sql, jobId), "completed");
    await assertMatchesTruth(sql, sim, "lists/web", await windowStartOf(sql, jobId));
    assert(crashed.size >= 6, `crashed before every comment-list page (${crashed.size} times)`);
    const c = sim.counters();
    assertEquals(c.outcomes.pagination_limited ?? 0, 0, "no page past the limit was asked for");
    assertEquals(c.violations.total, 0);
  } finally {
    await sql.end();
  }
});
