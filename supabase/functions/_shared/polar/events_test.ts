import assert from "node:assert/strict";
import { eventTimeOf } from "./events.ts";

Deno.test("eventTimeOf() prefers the payload timestamp and falls back to the signed header", () => {
  assert.equal(
    eventTimeOf({ timestamp: "2026-01-02T03:04:05Z" }, "1").toISOString(),
    "2026-01-02T03:04:05.000Z",
  );
  assert.equal(
    eventTimeOf({ timestamp: "nonsense" }, "1700000000").toISOString(),
    "2023-11-14T22:13:20.000Z",
  );
  assert.equal(eventTimeOf(null, "1700000000").getTime(), 1_700_000_000_000);
});
