import assert from "node:assert/strict";
import { graphql } from "npm:@octokit/graphql@9.0.5";
import { gql, testSimulator } from "./test_util.ts";

const PRS_PAGE = `query($after: String) { repository(owner: "acme", name: "web") {
  pullRequests(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    nodes { id databaseId number createdAt } } } }`;

Deno.test("paging through all PRs of a repository returns each exactly once, matching the truth", async () => {
  const sim = testSimulator();
  const seen: number[] = [];
  let after: string | null = null;
  let total = 0;
  do {
    const { body } = await gql(sim, PRS_PAGE, { after });
    const conn = body.data.repository.pullRequests;
    total = conn.totalCount;
    for (const pr of conn.nodes) seen.push(pr.databaseId);
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
  } while (after);
  const truth = sim.truth({ repo: "acme/web", type: "pull_requests" });
  assert.equal(seen.length, total);
  assert.equal(new Set(seen).size, seen.length);
  assert.deepEqual(seen.sort(), truth.items.map((i) => i.databaseId!).sort());
});

Deno.test("a PR with more than 100 reviews is paged further through node(id)", async () => {
  const sim = testSimulator();
  const all = sim.truth({ repo: "acme/web", type: "reviews" }).items;
  const perPr = new Map<string, number>();
  for (const r of all) perPr.set(r.parentNodeId!, (perPr.get(r.parentNodeId!) ?? 0) + 1);
  const [heavyId] = [...perPr].find(([, n]) => n > 100)!;
  // The PR as it appears in a repository page: only its first 100 reviews come along.
  const { body } = await gql(
    sim,
    `{ repository(owner: "acme", name: "web") {
    pullRequests(first: 100, after: "${
      btoa("cursor:v2:99")
    }") { nodes { id databaseId reviews(first: 100) {
      totalCount pageInfo { hasNextPage endCursor } nodes { databaseId } } } } } }`,
  );
  const heavy = body.data.repository.pullRequests.nodes.find((p: { id: string }) =>
    p.id === heavyId
  );
  assert.ok(heavy, "the default dataset has a PR with more than 100 reviews among PRs 101-200");
  assert.equal(heavy.reviews.pageInfo.hasNextPage, true);
  const ids: number[] = heavy.reviews.nodes.map((r: { databaseId: number }) => r.databaseId);
  let cursor = heavy.reviews.pageInfo.endCursor;
  while (cursor) {
    const next = await gql(
      sim,
      `query($id: ID!, $after: String) { node(id: $id) { ... on PullRequest {
      reviews(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { databaseId } } } } }`,
      { id: heavy.id, after: cursor },
    );
    const reviews = next.body.data.node.reviews;
    ids.push(...reviews.nodes.map((r: { databaseId: number }) => r.databaseId));
    cursor = reviews.pageInfo.hasNextPage ? reviews.pageInfo.endCursor : null;
  }
  const truth = all
    .filter((r) => r.parentDatabaseId === heavy.databaseId).map((r) => r.databaseId);
  assert.equal(ids.length, heavy.reviews.totalCount);
  assert.deepEqual([...ids].sort(), [...truth].sort());
});

Deno.test("review threads and discussion comments overflow 100 and page through node(id)", async () => {
  const sim = testSimulator();
  const threads = sim.truth({ repo: "acme/web", type: "review_comments" }).items;
  const perPr = new Map<string, number>();
  for (const c of threads) perPr.set(c.parentNodeId!, (perPr.get(c.parentNodeId!) ?? 0) + 1);
  const [prId] = [...perPr].find(([, n]) => n > 100)!;
  const { body } = await gql(
    sim,
    `query($id: ID!) { node(id: $id) { ... on PullRequest {
    reviewThreads(first: 10) { nodes { id comments(first: 100) { totalCount pageInfo { hasNextPage endCursor } } } } } } }`,
    { id: prId },
  );
  const big = body.data.node.reviewThreads.nodes.find((t: { comments: { totalCount: number } }) =>
    t.comments.totalCount > 100
  );
  assert.ok(big);
  const rest = await gql(
    sim,
    `query($id: ID!, $after: String) { node(id: $id) { ... on PullRequestReviewThread {
    comments(first: 100, after: $after) { pageInfo { hasNextPage } nodes { databaseId pullRequestReview { databaseId } } } } } }`,
    { id: big.id, after: big.comments.pageInfo.endCursor },
  );
  assert.equal(rest.body.data.node.comments.nodes.length, big.comments.totalCount - 100);
  assert.equal(rest.body.data.node.comments.pageInfo.hasNextPage, false);

  const replies = sim.truth({ repo: "acme/web", type: "discussion_comments" }).items;
  const perComment = new Map<string, number>();
  for (const r of replies) {
    if (r.parentId) perComment.set(r.parentId, (perComment.get(r.parentId) ?? 0) + 1);
  }
  const [commentId, count] = [...perComment].find(([, n]) => n > 100)!;
  const page = await gql(
    sim,
    `query($id: ID!) { node(id: $id) { ... on DiscussionComment {
    replies(first: 100) { totalCount pageInfo { hasNextPage } } } } }`,
    { id: commentId },
  );
  assert.equal(page.body.data.node.replies.totalCount, count);
  assert.equal(page.body.data.node.replies.pageInfo.hasNextPage, true);
});

