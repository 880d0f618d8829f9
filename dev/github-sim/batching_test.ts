import assert from "node:assert/strict";
import { gql, testSimulator } from "./test_util.ts";

const BATCH =
  `query($ids: [ID!]!) { rateLimit { cost nodeCount } nodes(ids: $ids) { ... on PullRequest {
  id reviews(first: 5) { totalCount nodes { databaseId } } comments(first: 5) { totalCount } } } }`;

Deno.test("nodes(ids:) resolves 100 PRs with their nested connections, at GitHub's cost", async () => {
  const sim = testSimulator();
  const prs = sim.truth({ repo: "acme/web", type: "pull_requests" }).items.slice(0, 100);
  const { body, headers } = await gql(sim, BATCH, { ids: prs.map((p) => p.id) });
  assert.equal(body.errors, undefined);
  // 100 reviews + 100 comments connections (one per id, none at the top): 200 requests → 2
  // points; nodes 100 ids + 100 × 5 + 100 × 5.
  assert.deepEqual(body.data.rateLimit, { cost: 2, nodeCount: 1100 });
  assert.equal(headers.get("x-ratelimit-used"), "2");
  const reviews = sim.truth({ repo: "acme/web", type: "reviews" }).items;
  const comments = sim.truth({ repo: "acme/web", type: "pr_comments" }).items;
  body.data.nodes.forEach((node: {
    id: string;
    reviews: { totalCount: number; nodes: { databaseId: number }[] };
    comments: { totalCount: number };
  }, k: number) => {
    assert.equal(node.id, prs[k].id, "answers keep the order of the ids");
    const mine = reviews.filter((r) => r.parentNodeId === node.id).map((r) => r.databaseId);
    assert.equal(node.reviews.totalCount, mine.length);
    assert.equal(node.reviews.nodes.length, Math.min(5, mine.length));
    for (const r of node.reviews.nodes) assert.ok(mine.includes(r.databaseId));
    assert.equal(
      node.comments.totalCount,
      comments.filter((c) => c.parentNodeId === node.id).length,
    );
  });
});

Deno.test("nodes(ids:) with 101 ids is refused with GitHub's ARGUMENT_LIMIT, without data or charge", async () => {
  const sim = testSimulator();
  const ids = sim.truth({ repo: "acme/web", type: "pull_requests" }).items.slice(0, 101).map((p) =>
    p.id
  );
  const { status, body } = await gql(sim, BATCH, { ids });
  assert.equal(status, 200);
  assert.equal(body.data, undefined);
  assert.equal(body.errors[0].type, "ARGUMENT_LIMIT");
  assert.deepEqual(body.errors[0].path, ["nodes"]);
  assert.equal(
    body.errors[0].message,
    "You may not provide more than 100 node ids; you provided 101.",
  );
  assert.equal(sim.counters().pointsSpent, 0);
});

/** GitHub's formula by hand: requests = 1 (discussions) + N (comments, once per discussion) +
 * N·M (replies, once per comment); cost = round(requests / 100), at least 1. `K` (replies'
 * first) sizes only the nodes. */
const DISCUSSION_COSTS: [n: number, m: number, k: number, cost: number, nodes: number][] = [
  [50, 20, 10, 11, 11_050], // 1 + 50 + 1,000 = 1,051
  [100, 100, 1, 101, 20_100], // 1 + 100 + 10,000 = 10,101
  [100, 50, 10, 51, 55_100], // 1 + 100 + 5,000 = 5,101
  [30, 5, 100, 2, 15_180], // 1 + 30 + 150 = 181
  [10, 10, 10, 1, 1_110], // 1 + 10 + 100 = 111
];

Deno.test("a discussions query costs GitHub's formula whatever the repository holds (here: nothing)", async () => {
  for (const [n, m, k, cost, nodes] of DISCUSSION_COSTS) {
    const sim = testSimulator();
    const { body, headers } = await gql(
      sim,
      `query($n: Int!, $m: Int!, $k: Int!) { rateLimit { cost nodeCount }
        repository(owner: "acme", name: "empty") { discussions(first: $n) { totalCount nodes { id
          comments(first: $m) { nodes { id replies(first: $k) { nodes { id } } } } } } } }`,
      { n, m, k },
    );
    assert.equal(body.data.repository.discussions.totalCount, 0);
    assert.deepEqual(body.data.rateLimit, { cost, nodeCount: nodes }, `${n}/${m}/${k}`);
    assert.equal(headers.get("x-ratelimit-used"), String(cost));
  }
});

Deno.test("totalCount-only replies cost a request per comment like any connection", async () => {
  const sim = testSimulator();
  const { body } = await gql(
    sim,
    `{ rateLimit { cost nodeCount } repository(owner: "acme", name: "empty") {
      discussions(first: 100) { nodes { comments(first: 100) { nodes { replies(first: 0) { totalCount } } } } } } }`,
  );
  // 1 + 100 + 10,000 requests; replies(first: 0) adds no nodes.
  assert.deepEqual(body.data.rateLimit, { cost: 101, nodeCount: 10_100 });
});
