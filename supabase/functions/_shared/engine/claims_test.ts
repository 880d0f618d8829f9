// Slots of a pass that ask for a task at the same time share one claim query.
import assert from "node:assert/strict";
import { claimOne } from "./claims.ts";
import type { Claim, Pass } from "./pass.ts";

/** A pass whose database answers claim_backfill_tasks from `available` tasks per queue. */
function fakePass(available: Record<string, number>, fail = false) {
  const calls: { queue: string; qty: number }[] = [];
  let next = 1;
  const sql = (_strings: TemplateStringsArray, ...values: unknown[]) => {
    const [queue, qty] = values as [string, number];
    calls.push({ queue, qty });
    if (fail) return Promise.reject(new Error("connection refused"));
    const n = Math.min(qty, available[queue] ?? 0);
    available[queue] = (available[queue] ?? 0) - n;
    return new Promise((r) => setTimeout(r, 5)).then(() => Array.from({ length: n }, () => ({ task_id: next++, queue } as unknown as Claim)));
  };
  const pass = { sql, config: { visibilityTimeoutSeconds: 60 }, report: { claimQueries: 0 } } as unknown as Pass;
  return { pass, calls };
}

Deno.test("slots asking at once share one claim query for as many tasks as they are", async () => {
  const { pass, calls } = fakePass({ backfill_recent: 10 });
  const claims = await Promise.all(Array.from({ length: 4 }, () => claimOne(pass)));
  assert.deepEqual(calls, [{ queue: "backfill_recent", qty: 4 }]);
  assert.deepEqual(claims.map((c) => c!.task_id).sort(), [1, 2, 3, 4], "each slot got its own task");
  assert.equal(pass.report.claimQueries, 1);
});

Deno.test("a shared claim takes what the recent queue lacks from the bulk queue, and null when both run dry", async () => {
  const { pass, calls } = fakePass({ backfill_recent: 1, backfill_bulk: 1 });
  const claims = await Promise.all(Array.from({ length: 3 }, () => claimOne(pass)));
  assert.deepEqual(calls, [{ queue: "backfill_recent", qty: 3 }, { queue: "backfill_bulk", qty: 2 }]);
  assert.deepEqual(claims.map((c) => (c as unknown as { queue: string } | null)?.queue ?? null), ["backfill_recent", "backfill_bulk", null]);
});

Deno.test("slots asking while a claim query runs share the next one", async () => {
  const { pass, calls } = fakePass({ backfill_recent: 10 });
  const first = claimOne(pass);
  await new Promise((r) => setTimeout(r, 1)); // the first query is under way
  const later = Promise.all([claimOne(pass), claimOne(pass)]);
  await Promise.all([first, later]);
  assert.deepEqual(calls, [{ queue: "backfill_recent", qty: 1 }, { queue: "backfill_recent", qty: 2 }]);
});

Deno.test("a failed claim query fails every slot that shared it, and the next ask queries again", async () => {
  const { pass, calls } = fakePass({ backfill_recent: 10 }, true);
  const settled = await Promise.allSettled([claimOne(pass), claimOne(pass)]);
  assert.deepEqual(settled.map((s) => s.status), ["rejected", "rejected"]);
  await assert.rejects(claimOne(pass), /connection refused/);
  assert.equal(calls.length, 2);
});
