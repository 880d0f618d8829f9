// Nested pages that overflow come in batched follow-ups (nodes(ids:) for first pages, at most 100
// ids, aliased node(id:) for pages after a cursor), items deleted between a page and its
// follow-up are dropped while the rest goes on, and discussions cost what their content needs.
// Everything against the simulator in-process, compared with its truth after the deletions.
import assert from "node:assert/strict";
import { createSimulator, type RepoSpec } from "../../../../../dev/github-sim/mod.ts";
import { createGithubClient, type RateLimitInfo } from "../../github/graphql.ts";
import { estimateCost } from "../../github/queries.ts";
import { fetchDiscussions, MAX_COMMENTS_PER_CHUNK } from "./discussions.ts";
import { fetchPullRequests } from "./pull_requests.ts";
import type { Fetched, FetchContext } from "./types.ts";

type Json = Record<string, unknown>;
const NOW = Date.parse("2026-12-01T12:00:00Z");
const WINDOW = new Date(NOW - 365 * 86_400_000).toISOString();

interface Sent {
  doc: string;
  vars: Json;
  cost: number;
}

function context(sim: ReturnType<typeof createSimulator>, name: string, sent: Sent[]): FetchContext {
  const gh = createGithubClient({ baseUrl: "http://sim.test", token: "t", fetch: sim.fetch as typeof fetch });
  return {
    owner: "acme", name, mode: "created", cursor: null, windowStart: WINDOW, itemsDone: 0,
    sizes: { first: 50, nested: 20, threadComments: 10 }, cap: Infinity, dataTypes: ["pull_requests", "discussions"],
    repositoryId: null, now: () => NOW,
    async graphql<T>(doc: string, vars: Json) {
      const data = await gh.query<T & { rateLimit: RateLimitInfo }>(doc, vars, 5000);
      sent.push({ doc, vars, cost: data.rateLimit.cost });
      assert.equal(data.rateLimit.cost, estimateCost(doc, vars), "the estimate is what GitHub charged");
      return { data, points: data.rateLimit.cost };
    },
    rest: () => Promise.reject(new Error("no REST request expected")),
  };
}

/** Every GraphQL chunk of a data type until it ends (comment-list phases excluded). */
async function walk(fetcher: (ctx: FetchContext) => Promise<Fetched>, ctx: FetchContext) {
  const chunks: Fetched[] = [];
  for (let i = 0; i < 100; i++) {
    const f = await fetcher(ctx);
    chunks.push(f);
    if (f.done || /^(review_comments|issue_comments|comments):/.test(f.nextCursor ?? "")) return chunks;
    ctx = { ...ctx, cursor: f.nextCursor, itemsDone: ctx.itemsDone + f.items };
  }
  throw new Error("the walk did not end");
}

const ids = (rows: Json[] | undefined) => (rows ?? []).map((r) => Number(r.id)).sort((a, b) => a - b);
const truthIds = (sim: ReturnType<typeof createSimulator>, repo: string, type: Parameters<typeof sim.truth>[0]["type"]) =>
  sim.truth({ repo, type, updatedSince: WINDOW }).items.map((i) => i.databaseId!).sort((a, b) => a - b);

const TALK: RepoSpec = {
  owner: "acme", name: "talk", prs: 0, issues: 0, commits: 0, forks: 0, starsPerDay: 0, days: 300,
  discussions: 150, commentsPerDiscussion: 3, repliesPerComment: 2, heavyItems: 2,
};
const REVIEWED: RepoSpec = {
  owner: "acme", name: "reviewed", prs: 40, reviewsPerPr: 2, issues: 0, discussions: 0, commits: 0, forks: 0, starsPerDay: 0,
  days: 200, heavyItems: 2,
};

Deno.test("discussions, every comment and reply equal the truth; replies come 100 comments a request through nodes(ids:)", async () => {
  const sim = createSimulator({ seed: 42, now: NOW, repos: [TALK] });
  const sent: Sent[] = [];
  const chunks = await walk(fetchDiscussions, context(sim, "talk", sent));
  const rows = (k: "discussions" | "discussion_comments") => chunks.flatMap((c) => c.rows[k] ?? []);
  assert.deepEqual(ids(rows("discussions")), truthIds(sim, "acme/talk", "discussions"));
  const got = rows("discussion_comments").map((c) => `${c.id}:${c.discussion_id}`).sort();
  const want = sim.truth({ repo: "acme/talk", type: "discussion_comments", updatedSince: WINDOW }).items
    .map((c) => `${c.databaseId}:${c.parentDatabaseId}`).sort();
  assert.deepEqual(got, want);
  const firstPages = sent.filter((s) => /query NestedFirstPages/.test(s.doc));
  assert.ok(firstPages.length > 0 && firstPages.every((s) => (s.vars.ids as string[]).length <= 100), "nodes(ids:) never past 100 ids");
  assert.ok(firstPages.some((s) => (s.vars.ids as string[]).length === 100), "full batches of 100");
  assert.ok(sent.some((s) => /query NestedNextPages/.test(s.doc)), "the heavy items' next pages follow");
  assert.equal(chunks.reduce((n, c) => n + c.items, 0), truthIds(sim, "acme/talk", "discussions").length);
  assert.equal(sim.counters().outcomes.invalid ?? 0, 0, "no ARGUMENT_LIMIT or other refusal");
});