Deno.test("commit history filters by since and until and agrees with the truth", async () => {
  const sim = testSimulator();
  const since = "2026-10-01T00:00:00Z", until = "2026-11-01T00:00:00Z";
  const { body } = await gql(
    sim,
    `query($since: GitTimestamp, $until: GitTimestamp) {
    repository(owner: "acme", name: "web") { defaultBranchRef { target { ... on Commit {
      history(first: 100, since: $since, until: $until) { totalCount nodes { oid committedDate } } } } } } }`,
    { since, until },
  );
  const history = body.data.repository.defaultBranchRef.target.history;
  const truth = sim.truth({ repo: "acme/web", type: "commits", since, until });
  assert.equal(history.totalCount, truth.count);
  assert.ok(
    history.nodes.every((c: { committedDate: string }) =>
      c.committedDate >= since && c.committedDate < until
    ),
  );
});

Deno.test("a document invalid on GitHub's schema is rejected with graphql-js's message", async () => {
  const sim = testSimulator();
  const { status, body } = await gql(sim, `{ repository(owner: "acme", name: "web") { stars } }`);
  assert.equal(status, 200);
  assert.equal(body.errors[0].message, 'Cannot query field "stars" on type "Repository".');
  assert.deepEqual(body.errors[0].locations, [{ line: 1, column: 44 }]);
  assert.equal(body.data, undefined);
});

Deno.test("pagination boundaries are enforced with GitHub's messages", async () => {
  const sim = testSimulator();
  const missing = await gql(
    sim,
    `{ repository(owner: "acme", name: "web") { issues { nodes { id } } } }`,
  );
  assert.equal(missing.body.errors[0].type, "MISSING_PAGINATION_BOUNDARIES");
  assert.equal(
    missing.body.errors[0].message,
    "You must provide a `first` or `last` value to properly paginate the `issues` connection.",
  );
  const excessive = await gql(
    sim,
    `{ repository(owner: "acme", name: "web") { pullRequests(first: 101) { nodes { id } } } }`,
  );
  assert.equal(
    excessive.body.errors[0].message,
    "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
  );
  assert.equal(sim.counters().pointsSpent, 0);
});

Deno.test("missing, private and renamed repositories answer as GitHub does", async () => {
  const sim = testSimulator();
  const missing = await gql(sim, `{ repository(owner: "acme", name: "missing") { id } }`);
  assert.deepEqual(missing.body.data, { repository: null });
  assert.deepEqual(missing.body.errors[0], {
    type: "NOT_FOUND",
    path: ["repository"],
    locations: [{ line: 1, column: 3 }],
    message: "Could not resolve to a Repository with the name 'acme/missing'.",
  });
  const secret = await gql(sim, `{ repository(owner: "acme", name: "secret") { id } }`);
  assert.equal(
    secret.body.errors[0].message,
    "Could not resolve to a Repository with the name 'acme/secret'.",
  );
  const renamed = await gql(
    sim,
    `{ repository(owner: "acme", name: "old-name") { nameWithOwner } }`,
  );
  assert.deepEqual(renamed.body, { data: { repository: { nameWithOwner: "acme/new-name" } } });
});

Deno.test("rateLimit reports the query's cost and dryRun charges nothing", async () => {
  const sim = testSimulator();
  const query =
    `{ rateLimit { cost limit remaining used nodeCount } repository(owner: "acme", name: "web") {
    pullRequests(first: 100) { nodes { reviews(first: 50) { nodes { id } } comments(first: 50) { nodes { id } } } } } }`;
  const { body, headers } = await gql(sim, query);
  assert.deepEqual(body.data.rateLimit, {
    cost: 2,
    limit: 5000,
    remaining: 4998,
    used: 2,
    nodeCount: 10_100,
  });
  assert.equal(headers.get("x-ratelimit-remaining"), "4998");
  assert.equal(headers.get("x-ratelimit-resource"), "graphql");
  const dry = await gql(
    sim,
    `{ rateLimit(dryRun: true) { cost remaining } repository(owner: "acme", name: "web") {
    pullRequests(first: 100) { nodes { id } } } }`,
  );
  assert.deepEqual(dry.body.data.rateLimit, { cost: 1, remaining: 4998 });
});

