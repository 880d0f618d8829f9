// How GitHub's GraphQL answers are classified: only a document GitHub refuses is "invalid" (a bug,
// permanent); a query that timed out on GitHub's side, answered with HTTP 200 and an error without
// a type, is "transient" so the worker retries it with a smaller page.
import assert from "node:assert/strict";
import { classifyGithubError, createGithubClient, GithubError, parseScopeShortfall } from "./graphql.ts";

const TIMEOUT_MESSAGE =
  "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `0400:1F2E:3D4C` when reporting this issue.";

const kindOf = (errors: Record<string, unknown>[]) => classifyGithubError({ message: "failed", errors }).kind;

Deno.test("classifyGithubError: GitHub's query timeout without a type is transient, whole or on a nested path", () => {
  assert.equal(kindOf([{ message: TIMEOUT_MESSAGE }]), "transient");
  assert.equal(kindOf([{ message: TIMEOUT_MESSAGE, path: ["repository", "pullRequests"], locations: [{ line: 4, column: 5 }] }]), "transient");
  assert.equal(kindOf([{ message: "We couldn't respond to your request in time. Sorry about that." }]), "transient");
});

Deno.test("classifyGithubError: INTERNAL, SERVICE_UNAVAILABLE, unknown types and untyped execution errors are transient", () => {
  assert.equal(kindOf([{ type: "INTERNAL", message: "internal error" }]), "transient");
  assert.equal(kindOf([{ type: "SERVICE_UNAVAILABLE", message: "try later" }]), "transient");
  assert.equal(kindOf([{ type: "SOMETHING_NEW", message: "?" }]), "transient");
  assert.equal(kindOf([{ message: "Something odd", path: ["repository"] }]), "transient");
});

Deno.test("classifyGithubError: parse and validation errors are invalid", () => {
  // graphql-ruby static validation, as GitHub answers an unknown field.
  assert.equal(kindOf([{
    path: ["query", "repository", "pullRequest", "viewerCanEditFiles"],
    extensions: { code: "undefinedField", typeName: "PullRequest", fieldName: "viewerCanEditFiles" },
    locations: [{ line: 3, column: 5 }],
    message: "Field 'viewerCanEditFiles' doesn't exist on type 'PullRequest'",
  }]), "invalid");
  // A variable of the wrong type.
  assert.equal(kindOf([{
    extensions: { value: "x", problems: [{ path: [], explanation: "Could not coerce value \"x\" to Int" }] },
    locations: [{ line: 1, column: 20 }],
    message: "Variable $first of type Int! was provided invalid value",
  }]), "invalid");
  assert.equal(kindOf([{ message: "Parse error on \"}\" (RCURLY) at [1, 10]", locations: [{ line: 1, column: 10 }] }]), "invalid");
  // graphql-js validation (the simulator): a place in the document, no executed field.
  assert.equal(kindOf([{ message: "Cannot query field \"nope\" on type \"Repository\".", locations: [{ line: 2, column: 3 }] }]), "invalid");
  // A validation message that merely mentions a timeout is still a validation error.
  assert.equal(kindOf([{ extensions: { code: "undefinedField" }, message: "Field 'timed out' doesn't exist on type 'X'" }]), "invalid");
  for (const type of ["MAX_NODE_LIMIT_EXCEEDED", "EXCESSIVE_PAGINATION", "MISSING_PAGINATION_BOUNDARIES"]) {
    assert.equal(kindOf([{ type, message: "refused" }]), "invalid", type);
  }
});

Deno.test("classifyGithubError: typed access and limit errors keep their kinds", () => {
  assert.equal(kindOf([{ type: "NOT_FOUND", path: ["repository"], message: "Could not resolve to a Repository with the name 'a/b'." }]), "not_found");
  assert.equal(kindOf([{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }]), "not_found", "no path: the repository");
  assert.equal(kindOf([{ type: "FORBIDDEN", message: "Resource protected by organization SAML enforcement." }]), "forbidden");
  assert.equal(classifyGithubError({ message: "limit", errors: [{ type: "RATE_LIMITED" }], headers: { "x-ratelimit-reset": "2000000000" } }).details.resetAt,
    new Date(2e12).toISOString());
  assert.equal(kindOf([{ type: "ARGUMENT_LIMIT", path: ["nodes"], message: "You may not provide more than 100 node ids; you provided 101." }]), "invalid",
    "more than 100 ids is a bug of the query, not worth another try");
});

