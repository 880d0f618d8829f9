// The reliability suite in short (`npm run soak` runs it for minutes): six workspaces with
// overlapping repositories, jobs of every kind (initial, the addon through the real
// polar-webhook, manual, scheduled, some cancelled), four in-process workers killed at random
// chunk boundaries and mid-flight, a simulator with 502/504s, secondary limits, hangs and a small
// budget on a 15 s window. Only invariants are asserted, so the timing of a run cannot flake it:
// every job terminal, database = ground truth inside the widest finished window, no duplicates,
// every failure recorded with an actionable message, 0 limit violations.
import { deepEqual as assertEquals } from "node:assert/strict";
import { resetEngineState, stackEnv, testDb } from "./_env.ts";
import { runSoak } from "../../../dev/soak/core.ts";
import { printSummary } from "../../../dev/soak/summary.ts";

Deno.test("short soak: mixed workload, faults and random worker kills end exact with 0 violations", async () => {
  const db = testDb();
  await resetEngineState(db).finally(() => db.end());
  const lines: string[] = [];
  const result = await runSoak({
    dbUrl: stackEnv("DB_URL"),
    functionsUrl: stackEnv("FUNCTIONS_URL"),
    seed: 7,
    durationMs: 35_000,
    scale: "short",
    workers: 4,
    cleanUp: true,
    log: (s) => lines.push(s),
  });
  printSummary(result, (s) => lines.push(s));
  if (!result.ok) console.log(lines.join("\n"));
  assertEquals(result.verification.problems, []);
  assertEquals(result.verification.violations, { total: 0, primary: 0, secondary: 0 });
  // The run did exercise what it is about (these hold for any timing of seed 7's plan).
  assertEquals(result.actions.initial, 6);
  assertEquals(
    result.actions.addon >= 1,
    true,
    "at least one addon purchase went through the webhook",
  );
  assertEquals(result.workers.crashes + result.workers.aborts > 0, true, "workers were killed");
});
