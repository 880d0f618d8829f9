// How GitHub's GraphQL answers are classified: only a document GitHub refuses is "invalid" (a bug,
// permanent); a query that timed out on GitHub's side, answered with HTTP 200 and an error without
// a type, is "transient" so the worker retries it with a smaller page.
import assert from "node:assert/strict";
import { classifyGithubError, createGithubClient, GithubError } from "./graphql.ts";

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
  assert.equal(kindOf([{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }]), "not_found");
  assert.equal(kindOf([{ type: "FORBIDDEN", message: "Resource protected by organization SAML enforcement." }]), "forbidden");
  assert.equal(kindOf([{ type: "INSUFFICIENT_SCOPES", message: "Your token has not been granted the required scopes" }]), "forbidden");
  assert.equal(classifyGithubError({ message: "limit", errors: [{ type: "RATE_LIMITED" }], headers: { "x-ratelimit-reset": "2000000000" } }).details.resetAt,
    new Date(2e12).toISOString());
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
