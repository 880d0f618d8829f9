import assert from "node:assert/strict";
import { gql, testSimulator } from "./test_util.ts";

const auth = { headers: { authorization: "bearer t" } };
const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

/** The PR of acme/web with the most reviews (heavy: it overflows a page of 100). */
function heavyPr(sim: ReturnType<typeof testSimulator>) {
  const perPr = new Map<string, number>();
  for (const r of sim.truth({ repo: "acme/web", type: "reviews" }).items) {
    perPr.set(r.parentNodeId!, (perPr.get(r.parentNodeId!) ?? 0) + 1);
  }
  const [id, reviews] = [...perPr].sort((a, b) => b[1] - a[1])[0];
  return { id, reviews };
}

Deno.test("a deleted PR: node(id:) is null with GitHub's NOT_FOUND, and it is gone from lists and truth", async () => {
  const sim = testSimulator();
  const { id, reviews } = heavyPr(sim);
  const before = sim.truth({ repo: "acme/web", type: "pull_requests" }).count;
  const answer = await sim.fetch("http://sim.test/_sim/delete", post({ id }));
  assert.equal(answer.status, 200);
  const record = await answer.json();
  assert.equal(record.type, "pull_requests");
  assert.equal(
    record.cascade.filter((c: { type: string }) => c.type === "reviews").length,
    reviews,
  );

  const query = `query($id: ID!) { node(id: $id) { ... on PullRequest { number } } }`;
  const { status, body } = await gql(sim, query, { id });
  assert.equal(status, 200);
  assert.deepEqual(body, {
    data: { node: null },
    errors: [{
      type: "NOT_FOUND",
      path: ["node"],
      locations: [{ line: 1, column: 19 }],
      message: `Could not resolve to a node with the global id of '${id}'`,
    }],
  });
  assert.equal(sim.truth({ repo: "acme/web", type: "pull_requests" }).count, before - 1);
  const reviewsLeft = sim.truth({ repo: "acme/web", type: "reviews" }).items;
  assert.ok(reviewsLeft.every((r) => r.parentNodeId !== id), "its reviews went with it");
  const page = await gql(
    sim,
    `{ repository(owner: "acme", name: "web") { pullRequests(first: 1) { totalCount } } }`,
  );
  assert.equal(page.body.data.repository.pullRequests.totalCount, before - 1);
  const counted = sim.counters().deleted;
  assert.equal(counted.byType.pull_requests, 1);
  assert.equal(counted.byType.reviews, reviews);
  const listed = await (await sim.fetch("http://sim.test/_sim/deletions")).json();
  assert.equal(listed.items.length, 1);
  assert.equal(listed.deleted.total, counted.total);
});

Deno.test("nodes(ids:) answers a deleted id with null and an error at its path; the others resolve", async () => {
  const sim = testSimulator();
  const [keep, gone] = sim.truth({ repo: "acme/api", type: "issues" }).items.slice(0, 2);
  sim.deleteItem({ id: gone.id });
  const { body } = await gql(
    sim,
    `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Issue { databaseId } } }`,
    { ids: [keep.id, gone.id] },
  );
  assert.deepEqual(body.data.nodes, [{ databaseId: keep.databaseId }, null]);
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].type, "NOT_FOUND");
  assert.deepEqual(body.errors[0].path, ["nodes", 1]);
  assert.equal(
    body.errors[0].message,
    `Could not resolve to a node with the global id of '${gone.id}'`,
  );
});

Deno.test("a comment deleted by (repo, type, databaseId) leaves the REST list, and its sub-resource is a 404", async () => {
  const sim = testSimulator();
  const victim = sim.truth({ repo: "acme/tiny", type: "issue_comments" }).items[0];
  const single = `http://sim.test/repos/acme/tiny/issues/comments/${victim.databaseId}`;
  const before = await sim.fetch(single, auth);
  assert.equal(before.status, 200);
  assert.equal((await before.json()).node_id, victim.id);
  sim.deleteItem({ repo: "acme/tiny", type: "issue_comments", databaseId: victim.databaseId });
  const after = await sim.fetch(single, auth);
  assert.equal(after.status, 404);
  assert.equal((await after.json()).message, "Not Found");
  const list =
    await (await sim.fetch("http://sim.test/repos/acme/tiny/issues/comments?per_page=100", auth))
      .json();
  assert.ok(list.every((c: { id: number }) => c.id !== victim.databaseId));
  const truth = sim.truth({ repo: "acme/tiny", type: "issue_comments" }).items;
  assert.ok(truth.every((c) => c.id !== victim.id));
  const again = await sim.fetch("http://sim.test/_sim/delete", post({ id: victim.id }));
  assert.equal(again.status, 404, "what is gone cannot be deleted twice");
  assert.match((await again.json()).message, /no item/);
});

Deno.test("a deleted review thread takes its comments out of the PR and of the truth", async () => {
  const sim = testSimulator();
  const comment = sim.truth({ repo: "acme/api", type: "review_comments" }).items[0];
  const threads = await gql(
    sim,
    `query($id: ID!) { node(id: $id) { ... on PullRequest { reviewThreads(first: 100) {
      totalCount nodes { id comments(first: 100) { nodes { id } } } } } } }`,
    { id: comment.parentNodeId },
  );
  const conn = threads.body.data.node.reviewThreads;
  const thread = conn.nodes.find((t: { comments: { nodes: { id: string }[] } }) =>
    t.comments.nodes.some((c) => c.id === comment.id)
  );
  sim.deleteItem({ id: thread.id });
  const after = await gql(
    sim,
    `query($id: ID!) { node(id: $id) { ... on PullRequest { reviewThreads(first: 100) { totalCount } } } }`,
    { id: comment.parentNodeId },
  );
  assert.equal(after.body.data.node.reviewThreads.totalCount, conn.totalCount - 1);
  const left = new Set(
    sim.truth({ repo: "acme/api", type: "review_comments" }).items.map((c) => c.id),
  );
  for (const c of thread.comments.nodes) assert.ok(!left.has(c.id));
});

Deno.test("deleteOnFollowUp deletes what a follow-up looks up, reproducibly, and only in its repository", async () => {
  const ids = async (probability: number) => {
    const sim = testSimulator({
      deleteOnFollowUp: { repo: "acme/web", probability, types: ["pull_requests"] },
    });
    const prs = sim.truth({ repo: "acme/web", type: "pull_requests" }).items.slice(0, 40);
    const other = sim.truth({ repo: "acme/api", type: "pull_requests" }).items.slice(0, 40);
    const { body } = await gql(
      sim,
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest { id } } }`,
      { ids: [...prs, ...other].map((p) => p.id) },
    );
    const nulls = body.data.nodes.slice(0, 40).filter((n: unknown) => n === null).length;
    assert.ok(body.data.nodes.slice(40).every((n: unknown) => n !== null), "acme/api is untouched");
    assert.equal(sim.counters().deleted.byType.pull_requests ?? 0, nulls);
    assert.equal(
      sim.truth({ repo: "acme/web", type: "pull_requests" }).items.filter((p) =>
        prs.some((q) => q.id === p.id)
      ).length,
      40 - nulls,
    );
    return sim.deletions().map((d) => d.id);
  };
  assert.equal((await ids(1)).length, 40);
  const half = await ids(0.5);
  assert.ok(half.length > 5 && half.length < 35);
  assert.deepEqual(await ids(0.5), half, "the same seed deletes the same items");
});
