import assert from "node:assert/strict";
import { gql, testSimulator } from "./test_util.ts";

const rest = (token: string) => ({ headers: { authorization: `token ${token}` } });
const VIEWER = `{ viewer { login } }`;
const DISCUSSIONS = `{ repository(owner: "acme", name: "web") {
  discussions(first: 5) { nodes { id comments(first: 5) { totalCount } } } } }`;

Deno.test("a token revoked at runtime answers 401 Bad credentials on GraphQL and REST, counted and uncharged", async () => {
  const sim = testSimulator();
  const ok = await gql(sim, VIEWER, {}, "job-token");
  assert.equal(ok.status, 200);
  const revoke = await sim.fetch("http://sim.test/_sim/tokens/revoke", {
    method: "POST",
    body: JSON.stringify({ token: "job-token" }),
  });
  assert.equal(revoke.status, 200);
  await revoke.body?.cancel();
  const graphql = await gql(sim, VIEWER, {}, "job-token");
  assert.equal(graphql.status, 401);
  assert.deepEqual(graphql.body, {
    message: "Bad credentials",
    documentation_url: "https://docs.github.com/graphql",
    status: "401",
  });
  const list = await sim.fetch("http://sim.test/repos/acme/web/issues/comments", rest("job-token"));
  assert.equal(list.status, 401);
  assert.deepEqual(await list.json(), {
    message: "Bad credentials",
    documentation_url: "https://docs.github.com/rest",
    status: "401",
  });
  const mine = sim.counters().tokens["job-token"];
  assert.deepEqual(mine.requests, { total: 3, graphql: 2, rest: 1 });
  assert.equal(mine.outcomes.unauthorized, 2);
  assert.equal(mine.pointsSpent, 1, "only the accepted query was charged");
  assert.equal(mine.violations.total, 0);
});

Deno.test("revokeAfterRequests serves N requests, then 401s until reset", async () => {
  const sim = testSimulator({ revokeAfterRequests: { short: 2 } });
  assert.equal((await gql(sim, VIEWER, {}, "short")).status, 200);
  const second = await sim.fetch(
    "http://sim.test/repos/acme/web/stargazers/history",
    rest("short"),
  );
  assert.equal(second.status, 200);
  await second.body?.cancel();
  assert.equal((await gql(sim, VIEWER, {}, "short")).status, 401);
  assert.equal((await gql(sim, VIEWER, {}, "other")).status, 200, "other tokens are unaffected");
  sim.reset();
  assert.equal((await gql(sim, VIEWER, {}, "short")).status, 200);
});

Deno.test("a token GitHub never accepted is counted apart, with no user", async () => {
  const sim = testSimulator({ invalidTokens: ["nope"] });
  assert.equal((await gql(sim, VIEWER, {}, "nope")).status, 401);
  const counted = sim.counters().tokens.nope;
  assert.equal(counted.userId, null);
  assert.equal(counted.outcomes.unauthorized, 1);
  const first = await gql(sim, `{ rateLimit { cost } }`, {}, "valid");
  assert.match(first.headers.get("x-ratelimit-limit")!, /^5000$/);
  assert.equal(sim.counters().tokens.valid.userId, 1, "the refused token took no user id");
});

Deno.test("a classic PAT without a discussion scope gets INSUFFICIENT_SCOPES, uncharged; others pass", async () => {
  const sim = testSimulator({ tokenScopes: { narrow: ["read:org"], wide: ["public_repo"] } });
  const refused = await gql(sim, DISCUSSIONS, {}, "narrow");
  assert.equal(refused.status, 200);
  assert.equal(refused.body.data, undefined);
  assert.deepEqual(refused.body.errors, [{
    type: "INSUFFICIENT_SCOPES",
    locations: [{ line: 2, column: 3 }],
    message:
      "Your token has not been granted the required scopes to execute this query. The 'discussions' field requires one of the following scopes: ['public_repo', 'repo'], but your token has only been granted the: ['read:org'] scopes. Please modify your token's scopes at: https://github.com/settings/tokens.",
  }]);
  assert.equal(refused.headers.get("x-ratelimit-used"), "0");
  assert.equal(refused.headers.get("x-oauth-scopes"), "read:org");
  assert.equal(sim.counters().tokens.narrow.outcomes.insufficient_scopes, 1);
  assert.ok((await gql(sim, VIEWER, {}, "narrow")).body.data.viewer, "other fields still work");
  assert.ok((await gql(sim, DISCUSSIONS, {}, "wide")).body.data.repository.discussions);
  assert.ok((await gql(sim, DISCUSSIONS, {}, "unlisted")).body.data.repository.discussions);
});

