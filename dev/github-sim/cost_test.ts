import assert from "node:assert/strict";
import { parse } from "npm:graphql@16.15.0";
import { analyzeQuery } from "./cost.ts";
import { githubSchema } from "./schema.ts";

const analyze = (query: string, variables?: Record<string, unknown>) =>
  analyzeQuery(githubSchema(), parse(query), variables);

Deno.test("the documented rate-limit example costs 1 + 100 + 5,000 requests, i.e. 51 points", () => {
  const report = analyze(`query {
    viewer { login
      repositories(first: 100) { edges { node { id
        issues(first: 50) { edges { node { id
          labels(first: 60) { edges { node { id name } } }
        } } } } } } } }`);
  assert.equal(report.requests, 5101);
  assert.equal(report.cost, 51);
});

Deno.test("the documented simple node-limit example requests 550 nodes", () => {
  const report = analyze(`query { viewer { repositories(first: 50) { edges { repository: node { name
    issues(first: 10) { totalCount edges { node { title bodyHTML } } } } } } } }`);
  assert.equal(report.nodeCount, 550);
});

Deno.test("the documented complex node-limit example requests 22,060 nodes", () => {
  const report = analyze(`query { viewer {
    repositories(first: 50) { edges { repository: node { name
      pullRequests(first: 20) { edges { pullRequest: node { title
        comments(first: 10) { edges { comment: node { bodyHTML } } } } } }
      issues(first: 20) { totalCount edges { issue: node { title bodyHTML
        comments(first: 10) { edges { comment: node { bodyHTML } } } } } } } } }
    followers(first: 10) { edges { follower: node { login } } } } }`);
  assert.equal(report.nodeCount, 22_060);
  assert.equal(report.requests, 1 + 50 + 1000 + 50 + 1000 + 1);
  assert.equal(report.cost, 21);
});

Deno.test("the design's example (100 PRs with 50 reviews and 50 comments) costs 2 points", () => {
  const report = analyze(`{ repository(owner: "a", name: "b") { pullRequests(first: 100) {
    nodes { reviews(first: 50) { nodes { id } } comments(first: 50) { nodes { id } } } } } }`);
  assert.equal(report.requests, 201);
  assert.equal(report.cost, 2);
});

Deno.test("a query without connections costs the minimum of one point", () => {
  assert.equal(analyze(`{ viewer { login } }`).cost, 1);
});

Deno.test("variables and fragments are followed when counting", () => {
  const report = analyze(
    `query($n: Int!) { repository(owner: "a", name: "b") { ...R } }
     fragment R on Repository { pullRequests(first: $n) { nodes { ... on PullRequest {
       reviews(first: 10) { nodes { id } } } } } }`,
    { n: 100 },
  );
  assert.equal(report.requests, 101);
  assert.equal(report.nodeCount, 100 + 1000);
});

Deno.test("connections under nodes(ids) are counted once per id", () => {
  const report = analyze(`{ nodes(ids: ["a", "b", "c"]) { ... on PullRequest {
    reviews(first: 100) { nodes { id } } } } }`);
  assert.equal(report.requests, 3);
  assert.equal(report.nodeCount, 3 + 300);
});

Deno.test("a connection without first or last is refused with GitHub's message", () => {
  const report = analyze(`{ repository(owner: "a", name: "b") { pullRequests { nodes { id } } } }`);
  assert.equal(report.errors[0].type, "MISSING_PAGINATION_BOUNDARIES");
  assert.equal(
    report.errors[0].message,
    "You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.",
  );
  assert.deepEqual(report.errors[0].path, ["repository", "pullRequests"]);
});

Deno.test("a totalCount-only connection may omit first and last", () => {
  const report = analyze(`{ repository(owner: "a", name: "b") { pullRequests { totalCount } } }`);
  assert.deepEqual(report.errors, []);
});

Deno.test("asking 101 records is refused with GitHub's message", () => {
  const report = analyze(
    `{ repository(owner: "a", name: "b") { pullRequests(first: 101) { nodes { id } } } }`,
  );
  assert.equal(
    report.errors[0].message,
    "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
  );
});

Deno.test("a query over 500,000 nodes is refused before execution", () => {
  const report = analyze(`{ repository(owner: "a", name: "b") { pullRequests(first: 100) { nodes {
    reviews(first: 100) { nodes { comments(first: 100) { nodes { id } } } } } } } }`);
  assert.equal(report.nodeCount, 100 + 10_000 + 1_000_000);
  assert.equal(report.errors.at(-1)?.type, "MAX_NODE_LIMIT_EXCEEDED");
});