Deno.test("a discussions page costs 1 point, on an empty repository too", async () => {
  const sim = createSimulator({ seed: 42, now: NOW, repos: [{ ...TALK, name: "quiet", discussions: 0 }] });
  const sent: Sent[] = [];
  await walk(fetchDiscussions, context(sim, "quiet", sent));
  assert.deepEqual(sent.map((s) => s.cost), [1]);
});

Deno.test("PRs with more than 100 reviews get all of them; next pages of several PRs share a request", async () => {
  const sim = createSimulator({ seed: 42, now: NOW, repos: [REVIEWED] });
  const sent: Sent[] = [];
  const chunks = await walk(fetchPullRequests, context(sim, "reviewed", sent));
  assert.deepEqual(ids(chunks.flatMap((c) => c.rows.pull_requests)), truthIds(sim, "acme/reviewed", "pull_requests"));
  assert.deepEqual(ids(chunks.flatMap((c) => c.rows.reviews)), truthIds(sim, "acme/reviewed", "reviews"));
  const next = sent.filter((s) => /query NestedNextPages/.test(s.doc));
  assert.ok(next.some((s) => Object.keys(s.vars).filter((k) => k.startsWith("id")).length === 2), "the two heavy PRs in one request");
});

for (const probability of [0.3, 1]) {
  Deno.test(`items deleted before their follow-up (probability ${probability}) are dropped, the rest equals the truth after the deletions`, async () => {
    // One page of discussions and of PRs: the simulator's cursors are positions, so a deleted
    // item would shift the next page by one (GitHub's cursors name the item, not its position).
    const talk90 = { ...TALK, discussions: 90 };
    const sim = createSimulator({ seed: 42, now: NOW, repos: [talk90, REVIEWED], deleteOnFollowUp: { probability } });
    const sent: Sent[] = [];
    const talk = await walk(fetchDiscussions, context(sim, "talk", sent));
    const reviewed = await walk(fetchPullRequests, context(sim, "reviewed", sent));
    const deleted = sim.deletions();
    assert.ok(deleted.some((d) => d.type === "discussion_comments"), "comments went before their replies were fetched");
    assert.ok(deleted.some((d) => d.type === "pull_requests"), "a heavy PR went before its next reviews page");
    const rows = (chunks: Fetched[], k: keyof Fetched["rows"]) => chunks.flatMap((c) => (c.rows[k] ?? []) as Json[]);
    assert.deepEqual(ids(rows(talk, "discussions")), truthIds(sim, "acme/talk", "discussions"));
    assert.deepEqual(ids(rows(talk, "discussion_comments")), truthIds(sim, "acme/talk", "discussion_comments"));
    assert.deepEqual(ids(rows(reviewed, "pull_requests")), truthIds(sim, "acme/reviewed", "pull_requests"));
    assert.deepEqual(ids(rows(reviewed, "reviews")), truthIds(sim, "acme/reviewed", "reviews"));
    assert.equal(reviewed.reduce((n, c) => n + c.items, 0), truthIds(sim, "acme/reviewed", "pull_requests").length,
      "a dropped PR is no item");
  });
}

Deno.test("a chunk takes discussions up to 1,000 top-level comments and goes on after the last one it took", async () => {
  const busy: RepoSpec = { ...TALK, name: "busy", discussions: 60, commentsPerDiscussion: 40, repliesPerComment: 0, heavyItems: 0 };
  const sim = createSimulator({ seed: 42, now: NOW, repos: [busy] });
  const sent: Sent[] = [];
  const chunks = await walk(fetchDiscussions, context(sim, "busy", sent));
  assert.ok(chunks.length > 1, "the page's comments did not fit one chunk");
  for (const c of chunks) {
    const top = (c.rows.discussion_comments ?? []).filter((x) => x.parent_id === null).length;
    assert.ok(c.items === 1 || top <= MAX_COMMENTS_PER_CHUNK, `a chunk took ${top} comments over ${c.items} discussions`);
  }
  assert.deepEqual(ids(chunks.flatMap((c) => c.rows.discussions ?? [])), truthIds(sim, "acme/busy", "discussions"));
  assert.deepEqual(ids(chunks.flatMap((c) => c.rows.discussion_comments ?? [])), truthIds(sim, "acme/busy", "discussion_comments"));
});
