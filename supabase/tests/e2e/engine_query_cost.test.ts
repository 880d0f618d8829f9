// Cost-aware query shapes (issue 7): the worker's cost estimate of every document it sends equals
// the simulator's schema-aware count by GitHub's formula, and a fully hydrated PR backfill
// (reviews, labels, review comments, conversation comments, all complete) gets at least 40 PRs
// per GraphQL point on the simulator's default dataset, the comments drawing on the REST budget.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { parse } from "npm:graphql@16.15.0";
import { testDb } from "./_env.ts";
import { createJob, drain, expectedContent, itemsDone, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import { analyzeQuery } from "../../../dev/github-sim/cost.ts";
import { githubSchema } from "../../../dev/github-sim/schema.ts";
import { DEFAULT_REPOS } from "../../../dev/github-sim/mod.ts";
import { queryCost } from "../../functions/_shared/github/query_cost.ts";
import {
  ISSUES_BY_UPDATE_QUERY, ISSUES_QUERY, type NestedConnection, nestedFirstPagesQuery, nestedNextPagesQuery, PULL_REQUESTS_BY_UPDATE_QUERY,
  PULL_REQUESTS_QUERY, REPOSITORY_QUERY,
} from "../../functions/_shared/github/queries.ts";
import { COMMITS_QUERY } from "../../functions/_shared/engine/fetchers/commits.ts";
import { DISCUSSIONS_QUERY } from "../../functions/_shared/engine/fetchers/discussions.ts";
import { FORKS_QUERY } from "../../functions/_shared/engine/fetchers/forks.ts";
import { parentsQuery } from "../../functions/_shared/engine/fetchers/parents.ts";

Deno.test("the worker's cost estimate of every document it sends equals GitHub's formula on the real schema", () => {
  const repo = { owner: "acme", name: "web", after: null };
  const ids = (n: number) => ({ ids: Array.from({ length: n }, (_, i) => `X${i}`) });
  const next = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [[`id${i}`, `X${i}`], [`after${i}`, "c"]]).flat());
  const connections: NestedConnection[] = ["PullRequest.reviews", "PullRequest.labels", "Issue.labels", "Discussion.comments", "DiscussionComment.replies"];
  const cases: [string, string, Record<string, unknown>][] = [
    ["RepositoryMetadata", REPOSITORY_QUERY, { owner: "acme", name: "web" }],
    ...[1, 50, 74, 75, 100].map((first) => ["PullRequestsPage", PULL_REQUESTS_QUERY, { ...repo, first, nested: 100 }] as [string, string, Record<string, unknown>]),
    ...[1, 100].map((first) => ["IssuesPage", ISSUES_QUERY, { ...repo, first, nested: 100 }] as [string, string, Record<string, unknown>]),
    ["PullRequestsUpdatedPage", PULL_REQUESTS_BY_UPDATE_QUERY, { ...repo, first: 74, nested: 100 }],
    ["IssuesUpdatedPage", ISSUES_BY_UPDATE_QUERY, { ...repo, first: 100, nested: 100, since: "2026-11-01T00:00:00Z" }],
    ...connections.flatMap((c) => [1, 100].map((n) => [`NestedFirstPages ${c} × ${n}`, nestedFirstPagesQuery(c), ids(n)] as [string, string, Record<string, unknown>])),
    ...connections.flatMap((c) => [1, 100].map((n) => [`NestedNextPages ${c} × ${n}`, nestedNextPagesQuery(c, n), next(n)] as [string, string, Record<string, unknown>])),
    ["ParentsByNumber", parentsQuery({ pullRequests: [1, 2, 3], issues: [4, 5] }), { owner: "acme", name: "web", nested: 100 }],
    ["CommitsPage", COMMITS_QUERY, { ...repo, first: 100, since: null }],
    ["ForksPage", FORKS_QUERY, { ...repo, first: 100 }],
    ...[1, 50, 100].map((first) => ["DiscussionsPage", DISCUSSIONS_QUERY, { ...repo, first, comments: 100 }] as [string, string, Record<string, unknown>]),
  ];
  for (const [name, doc, vars] of cases) {
    const github = analyzeQuery(githubSchema(), parse(doc), vars);
    assertEquals(github.errors, [], `${name} is valid by GitHub's pagination rules`);
    const ours = queryCost(doc, vars);
    assertEquals(ours, { requests: github.requests, points: github.cost }, `${name} with ${JSON.stringify(vars)}`);
  }
});

