import assert from "node:assert/strict";
import { gql, testSimulator } from "./test_util.ts";

// 100 PRs with 100 reviews each: 1 + 100 requests → 1 point; 100 PRs × 3 connections → 3 points.
const COSTS_3 = `{ repository(owner: "acme", name: "web") { pullRequests(first: 100) { nodes {
  reviews(first: 1) { totalCount } comments(first: 1) { totalCount } labels(first: 1) { totalCount } } } } }`;

Deno.test("an exhausted primary budget answers RATE_LIMITED and counts the client's further requests as violations", async () => {
  let now = Date.parse("2026-12-01T00:00:00Z");
  const sim = testSimulator({ limit: 7, windowSeconds: 60, clock: () => now });
  const first = await gql(sim, COSTS_3);
  assert.equal(first.headers.get("x-ratelimit-remaining"), "4");
  await gql(sim, COSTS_3);
  const limited = await gql(sim, COSTS_3);
  assert.equal(limited.status, 200);
  assert.equal(limited.body.errors[0].type, "RATE_LIMITED");
  assert.match(limited.body.errors[0].message, /^API rate limit exceeded for user ID 1\./);
  assert.equal(sim.counters().violations.total, 0, "remaining was 1, not 0: trying was fair");

  const small = await gql(sim, `{ viewer { login } }`);
  assert.equal(small.headers.get("x-ratelimit-remaining"), "0");
  await gql(sim, `{ viewer { login } }`);
  assert.equal(sim.counters().violations.primary, 1);
  assert.equal(sim.counters().tokens["test-token"].violations.primary, 1);

  now += 61_000;
  const after = await gql(sim, `{ viewer { login } }`);
  assert.equal(after.body.data.viewer.login.length > 0, true);
  assert.equal(after.headers.get("x-ratelimit-remaining"), "6");
  assert.equal(sim.counters().violations.total, 1);
});

Deno.test("each token has its own budget", async () => {
  const sim = testSimulator({ limit: 1 });
  await gql(sim, `{ viewer { login } }`, {}, "a");
  const b = await gql(sim, `{ viewer { login } }`, {}, "b");
  assert.equal(b.headers.get("x-ratelimit-remaining"), "0");
  assert.ok(b.body.data.viewer);
});

Deno.test("points per minute over the secondary cap get 403 with retry-after, and early retries are violations", async () => {
  let now = Date.parse("2026-12-01T00:00:00Z");
  const sim = testSimulator({ pointsPerMinute: 5, clock: () => now });
  await gql(sim, COSTS_3);
  const blocked = await gql(sim, COSTS_3);
  assert.equal(blocked.status, 403);
  assert.match(
    blocked.body.message,
    /^You have exceeded a secondary rate limit\. Please wait a few minutes/,
  );
  const retryAfter = Number(blocked.headers.get("retry-after"));
  assert.ok(retryAfter >= 1 && retryAfter <= 60);
  now += 1000;
  await gql(sim, `{ viewer { login } }`);
  assert.equal(sim.counters().violations.secondary, 1);
  now += retryAfter * 1000;
  const ok = await gql(sim, COSTS_3);
  assert.equal(ok.status, 200);
  assert.equal(sim.counters().violations.secondary, 1);
});

Deno.test("more concurrent requests than the cap get secondary-limit answers", async () => {
  const sim = testSimulator({ maxConcurrent: 2, latencyMs: 50, secondaryRetryAfterSeconds: 1 });
  const answers = await Promise.all([1, 2, 3, 4].map(() => gql(sim, `{ viewer { login } }`)));
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [200, 200, 403, 403]);
  const limited = answers.find((a) => a.status === 403)!;
  assert.equal(limited.headers.get("retry-after"), "1");
  assert.equal(sim.counters().outcomes.secondary_limited, 2);
});

Deno.test("REST draws on its own core budget and answers 403 when it is spent", async () => {
  const sim = testSimulator({ restLimit: 1 });
  const get = () =>
    sim.fetch("http://sim.test/repos/acme/web/stargazers/history", {
      headers: { authorization: "bearer t" },
    });
  const ok = await get();
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("x-ratelimit-resource"), "core");
  assert.equal(ok.headers.get("x-ratelimit-remaining"), "0");
  await ok.body?.cancel();
  const limited = await get();
  assert.equal(limited.status, 403);
  assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
  assert.match((await limited.json()).message, /^API rate limit exceeded/);
  assert.equal(sim.counters().violations.primary, 1);
  const graphql = await gql(sim, `{ viewer { login } }`, {}, "t");
  assert.equal(graphql.headers.get("x-ratelimit-remaining"), "4999");
});

Deno.test("reset() clears budgets and counters", async () => {
  const sim = testSimulator({ limit: 1 });
  await gql(sim, `{ viewer { login } }`);
  sim.reset();
  assert.equal(sim.counters().requests.total, 0);
  const again = await gql(sim, `{ viewer { login } }`);
  assert.equal(again.headers.get("x-ratelimit-remaining"), "0");
  assert.ok(again.body.data);
});

Deno.test("secondaryPoints documented: a query is 1 point whatever its cost, REST has its own bucket", async () => {
  const now = Date.parse("2026-12-01T00:00:00Z");
  const sim = testSimulator({
    secondaryPoints: "documented",
    pointsPerMinute: 2,
    restPointsPerMinute: 1,
    clock: () => now,
  });
  assert.equal((await gql(sim, COSTS_3)).status, 200);
  assert.equal((await gql(sim, COSTS_3)).status, 200, "3-point queries count 1 each");
  const history = () =>
    sim.fetch("http://sim.test/repos/acme/web/stargazers/history", {
      headers: { authorization: "bearer test-token" },
    });
  const rest = await history();
  assert.equal(rest.status, 200, "REST is not in the GraphQL bucket");
  await rest.body?.cancel();
  const restLimited = await history();
  assert.equal(restLimited.status, 403);
  await restLimited.body?.cancel();
  assert.equal((await gql(sim, `{ viewer { login } }`)).status, 403);
});
