import assert from "node:assert/strict";
import { testSimulator } from "./test_util.ts";

const auth = { headers: { authorization: "bearer t" } };

Deno.test("star history of a missing or private repository is a 404", async () => {
  const sim = testSimulator();
  for (const name of ["missing", "secret", "nope"]) {
    const response = await sim.fetch(`http://sim.test/repos/acme/${name}/stargazers/history`, auth);
    assert.equal(response.status, 404);
    assert.equal((await response.json()).message, "Not Found");
  }
});

Deno.test("star history of a renamed repository redirects to its new home", async () => {
  const sim = testSimulator();
  const response = await sim.fetch("http://sim.test/repos/acme/old-name/stargazers/history", auth);
  assert.equal(response.status, 301);
  const location = response.headers.get("location")!;
  await response.body?.cancel();
  const moved = await sim.fetch(location, auth);
  assert.equal(moved.status, 200);
  assert.ok(Array.isArray(await moved.json()));
});

Deno.test("rate_limit reports core and graphql budgets in GitHub's shape", async () => {
  const sim = testSimulator();
  const body = await (await sim.fetch("http://sim.test/rate_limit", auth)).json();
  assert.equal(body.resources.core.limit, 5000);
  assert.equal(body.resources.graphql.remaining, 5000);
  assert.deepEqual(Object.keys(body.rate).sort(), ["limit", "remaining", "reset", "used"]);
});

Deno.test("truth and counters are served over HTTP", async () => {
  const sim = testSimulator();
  const truth = await (await sim.fetch(
    "http://sim.test/_sim/truth?repo=acme/web&type=pull_requests&since=2026-11-01T00:00:00Z",
  )).json();
  assert.equal(truth.count, truth.items.length);
  assert.equal(
    truth.count,
    sim.truth({ repo: "acme/web", type: "pull_requests", since: "2026-11-01T00:00:00Z" }).count,
  );
  const bad = await sim.fetch("http://sim.test/_sim/truth?repo=acme/web&type=stargazers");
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
  const health = await sim.fetch("http://sim.test/_sim/health");
  assert.equal(health.status, 200);
  await health.body?.cancel();
  const counters = await (await sim.fetch("http://sim.test/_sim/counters")).json();
  assert.equal(counters.requests.total, 0);
});

Deno.test("the simulator listens over HTTP and closes cleanly", async () => {
  const sim = testSimulator();
  const server = sim.listen({ port: 0 });
  try {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      ...auth,
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    assert.equal(response.status, 200);
    assert.ok((await response.json()).data.viewer.login);
  } finally {
    await server.close();
  }
});
