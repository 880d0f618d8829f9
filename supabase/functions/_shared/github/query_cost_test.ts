import assert from "node:assert/strict";
import { operationName, queryCost } from "./query_cost.ts";
import { bestPageSize, estimateCost, ISSUES_QUERY, PULL_REQUESTS_QUERY } from "./queries.ts";

Deno.test("queryCost() counts the documented example: 1 + 100 + 5,000 requests, 51 points", () => {
  const c = queryCost(`query { viewer { login
    repositories(first: 100) { edges { node { id
      issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } } }`);
  assert.deepEqual(c, { requests: 5101, points: 51 });
});

Deno.test("queryCost() multiplies by the parents' first only, read from variables and fragments", () => {
  const doc = `query($n: Int!, $m: Int!) { repository(owner: "a", name: "b") { ...R } }
    fragment R on Repository { pullRequests(first: $n) { nodes { ... on PullRequest {
      reviews(first: $m) { nodes { id } } } } } }`;
  assert.deepEqual(queryCost(doc, { n: 100, m: 10 }), { requests: 101, points: 1 });
  assert.deepEqual(queryCost(doc, { n: 100, m: 100 }), { requests: 101, points: 1 });
  assert.deepEqual(queryCost(doc, { n: 30, m: 100 }), { requests: 31, points: 1 });
});

Deno.test("queryCost() counts a totalCount-only connection once and a query without connections as 1 point", () => {
  assert.deepEqual(queryCost(`{ repository(owner: "a", name: "b") { stargazers { totalCount } } }`), { requests: 1, points: 1 });
  assert.deepEqual(queryCost(`{ viewer { login } }`), { requests: 0, points: 1 });
});

Deno.test("queryCost() multiplies what nodes(ids:) selects by the number of ids, adding no request of its own", () => {
  // The simulator's README quotes it: 100 PRs with reviews(first: 5) and comments(first: 5) are
  // 200 requests, 2 points.
  const doc = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on PullRequest {
    reviews(first: 5) { nodes { id } } comments(first: 5) { nodes { id } } } } }`;
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `PR_${i}`);
  assert.deepEqual(queryCost(doc, { ids: ids(100) }), { requests: 200, points: 2 });
  assert.deepEqual(queryCost(doc, { ids: ids(1) }), { requests: 2, points: 1 });
  assert.deepEqual(queryCost(`{ nodes(ids: ["a", "b", "c"]) { id } }`), { requests: 0, points: 1 });
});

Deno.test("the PR page costs 1 + 2·first requests: 100 PRs 2 points, 74 PRs 1 point", () => {
  const vars = { owner: "o", name: "r", after: null, nested: 100 };
  assert.equal(queryCost(PULL_REQUESTS_QUERY, { ...vars, first: 100 }).requests, 201);
  assert.equal(estimateCost(PULL_REQUESTS_QUERY, { ...vars, first: 100 }), 2);
  assert.equal(estimateCost(PULL_REQUESTS_QUERY, { ...vars, first: 74 }), 1);
  assert.equal(estimateCost(PULL_REQUESTS_QUERY, { ...vars, first: 75 }), 2);
});

Deno.test("bestPageSize() picks the most items per point, the larger page on ties", () => {
  const prs = (first: number) => estimateCost(PULL_REQUESTS_QUERY, { owner: "o", name: "r", after: null, nested: 100, first });
  assert.equal(bestPageSize(100, prs), 74);
  assert.equal(bestPageSize(50, prs), 50);
  assert.equal(bestPageSize(3, prs), 3);
  const issues = (first: number) => estimateCost(ISSUES_QUERY, { owner: "o", name: "r", after: null, nested: 100, first });
  assert.equal(bestPageSize(100, issues), 100);
});

Deno.test("operationName() names the document's operation", () => {
  assert.equal(operationName(PULL_REQUESTS_QUERY), "PullRequestsPage");
  assert.equal(operationName("{ viewer { login } }"), "anonymous");
});
