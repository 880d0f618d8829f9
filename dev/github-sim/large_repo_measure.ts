/**
 * Pages all of LARGE_OSS_REPO through the simulator, as a complete backfill would read it, and
 * reports time, peak memory and counts against the truth:
 *   NODE_ENV=production npx deno run -A --v8-flags=--expose-gc dev/github-sim/large_repo_measure.ts
 * (with --expose-gc it also reports the heap retained after each phase, after a full GC).
 * GraphQL for PRs (with reviews), issues, discussions (with comments and replies), commits and
 * forks; the REST lists for conversation and review comments; REST star history.
 */
import { createSimulator } from "./mod.ts";
import { LARGE_OSS_REPO } from "./large_repo.ts";

const REPO = `${LARGE_OSS_REPO.owner}/${LARGE_OSS_REPO.name}`;
const sim = createSimulator({
  repos: [LARGE_OSS_REPO],
  now: Date.parse("2026-12-01T12:00:00Z"),
  limit: 1e9,
  restLimit: 1e9,
  pointsPerMinute: 1e9,
});
const headers = { authorization: "bearer bench", "content-type": "application/json" };
let peakRss = 0, peakHeap = 0, requests = 0;
const sample = () => {
  const m = Deno.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};

// deno-lint-ignore no-explicit-any
async function gql(query: string, variables: Record<string, unknown>): Promise<any> {
  requests++;
  const response = await sim.fetch("http://sim/graphql", {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
  sample();
  return body.data;
}

/** Pages a connection under `repository`; `count` tallies the items of one page. */
async function pageAll(field: string, selection: string, count: (nodes: unknown[]) => void) {
  let after: string | null = null;
  do {
    const data = await gql(
      `query($after: String) { repository(owner: "bigco", name: "framework") {
        ${field}(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${selection} } } } }`,
      { after },
    );
    const conn = data.repository[field];
    count(conn.nodes);
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
  } while (after);
}

async function restAll(path: string): Promise<number> {
  let items = 0;
  for (let next: string | undefined = `http://sim/repos/${REPO}/${path}`; next;) {
    requests++;
    const response = await sim.fetch(next, { headers });
    const page = await response.json();
    items += path.startsWith("stargazers")
      ? page.reduce((a: number, w: { total: number }) => a + w.total, 0)
      : page.length;
    next = /<([^>]+)>; rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
    sample();
  }
  return items;
}

/** Heap still in use after a full GC (null without --expose-gc). */
const retained = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  return Math.round(Deno.memoryUsage().heapUsed / 1e6);
};
const got: Record<string, number> = {};
const add = (type: string, n: number) => (got[type] = (got[type] ?? 0) + n);
const started = performance.now();
await pageAll(
  "pullRequests",
  "databaseId reviews(first: 100) { totalCount nodes { databaseId } }",
  (nodes) => {
    add("pull_requests", nodes.length);
    // Reviews past the first 100 of heavy PRs are counted from totalCount (a client pages them).
    for (const n of nodes as { reviews: { totalCount: number } }[]) {
      add(
        "reviews",
        n.reviews.totalCount,
      );
    }
  },
);
await pageAll("issues", "databaseId", (nodes) => add("issues", nodes.length));
type Comments = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string };
  nodes: { replies: { totalCount: number } }[];
};
const COMMENTS = "totalCount pageInfo { hasNextPage endCursor } nodes { replies { totalCount } }";
const heavy: { id: string; after: string }[] = [];
await pageAll("discussions", `id comments(first: 100) { ${COMMENTS} }`, (nodes) => {
  add("discussions", nodes.length);
  for (const d of nodes as { id: string; comments: Comments }[]) {
    add("discussion_comments", d.comments.totalCount);
    for (const c of d.comments.nodes) add("discussion_comments", c.replies.totalCount);
    if (d.comments.pageInfo.hasNextPage) {
      heavy.push({ id: d.id, after: d.comments.pageInfo.endCursor });
    }
  }
});
// Follow-ups: the replies of top-level comments past the first 100, through node(id:).
for (const { id, after: start } of heavy) {
  for (let after: string | null = start; after;) {
    const data = await gql(
      `query($id: ID!, $after: String) { node(id: $id) { ... on Discussion {
        comments(first: 100, after: $after) { ${COMMENTS} } } } }`,
      { id, after },
    );
    const comments: Comments = data.node.comments;
    for (const c of comments.nodes) add("discussion_comments", c.replies.totalCount);
    after = comments.pageInfo.hasNextPage ? comments.pageInfo.endCursor : null;
  }
}
await pageAll("forks", "databaseId", (nodes) => add("forks", nodes.length));
let after: string | null = null;
do {
  const data = await gql(
    `query($after: String) { repository(owner: "bigco", name: "framework") { defaultBranchRef {
      target { ... on Commit { history(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { oid } } } } } } }`,
    { after },
  );
  const history = data.repository.defaultBranchRef.target.history;
  add("commits", history.nodes.length);
  after = history.pageInfo.hasNextPage ? history.pageInfo.endCursor : null;
} while (after);
const graphqlDone = performance.now();
const graphqlPeakHeap = peakHeap;
const retainedAfterGraphql = retained();
add(
  "conversation_comments",
  await restAll("issues/comments?per_page=100&sort=updated&direction=asc"),
);
add("review_comments", await restAll("pulls/comments?per_page=100&sort=updated&direction=asc"));
add("stars", await restAll("stargazers/history?per_page=100"));
const done = performance.now();
const retainedAfterRest = retained();

const truth = (type: Parameters<typeof sim.truth>[0]["type"]) =>
  sim.truth({ repo: REPO, type }).count;
const expected: Record<string, number> = {
  pull_requests: truth("pull_requests"),
  reviews: truth("reviews"),
  issues: truth("issues"),
  discussions: truth("discussions"),
  discussion_comments: truth("discussion_comments"),
  forks: truth("forks"),
  commits: truth("commits"),
  conversation_comments: truth("pr_comments") + truth("issue_comments"),
  review_comments: truth("review_comments"),
  stars: truth("stars"),
};
console.log(JSON.stringify(
  {
    requests,
    graphqlSeconds: +((graphqlDone - started) / 1000).toFixed(1),
    restSeconds: +((done - graphqlDone) / 1000).toFixed(1),
    peakRssMB: Math.round(peakRss / 1e6),
    peakHeapMB: Math.round(peakHeap / 1e6),
    graphqlPeakHeapMB: Math.round(graphqlPeakHeap / 1e6),
    retainedHeapMB: { afterGraphql: retainedAfterGraphql, afterRest: retainedAfterRest },
    counts: Object.fromEntries(
      Object.keys(expected).map((k) => [k, { got: got[k], truth: expected[k] }]),
    ),
  },
  null,
  1,
));
for (const k of Object.keys(expected)) {
  if (got[k] !== expected[k]) throw new Error(`${k}: paged ${got[k]}, truth ${expected[k]}`);
}
