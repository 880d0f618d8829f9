import assert from "node:assert/strict";
import { tallyDeno, tallyTap } from "./test-runner.ts";

Deno.test("tallyTap() counts ok and not ok lines from pg_prove --verbose", () => {
  const out = "t/a.test.sql ..\n1..3\nok 1 - one\nnot ok 2 - two\n# Failed test 2\nok 3 - three\n";
  assert.deepEqual(tallyTap(out, 1), { passed: 2, failed: 1 });
});

Deno.test("tallyTap() counts a failed run without failed assertions as one failure", () => {
  assert.deepEqual(tallyTap("ok 1 - one\n# Looks like you planned 2 tests but ran 1.\n", 1), { passed: 1, failed: 1 });
});

Deno.test("tallyDeno() reads deno test's summary with steps", () => {
  assert.deepEqual(tallyDeno("ok | 12 passed (3 steps) | 0 failed (2s)\n", 0), { passed: 12, failed: 0 });
  assert.deepEqual(tallyDeno("FAILED | 4 passed | 2 failed (1s)\n", 1), { passed: 4, failed: 2 });
});

Deno.test("tallyDeno() treats a crash without a summary as a failure", () => {
  assert.deepEqual(tallyDeno("error: Module not found\n", 1), { passed: 0, failed: 1 });
});
