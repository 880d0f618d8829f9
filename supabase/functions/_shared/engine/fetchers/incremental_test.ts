// PRs, issues and discussions are walked by update date down to the window start in backfills and
// incremental (scheduled) syncs alike (only a capped initial job takes the newest PRs by
// creation); syncs re-read commits over an overlap before the last sync and re-read the star day
// the last sync ran in.
import assert from "node:assert/strict";
import { COMMITS_OVERLAP_DAYS, fetchCommits } from "./commits.ts";
import { fetchDiscussions } from "./discussions.ts";
import { fetchIssues } from "./issues.ts";
import { fetchPullRequests } from "./pull_requests.ts";
import { fetchStars } from "./stars.ts";
import { fetchModeForJob, type FetchContext, type FetchMode } from "./types.ts";

type Json = Record<string, unknown>;
const empty = { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
const REPO = {
  id: "R_1", databaseId: 1, name: "web", nameWithOwner: "acme/web", owner: { login: "acme", avatarUrl: null },
  stargazerCount: 0, forkCount: 0, isPrivate: false, createdAt: "2020-01-01T00:00:00Z", defaultBranchRef: { name: "main" },
};
const SINCE = "2026-11-20T00:00:00Z";
// Newest update first: two updated since the last sync (one created long before it), then one not.
const ITEMS = [
  { number: 3, createdAt: "2026-11-25T00:00:00Z", updatedAt: "2026-11-28T00:00:00Z" },
  { number: 1, createdAt: "2026-01-05T00:00:00Z", updatedAt: "2026-11-21T00:00:00Z" },
  { number: 2, createdAt: "2026-11-10T00:00:00Z", updatedAt: "2026-11-19T00:00:00Z" },
].map((x) => ({
  ...x, id: `N_${x.number}`, databaseId: 100 + x.number, title: "t", body: "b", state: "OPEN", isDraft: false,
  additions: 1, deletions: 0, changedFiles: 1, closedAt: null, mergedAt: null, author: null, labels: empty, reviews: empty,
  comments: empty, answerChosenAt: null,
}));

function context(mode: FetchMode, sent: { doc: string; vars: Json }[], rest: FetchContext["rest"] = () => Promise.reject(new Error("no REST request expected"))): FetchContext {
  return {
    owner: "acme", name: "web", mode, cursor: null, windowStart: SINCE, itemsDone: 0,
    sizes: { first: 50, nested: 20, threadComments: 10 }, cap: Infinity, dataTypes: ["pull_requests", "issues"],
    repositoryId: 1, now: () => Date.parse("2026-12-01T00:00:00Z"),
    graphql<T>(doc: string, vars: Record<string, unknown>) {
      sent.push({ doc, vars });
      const page = { totalCount: ITEMS.length, pageInfo: { hasNextPage: true, endCursor: "c1" }, nodes: ITEMS };
      const history = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
      return Promise.resolve({
        data: { repository: { ...REPO, pullRequests: page, issues: page, discussions: page, defaultBranchRef: { name: "main", target: { history } } } } as T,
        points: 1,
      });
    },
    rest,
  };
}

Deno.test("fetchModeForJob: scheduled syncs fetch by update, every other job by creation", () => {
  assert.equal(fetchModeForJob("scheduled"), "updated");
  for (const kind of ["initial", "manual", "addon"]) assert.equal(fetchModeForJob(kind), "created");
});

Deno.test("in updated mode PRs come most recently updated first and stop at the last sync, comments listed since it", async () => {
  const sent: { doc: string; vars: Json }[] = [];
  const chunk = await fetchPullRequests(context("updated", sent));
  assert.match(sent[0].doc, /pullRequests\(first: \$first, after: \$after, orderBy: \{ field: UPDATED_AT, direction: DESC \}\)/);
  assert.deepEqual(chunk.rows.pull_requests.map((p) => p.number), [3, 1]);
  assert.equal(chunk.done, false);
  assert.equal(chunk.nextCursor, `review_comments:${JSON.stringify({ from: SINCE, since: SINCE, page: 1 })}`);
});

Deno.test("a backfill walks PRs by update too: an old PR updated inside the window is kept", async () => {
  const sent: { doc: string; vars: Json }[] = [];
  const chunk = await fetchPullRequests(context("created", sent));
  assert.match(sent[0].doc, /orderBy: \{ field: UPDATED_AT, direction: DESC \}/);
  assert.deepEqual(chunk.rows.pull_requests.map((p) => p.number), [3, 1]);
});

Deno.test("a capped initial job takes the newest PRs by creation and stops at the first one created before the window start", async () => {
  const sent: { doc: string; vars: Json }[] = [];
  const chunk = await fetchPullRequests({ ...context("created", sent), cap: 200 });
  assert.match(sent[0].doc, /orderBy: \{ field: CREATED_AT, direction: DESC \}/);
  assert.deepEqual(chunk.rows.pull_requests.map((p) => p.number), [3]);
});

Deno.test("in updated mode issues are asked for with filterBy.since the last sync, most recently updated first", async () => {
  const sent: { doc: string; vars: Json }[] = [];
  const chunk = await fetchIssues(context("updated", sent));
  assert.match(sent[0].doc, /orderBy: \{ field: UPDATED_AT, direction: DESC \}, filterBy: \{ since: \$since \}/);
  assert.equal(sent[0].vars.since, SINCE);
  assert.deepEqual(chunk.rows.issues.map((i) => i.number), [3, 1]);
});

Deno.test("discussions come most recently updated first and stop at the window start, in backfills and syncs alike", async () => {
  for (const mode of ["updated", "created"] as const) {
    const sent: { doc: string; vars: Json }[] = [];
    const chunk = await fetchDiscussions(context(mode, sent));
    assert.match(sent[0].doc, /discussions\(first: \$first, after: \$after, orderBy: \{ field: UPDATED_AT, direction: DESC \}\)/);
    assert.deepEqual(chunk.rows.discussions!.map((d) => d.number), [3, 1], `${mode}: the old discussion updated since is fetched again`);
    assert.equal(chunk.done, true, "the first one updated before the window start ends the walk");
  }
});

Deno.test("in updated mode commits are read from an overlap before the last sync (commit dates predate merges)", async () => {
  const sinceOf = async (mode: FetchMode, overlap?: number) => {
    const sent: { doc: string; vars: Json }[] = [];
    await fetchCommits({ ...context(mode, sent), commitsOverlapDays: overlap });
    return sent[0].vars.since;
  };
  assert.equal(COMMITS_OVERLAP_DAYS, 14);
  assert.equal(await sinceOf("updated"), "2026-11-06T00:00:00.000Z");
  assert.equal(await sinceOf("updated", 3), "2026-11-17T00:00:00.000Z");
  assert.equal(await sinceOf("created"), SINCE, "a backfill's window is the window");
});

Deno.test("in updated mode the star day the last sync ran in is read again whole; a backfill starts at the next midnight", async () => {
  const run = async (mode: FetchMode) => {
    const paths: string[] = [];
    const rest = <T>(path: string) => {
      paths.push(path);
      const weeks = [{ week: Date.parse("2026-11-15T00:00:00Z") / 1000, total: 28, days: [1, 2, 3, 4, 5, 6, 7] }];
      return Promise.resolve({ data: weeks as T, points: 0, next: null });
    };
    const chunk = await fetchStars({ ...context(mode, [], rest), windowStart: "2026-11-20T15:30:00Z" });
    return { path: paths[0], days: chunk.rows.star_history!.map((r) => `${r.day}:${r.stars}`) };
  };
  assert.deepEqual(await run("updated"), {
    path: "/repos/acme/web/stargazers/history",
    days: ["2026-11-20:6", "2026-11-21:7"],
  });
  assert.deepEqual(await run("created"), { path: "/repos/acme/web/stargazers/history", days: ["2026-11-21:7"] });
});
