import { deepEqual as assertEquals } from "node:assert/strict";
import { stripNul } from "./ingest.ts";

Deno.test("stripNul() removes NUL from every string of nested rows and keeps the rest", () => {
  assertEquals(
    stripNul({ pull_requests: [{ id: 1, body: "a\u0000b", labels: ["x\u0000"], merged_at: null }], n: 2 }),
    { pull_requests: [{ id: 1, body: "ab", labels: ["x"], merged_at: null }], n: 2 },
  );
});
