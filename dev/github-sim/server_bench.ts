/**
 * Throughput of hydrated pages: `npx deno bench -A dev/github-sim/` (set NODE_ENV=production to
 * measure without graphql-js's development checks, as the CLI runs).
 */
import { gql, testSimulator } from "./test_util.ts";

const sim = testSimulator({ limit: 1e9, pointsPerMinute: 1e9 });
const HYDRATED = `{ repository(owner: "acme", name: "web") { pullRequests(first: 100) { nodes {
  id databaseId number title body state isDraft createdAt updatedAt closedAt mergedAt additions deletions changedFiles
  author { login ... on User { databaseId id avatarUrl } } labels(first: 10) { nodes { id name color } }
  reviews(first: 10) { totalCount pageInfo { hasNextPage endCursor } nodes { id databaseId state body submittedAt author { login } } }
  comments(first: 10) { totalCount pageInfo { hasNextPage endCursor } nodes { id databaseId body createdAt updatedAt author { login } } }
  reviewThreads(first: 10) { totalCount nodes { id comments(first: 10) { totalCount nodes {
    id databaseId body createdAt updatedAt path author { login } pullRequestReview { databaseId } } } } } } } } }`;

Deno.bench("a page of 100 fully hydrated PRs", async () => {
  await gql(sim, HYDRATED);
});

Deno.bench("a page of 100 PRs deep in a 5,000-PR repository", async () => {
  await gql(
    sim,
    `{ repository(owner: "globex", name: "huge") { pullRequests(first: 100, after: "${
      btoa("cursor:v2:3999")
    }") {
    nodes { id number reviews(first: 10) { nodes { id } } comments(first: 10) { nodes { id } } } } } }`,
  );
});