// GitHub's wording, as the simulator and many clients quote it.
const SCOPES_MESSAGE = "Your token has not been granted the required scopes to execute this query. The 'discussions' field requires " +
  "one of the following scopes: ['public_repo', 'repo'], but your token has only been granted the: ['read:org', 'gist'] scopes. " +
  "Please modify your token's scopes at: https://github.com/settings/tokens.";

Deno.test("classifyGithubError: INSUFFICIENT_SCOPES is its own kind, with the field and the scopes parsed from the message", () => {
  const e = classifyGithubError({ message: "failed", errors: [{ type: "INSUFFICIENT_SCOPES", locations: [{ line: 4, column: 5 }], message: SCOPES_MESSAGE }] });
  assert.equal(e.kind, "insufficient_scopes");
  assert.deepEqual(e.details.scopes, { field: "discussions", required: ["public_repo", "repo"], granted: ["read:org", "gist"] });
  assert.deepEqual(parseScopeShortfall("Your token has not been granted the required scopes"), { field: null, required: [], granted: [] },
    "another wording still classifies, with nothing parsed");
});

Deno.test("classifyGithubError: HTTP 401 Bad credentials is bad_credentials, distinct from a repository's FORBIDDEN", () => {
  assert.equal(classifyGithubError({ status: 401, message: "Bad credentials" }).kind, "bad_credentials");
  assert.equal(classifyGithubError({ status: 403, message: "Resource not accessible by integration" }).kind, "forbidden");
});

Deno.test("classifyGithubError: NOT_FOUND on a looked-up node is item_not_found with the partial data; beside other errors it is transient", () => {
  const data = { rateLimit: { cost: 1 }, nodes: [{ id: "A" }, null] };
  const e = classifyGithubError({
    message: "failed", data,
    errors: [{ type: "NOT_FOUND", path: ["nodes", 1], message: "Could not resolve to a node with the global id of 'B'" }],
  });
  assert.equal(e.kind, "item_not_found");
  assert.deepEqual(e.details.data, data);
  assert.deepEqual(e.details.paths, [["nodes", 1]]);
  assert.equal(kindOf([{ type: "NOT_FOUND", path: ["node"], message: "Could not resolve to a node with the global id of 'X'" }]), "item_not_found");
  assert.equal(kindOf([{ type: "NOT_FOUND", path: ["repository", "p12"], message: "Could not resolve to a PullRequest with the number of 12." }]),
    "item_not_found");
  assert.equal(kindOf([{ type: "NOT_FOUND", path: ["nodes", 0] }, { message: TIMEOUT_MESSAGE }]), "transient");
});

Deno.test("the client keeps the partial data of an answer whose looked-up node was deleted", async () => {
  const client = createGithubClient({
    baseUrl: "http://gh.test",
    token: "t",
    fetch: (() => Promise.resolve(Response.json({
      data: { node: null },
      errors: [{ type: "NOT_FOUND", path: ["node"], locations: [{ line: 1, column: 9 }], message: "Could not resolve to a node with the global id of 'X'" }],
    }))) as typeof fetch,
  });
  await assert.rejects(client.query("query { node(id: \"X\") { id } }", {}, 1000), (e: unknown) => {
    assert.ok(e instanceof GithubError);
    assert.equal(e.kind, "item_not_found");
    assert.deepEqual(e.details.data, { node: null });
    return true;
  });
});

Deno.test("the client turns GitHub's HTTP 200 timeout answer into a transient GithubError", async () => {
  const client = createGithubClient({
    baseUrl: "http://gh.test",
    token: "t",
    fetch: (() => Promise.resolve(Response.json({ data: null, errors: [{ message: TIMEOUT_MESSAGE }] }))) as typeof fetch,
  });
  await assert.rejects(client.query("query { viewer { login } }", {}, 1000), (e: unknown) => {
    assert.ok(e instanceof GithubError);
    assert.equal(e.kind, "transient");
    assert.match(e.message, /Something went wrong while executing your query/);
    return true;
  });
});
