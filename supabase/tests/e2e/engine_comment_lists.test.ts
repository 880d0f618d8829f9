// The repository-wide comment lists walk by updated_at, not by page number: a GitHub that stops
// paging at page 2 (its 422 "pagination is limited for this resource") does not break them,
// crashes between their pages resume from the stored cursor without losing a comment, and so does
// either reading of `since` (after, or at or after) with more comments in one second than a page
// holds (commentTimeGranularitySeconds puts them on one timestamp).
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import {
  assertMatchesTruth, createJob, drain, forgetRepositories, InjectedCrash, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps,
} from "./engine_helpers.ts";
import type { RepoSpec, Simulator } from "../../../dev/github-sim/mod.ts";
import { createRestClient } from "../../functions/_shared/github/rest.ts";

const repos = (commentTimeGranularitySeconds: number): RepoSpec[] => [
  { owner: "lists", name: "web", prs: 50, issues: 30, days: 20, reviewsPerPr: 1, commentsPerPr: 4, reviewCommentsPerPr: 4,
    commentsPerIssue: 4, discussions: 0, commits: 0, forks: 0, starsPerDay: 0, commentTimeGranularitySeconds },
];

/** A REST client over the simulator that records every URL it asks for. */
function recordingRest(sim: Simulator, urls: string[]) {
  return (token: string) => createRestClient({
    baseUrl: "http://sim.test", token,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
      urls.push(String(input));
      return (sim.fetch as typeof fetch)(input, init);
    }) as typeof fetch,
  });
}

// One second a timestamp as generated, or three days: then up to 144 comments share one updated_at.
const CASES = [["exclusive", 1], ["inclusive", 1], ["exclusive", 259_200], ["inclusive", 259_200]] as const;

for (const [sinceMode, granularity] of CASES) {
  Deno.test(`comment lists past GitHub's page-depth limit, with crashes between their pages, end exact (since ${sinceMode}, timestamps ${granularity} s apart)`, async () => {
    await listsEndExact(sinceMode, granularity);
  });
}

async function listsEndExact(sinceMode: "exclusive" | "inclusive", granularity: number): Promise<void> {
  const sql = testDb(4);
  const sim = simulator(repos(granularity), { maxRestPage: 2, sinceMode });
  const urls: string[] = [];
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
      rest: recordingRest(sim, urls),
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
    if (granularity > 1) assert(urls.some((u) => /[?&]page=2/.test(u)), "a second held more comments than a page: the walk paged within it");
  } finally {
    await sql.end();
  }
}
