import { deepEqual as assertEquals, rejects } from "node:assert/strict";
import { createRestClient } from "./rest.ts";
import { GithubError } from "./graphql.ts";

function clientAnswering(status: number, body: string, headers: Record<string, string> = {}) {
  return createRestClient({
    baseUrl: "http://gh.test/",
    token: "t",
    fetch: (() => Promise.resolve(new Response(body, { status, headers }))) as typeof fetch,
  });
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    return e instanceof GithubError ? e.kind : `other: ${e}`;
  }
}

Deno.test("get() returns the body and the REST budget from the x-ratelimit headers", async () => {
  const r = await clientAnswering(200, "[1,2]", {
    "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4990", "x-ratelimit-reset": "2000000000",
  }).get<number[]>("/x", 1000);
  assertEquals(r.data, [1, 2]);
  assertEquals(r.rateLimit, { cost: 1, remaining: 4990, limit: 5000, resetAt: new Date(2e12).toISOString() });
});

Deno.test("get() classifies failures like the GraphQL client", async () => {
  assertEquals(await kindOf(clientAnswering(404, '{"message":"Not Found"}').get("/x", 1000)), "not_found");
  assertEquals(await kindOf(clientAnswering(403, "{}", { "retry-after": "30" }).get("/x", 1000)), "secondary");
  assertEquals(await kindOf(clientAnswering(429, "{}").get("/x", 1000)), "secondary");
  assertEquals(await kindOf(clientAnswering(403, "{}", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "2000000000" }).get("/x", 1000)), "rate_limited");
  assertEquals(await kindOf(clientAnswering(401, '{"message":"Bad credentials","status":"401"}').get("/x", 1000)), "bad_credentials");
  assertEquals(await kindOf(clientAnswering(403, '{"message":"Resource not accessible by integration"}').get("/x", 1000)), "forbidden");
  assertEquals(await kindOf(clientAnswering(502, "bad gateway").get("/x", 1000)), "transient");
  assertEquals(await kindOf(clientAnswering(202, "{}").get("/x", 1000)), "unreadable", "202 Accepted: GitHub is still computing it");
  assertEquals(await kindOf(clientAnswering(200, "{not json").get("/x", 1000)), "transient");
});

Deno.test("get() turns a timeout into a transient error", async () => {
  const client = createRestClient({
    baseUrl: "http://gh.test",
    token: "t",
    fetch: ((_u: string, init: RequestInit) =>
      new Promise((_r, reject) => init.signal!.addEventListener("abort", () => reject(init.signal!.reason)))) as typeof fetch,
  });
  await rejects(client.get("/x", 20), (e: unknown) => e instanceof GithubError && e.kind === "transient");
});

Deno.test("get() returns the Link header's next page, follows absolute URLs on the API's origin only", async () => {
  const seen: string[] = [];
  const client = createRestClient({
    baseUrl: "http://gh.test",
    token: "t",
    fetch: ((url: string) => {
      seen.push(url);
      return Promise.resolve(new Response("[]", {
        headers: { link: '<http://gh.test/repositories/1/pulls/comments?page=1>; rel="prev", <http://gh.test/repositories/1/pulls/comments?page=3>; rel="next"' },
      }));
    }) as typeof fetch,
  });
  const r = await client.get<unknown[]>("/repos/o/r/pulls/comments?page=2", 1000);
  assertEquals(r.next, "http://gh.test/repositories/1/pulls/comments?page=3");
  await client.get(r.next!, 1000);
  assertEquals(seen, ["http://gh.test/repos/o/r/pulls/comments?page=2", "http://gh.test/repositories/1/pulls/comments?page=3"]);
  assertEquals(await kindOf(client.get("http://elsewhere.test/x", 1000)), "invalid");
  assertEquals(seen.length, 2);
});