Deno.test("a fully hydrated PR backfill of the default acme/web over 365 days gets ≥ 40 PRs per GraphQL point, complete", async () => {
  const sql = testDb(4);
  try {
    const web = DEFAULT_REPOS.find((r) => r.owner === "acme" && r.name === "web")!;
    const sim = simulator([web]);
    // Repository ids are positions in the simulator's dataset: drop whatever another test's
    // dataset stored under this id, so only this run's rows are counted.
    const lookup = await simulator([web]).fetch("http://sim.test/graphql", {
      method: "POST",
      headers: { authorization: "bearer lookup", "content-type": "application/json" },
      body: JSON.stringify({ query: `{ repository(owner: "acme", name: "web") { databaseId } }` }),
    });
    const repoId = (await lookup.json()).data.repository.databaseId as number;
    await sql`delete from public.repositories where id = ${repoId}`;
    const { workspaceId } = await setupWorkspace(sql, "engine-prs-per-point", ["acme/web"]);
    const jobId = await createJob(sql, workspaceId, { windowDays: 365, dataTypes: ["pull_requests"] });
    await drain(sql, jobId, () => workerDeps(sql, sim));
    assertEquals(await jobStatus(sql, jobId), "completed");

    const since = await windowStartOf(sql, jobId);
    // Every PR updated inside the window, the comments updated inside it and their parents.
    const want = expectedContent(sim, "acme/web", since, ["pull_requests"]);
    const all = (type: "review_comments" | "pr_comments") => sim.truth({ repo: "acme/web", type }).items;
    const ids = (rows: { id: string }[]) => rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    assertEquals(ids(await sql`select id from public.pull_requests where repository_id = ${repoId}`), want.ids.pull_requests, "pull requests");
    assertEquals(ids(await sql`select id from public.reviews where repository_id = ${repoId}`), want.ids.reviews, "reviews");
    // Comments resolved by number land under the right PR.
    const parents = async (q: Promise<{ id: string; parent: string }[]>) =>
      (await q).map((r) => [Number(r.id), Number(r.parent)]).sort((a, b) => a[0] - b[0]);
    const truthParents = (type: "review_comments" | "pr_comments") => {
      const wanted = new Set(want.ids[type]);
      return all(type).filter((i) => wanted.has(i.databaseId!)).map((i) => [i.databaseId!, i.parentDatabaseId!]).sort((a, b) => a[0] - b[0]);
    };
    assertEquals(await parents(sql`select id, pull_request_id as parent from public.review_comments where repository_id = ${repoId}`),
      truthParents("review_comments"), "review comments, each under its PR");
    assertEquals(await parents(sql`select id, pull_request_id as parent from public.issue_comments where repository_id = ${repoId}`),
      truthParents("pr_comments"), "conversation comments, each under its PR (no issue comments: issues were not asked for)");
    const [{ linked }] = await sql`
      select count(*)::int as linked from public.review_comments where repository_id = ${repoId} and review_id is not null`;
    assert(linked > 0, "review comments keep their review");
    const createdInWindow = sim.truth({ repo: "acme/web", type: "pull_requests", since }).count;
    assert(want.ids.pull_requests.length > createdInWindow, "older PRs with activity inside the window are stored too");

    const prs = await itemsDone(sql, jobId, "pull_requests");
    assertEquals(prs, want.items.pull_requests);
    const c = sim.counters();
    const perPoint = prs / c.pointsSpent;
    console.log(`acme/web 365 days: ${prs} PRs, ${want.ids.reviews.length} reviews, ${want.ids.review_comments.length} review comments, ` +
      `${want.ids.pr_comments.length} conversation comments for ${c.pointsSpent} GraphQL points (${perPoint.toFixed(1)} PRs/point) ` +
      `in ${c.requests.graphql} GraphQL and ${c.requests.rest} REST requests`);
    assert(perPoint >= 40, `≥ 40 PRs per GraphQL point (${prs} PRs for ${c.pointsSpent} points)`);
    assertEquals(c.violations.total, 0);
  } finally {
    await sql.end();
  }
});
