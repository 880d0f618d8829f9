import { deepEqual as assertEquals } from "node:assert/strict";
import { restActor, stripNul } from "./ingest.ts";

Deno.test("stripNul() removes NUL from every string of nested rows and keeps the rest", () => {
  assertEquals(
    stripNul({ pull_requests: [{ id: 1, body: "a\u0000b", labels: ["x\u0000"], merged_at: null }], n: 2 }),
    { pull_requests: [{ id: 1, body: "ab", labels: ["x"], merged_at: null }], n: 2 },
  );
});

Deno.test("restActor() stores a REST bot under GraphQL's login, so one account is one contributor; users keep theirs", () => {
  assertEquals(restActor({ id: 49699333, node_id: "MDM6Qm90NDk2OTkzMzM=", login: "dependabot[bot]", type: "Bot", avatar_url: "a" }),
    { id: 49699333, node_id: "MDM6Qm90NDk2OTkzMzM=", login: "dependabot", avatar_url: "a", type: "Bot" });
  assertEquals(restActor({ id: 1, node_id: "U_1", login: "octo[bot]", type: "User" })?.login, "octo[bot]", "only bots are renamed");
  assertEquals(restActor(null), null, "a deleted account (ghost)");
});
