import assert from "node:assert/strict";
import { gql, testSimulator } from "./test_util.ts";

const Q = `{ viewer { login } }`;

Deno.test("a 502 fault answers like GitHub's query timeout", async () => {
  const sim = testSimulator({ p502: 1 });
  const { status, body } = await gql(sim, Q);
  assert.equal(status, 502);
  assert.match(body.errors[0].message, /^Something went wrong while executing your query/);
  assert.equal(sim.counters().outcomes.fault_502, 1);
});

Deno.test("a 504 fault answers with GitHub's HTML gateway timeout", async () => {
  const sim = testSimulator({ p504: 1 });
  const response = await sim.fetch("http://sim.test/graphql", {
    method: "POST",
    headers: { authorization: "bearer t" },
    body: JSON.stringify({ query: Q }),
  });
  assert.equal(response.status, 504);
  assert.match(await response.text(), /504 Gateway Time-out/);
});

Deno.test("a hang fault holds the request until the client gives up", async () => {
  const sim = testSimulator({ pHang: 1 });
  const started = performance.now();
  await assert.rejects(
    sim.fetch("http://sim.test/graphql", {
      method: "POST",
      headers: { authorization: "bearer t" },
      body: JSON.stringify({ query: Q }),
      signal: AbortSignal.timeout(100),
    }),
    (error: Error) => error.name === "TimeoutError" || error.name === "AbortError",
  );
  assert.ok(performance.now() - started >= 90);
  assert.equal(sim.counters().outcomes.fault_hang, 1);
});

Deno.test("a hang fault is bounded by maxHangMs", async () => {
  const sim = testSimulator({ pHang: 1, maxHangMs: 30 });
  const response = await sim.fetch("http://sim.test/graphql", {
    method: "POST",
    headers: { authorization: "bearer t" },
    body: JSON.stringify({ query: Q }),
  });
  assert.equal(response.status, 504);
  await response.body?.cancel();
});

Deno.test("a secondary-limit fault answers 403 with retry-after", async () => {
  const sim = testSimulator({ pSecondary: 1, secondaryRetryAfterSeconds: 2 });
  const { status, headers, body } = await gql(sim, Q);
  assert.equal(status, 403);
  assert.equal(headers.get("retry-after"), "2");
  assert.match(body.message, /secondary rate limit/);
});

Deno.test("a malformed fault answers 200 with truncated JSON", async () => {
  const sim = testSimulator({ pMalformed: 1 });
  const response = await sim.fetch("http://sim.test/graphql", {
    method: "POST",
    headers: { authorization: "bearer t" },
    body: JSON.stringify({ query: Q }),
  });
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.throws(() => JSON.parse(text));
});

Deno.test("a timeout-error fault answers 200 with GitHub's query timeout and no type; REST is unaffected", async () => {
  const sim = testSimulator({ pTimeoutError: 1 });
  const { status, headers, body } = await gql(sim, Q);
  assert.equal(status, 200);
  assert.equal(body.data, null);
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].type, undefined);
  assert.match(body.errors[0].message, /^Something went wrong while executing your query\. This may be the result of a timeout/);
  assert.ok(headers.get("x-ratelimit-remaining"));
  assert.equal(sim.counters().outcomes.fault_timeout_error, 1);
  const rest = await sim.fetch("http://sim.test/rate_limit", { headers: { authorization: "bearer t" } });
  assert.equal(rest.status, 200);
  await rest.body?.cancel();
});

Deno.test("latency delays answers and faults are seeded and reproducible", async () => {
  const run = async () => {
    const sim = testSimulator({ p502: 0.3, p504: 0.2, faultSeed: 11 });
    const out: number[] = [];
    for (let i = 0; i < 20; i++) {
      out.push((await gql(sim, Q).catch(() => ({ status: 504 }))).status);
    }
    return out;
  };
  const a = await run();
  assert.deepEqual(a, await run());
  assert.ok(a.includes(200) && a.some((s) => s !== 200));
  const slow = testSimulator({ latencyMs: 60 });
  const started = performance.now();
  await gql(slow, Q);
  assert.ok(performance.now() - started >= 55);
});

Deno.test("faults can be switched on and off at runtime through /_sim/config", async () => {
  const sim = testSimulator();
  const config = await sim.fetch("http://sim.test/_sim/config", {
    method: "POST",
    body: JSON.stringify({ p502: 1 }),
  });
  assert.equal(config.status, 200);
  assert.equal((await gql(sim, Q)).status, 502);
  sim.configure({ p502: 0 });
  assert.equal((await gql(sim, Q)).status, 200);
});