Deno.test("authentication is required and listed tokens get Bad credentials", async () => {
  const sim = testSimulator({ invalidTokens: ["revoked"] });
  const none = await sim.fetch("http://sim.test/graphql", { method: "POST", body: "{}" });
  assert.equal(none.status, 401);
  assert.equal((await none.json()).message, "Requires authentication");
  const bad = await gql(sim, `{ viewer { login } }`, {}, "revoked");
  assert.equal(bad.status, 401);
  assert.equal(bad.body.message, "Bad credentials");
});

Deno.test("a query written with @octokit/graphql works against the simulator", async () => {
  const sim = testSimulator();
  const client = graphql.defaults({
    baseUrl: "http://sim.test",
    headers: { authorization: "token x" },
    request: { fetch: sim.fetch },
  });
  const result = await client<
    { repository: { nameWithOwner: string; issues: { totalCount: number } } }
  >(
    `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
      nameWithOwner issues(first: 1) { totalCount } } }`,
    { owner: "globex", name: "docs" },
  );
  assert.equal(result.repository.nameWithOwner, "globex/docs");
  assert.equal(result.repository.issues.totalCount, sim.truth({ repo: "globex/docs", type: "issues" }).count);
});

Deno.test("a 100,000-PR repository is generated lazily and pages quickly", async () => {
  const sim = testSimulator({
    repos: [{
      owner: "bench",
      name: "big",
      prs: 100_000,
      reviewsPerPr: 1,
      commentsPerPr: 1,
      reviewCommentsPerPr: 1,
      issues: 0,
      discussions: 0,
      commits: 0,
      forks: 0,
    }],
  });
  const { body } = await gql(
    sim,
    `{ repository(owner: "bench", name: "big") { pullRequests(last: 100) {
    totalCount nodes { number reviews(first: 10) { totalCount } comments(first: 10) { nodes { id } } } } } }`,
  );
  assert.equal(body.data.repository.pullRequests.totalCount, 100_000);
  assert.equal(body.data.repository.pullRequests.nodes.length, 100);
});

Deno.test("PRs by UPDATED_AT and issues filtered by since agree with the truth's updatedSince", async () => {
  const sim = testSimulator();
  const updatedSince = "2026-11-10T00:00:00Z";
  const { body } = await gql(
    sim,
    `query($since: DateTime) { repository(owner: "acme", name: "web") {
      pullRequests(first: 100, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { databaseId createdAt updatedAt } }
      issues(first: 100, orderBy: { field: UPDATED_AT, direction: DESC }, filterBy: { since: $since }) {
        totalCount nodes { databaseId updatedAt } } } }`,
    { since: updatedSince },
  );
  const repo = body.data.repository;
  const prs = repo.pullRequests.nodes as {
    databaseId: number;
    createdAt: string;
    updatedAt: string;
  }[];
  const times = prs.map((p) => Date.parse(p.updatedAt));
  assert.deepEqual(times, [...times].sort((a, b) => b - a), "PRs come most recently updated first");
  const prTruth = sim.truth({ repo: "acme/web", type: "pull_requests", updatedSince });
  const recent = prs.filter((p) => p.updatedAt >= updatedSince).map((p) => p.databaseId);
  assert.deepEqual(recent.sort(), prTruth.items.map((i) => i.databaseId!).sort());
  assert.ok(
    prTruth.items.some((i) => i.createdAt! < updatedSince),
    "some PRs updated since were created before",
  );
  const issueTruth = sim.truth({ repo: "acme/web", type: "issues", updatedSince });
  assert.equal(repo.issues.totalCount, issueTruth.count);
  assert.deepEqual(
    (repo.issues.nodes as { databaseId: number }[]).map((i) => i.databaseId).sort(),
    issueTruth.items.map((i) => i.databaseId!).sort(),
  );
  const reviews = sim.truth({ repo: "acme/web", type: "reviews", updatedSince });
  const parents = new Set(prTruth.items.map((i) => i.databaseId));
  assert.ok(
    reviews.items.every((r) => parents.has(r.parentDatabaseId)),
    "nested items follow their updated parents",
  );
});