Deno.test("discussionScopes: ['read:discussion'] refuses a repo-scoped PAT, naming each Discussion field", async () => {
  const sim = testSimulator({
    tokenScopes: { pat: ["repo"] },
    discussionScopes: ["read:discussion"],
  });
  const { body } = await gql(
    sim,
    `query($id: ID!) { node(id: $id) { ... on Discussion { title body } } }`,
    { id: sim.truth({ repo: "acme/web", type: "discussions" }).items[0].id },
    "pat",
  );
  assert.deepEqual(
    body.errors.map((e: { message: string }) => /The '(\w+)' field/.exec(e.message)![1]),
    [
      "title",
      "body",
    ],
  );
  assert.match(
    body.errors[0].message,
    /scopes: \['read:discussion'\], but your token has only been granted the: \['repo'\] scopes/,
  );
});

Deno.test("REST answers a classic PAT with x-oauth-scopes and x-accepted-oauth-scopes", async () => {
  const sim = testSimulator({ tokenScopes: { pat: ["repo", "read:org"] } });
  const response = await sim.fetch("http://sim.test/repos/acme/web/pulls/comments", rest("pat"));
  assert.equal(response.headers.get("x-oauth-scopes"), "repo, read:org");
  assert.equal(response.headers.get("x-accepted-oauth-scopes"), "repo");
  await response.body?.cancel();
  const plain = await sim.fetch("http://sim.test/repos/acme/web/pulls/comments", rest("other"));
  assert.equal(plain.headers.get("x-oauth-scopes"), null, "not a classic PAT");
  await plain.body?.cancel();
});

const IS_PRIVATE = (name: string) => `{ repository(owner: "acme", name: "${name}") { isPrivate } }`;

Deno.test("private repositories: visibleTo, the repo scope, and installation tokens of their installation", async () => {
  const sim = testSimulator({
    repos: [
      {
        owner: "acme",
        name: "secret",
        private: true,
        prs: 5,
        issues: 3,
        visibleTo: ["friend", "narrow"],
      },
      { owner: "acme", name: "open", prs: 5, issues: 3 },
    ],
    tokenScopes: { narrow: ["public_repo"] },
    installations: { "42": { repos: ["acme/secret"], tokens: ["app-token"] }, "43": { repos: [] } },
  });
  for (const token of ["friend", "ghs_42", "ghs_42_abcdef", "app-token"]) {
    const { body } = await gql(sim, IS_PRIVATE("secret"), {}, token);
    assert.deepEqual(body.data, { repository: { isPrivate: true } }, token);
    const list = await sim.fetch("http://sim.test/repos/acme/secret/issues/comments", rest(token));
    assert.equal(list.status, 200, token);
    await list.body?.cancel();
  }
  for (const token of ["stranger", "ghs_43", "narrow"]) {
    const { body } = await gql(sim, IS_PRIVATE("secret"), {}, token);
    assert.equal(body.errors[0].type, "NOT_FOUND", token);
    const list = await sim.fetch(
      "http://sim.test/repos/acme/secret/stargazers/history",
      rest(token),
    );
    assert.equal(list.status, 404, token);
    await list.body?.cancel();
  }
  for (const token of ["friend", "ghs_42", "ghs_43", "narrow", "stranger", "app-token"]) {
    const { body } = await gql(sim, IS_PRIVATE("open"), {}, token);
    assert.deepEqual(body.data, { repository: { isPrivate: false } }, token);
  }
});
