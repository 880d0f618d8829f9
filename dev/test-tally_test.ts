import assert from "node:assert/strict";
import { closingLine, denoDidNotStart, denoSummary, erroringFiles, tallyDeno, tallyTap } from "./test-tally.ts";

const file = (name: string, body: string) => `${name} .. \n${body}`;

Deno.test("tallyTap() counts ok, not ok and skipped assertions per pg_prove --verbose file", () => {
  const out = file("t/a.test.sql", "1..4\nok 1 - one\nnot ok 2 - two\n# Failed test 2\nok 3 # SKIP no reason\nok 4 - four\nFailed 1/4 subtests\n");
  const t = tallyTap(out, 1);
  assert.deepEqual([t.passed, t.failed, t.skipped], [2, 1, 1]);
  assert.deepEqual(t.problems, []);
});

Deno.test("tallyTap() counts a file that died without a failed assertion as one failure naming it", () => {
  const t = tallyTap(file("t/b.test.sql", "1..2\nok 1 - one\n# Looks like you planned 2 tests but ran 1.\nDubious, test returned 255 (wstat 65280, 0xff00)\n"), 1);
  assert.deepEqual([t.passed, t.failed], [1, 1]);
  assert.match(t.problems[0], /t\/b\.test\.sql: Dubious/);
});

Deno.test("tallyTap() fails a file whose assertions were all skipped, and a skip_all file", () => {
  const out = file("t/all.test.sql", "1..2\nok 1 # SKIP nothing\nok 2 # SKIP nothing\nok\n") +
    file("t/none.test.sql", "1..0 # SKIP no database\nskipped: no database\n") +
    file("t/fine.test.sql", "1..2\nok 1 # skip one\nok 2 - two\nok\n");
  const t = tallyTap(out, 0);
  assert.deepEqual([t.passed, t.failed, t.skipped], [1, 2, 3]);
  assert.equal(t.problems.length, 2);
  assert.match(t.problems[0], /t\/all\.test\.sql: every assertion was skipped/);
  assert.match(t.problems[1], /t\/none\.test\.sql: every assertion was skipped/);
});

Deno.test("tallyTap() counts a failing exit without any result as one failure", () => {
  const t = tallyTap("psql: error: connection refused\n", 2);
  assert.deepEqual([t.passed, t.failed], [0, 1]);
  assert.match(t.problems[0], /pg_prove exited 2/);
});

Deno.test("tallyDeno() reads deno test's summary with steps and ignored tests", () => {
  assert.deepEqual(tallyDeno("ok | 12 passed (3 steps) | 0 failed (2s)\n", 0), { passed: 12, failed: 0, skipped: 0, problems: [] });
  assert.deepEqual(tallyDeno("FAILED | 4 passed | 2 failed (1s)\n", 1), { passed: 4, failed: 2, skipped: 0, problems: [] });
  assert.deepEqual(denoSummary("ok | 2 passed (1 step) | 0 failed | 1 ignored (1 step) (73ms)\n"), { passed: 2, failed: 0, ignored: 2 });
  assert.deepEqual(denoSummary("FAILED | 2 passed | 1 failed (1 step) | 3 ignored (9ms)"), { passed: 2, failed: 1, ignored: 3 });
});

Deno.test("tallyDeno() treats a crash without a summary as a failure", () => {
  const t = tallyDeno("error: Module not found\n", 1);
  assert.deepEqual([t.passed, t.failed], [0, 1]);
});

Deno.test("erroringFiles() and denoDidNotStart() read a type-check failure", () => {
  const out = "Check a_test.ts\nTS2322 [ERROR]: Type 'string' is not assignable to type 'number'.\n" +
    "export const x: number = \"str\";\n    at file:///tmp/dt/bad.ts:1:14\n\nTS2322 [ERROR]: …\n    at file:///tmp/dt/c%20d_test.ts:1:7\n\n" +
    "Found 2 errors.\n\nerror: Type checking failed.\n";
  assert.equal(denoDidNotStart(out), true);
  assert.deepEqual(erroringFiles(out), ["/tmp/dt/bad.ts", "/tmp/dt/c d_test.ts"]);
  assert.equal(denoDidNotStart("ok | 1 passed | 0 failed (1ms)\nerror: Type checking failed."), false);
});

Deno.test("closingLine() names passed, failed and skipped", () => {
  assert.equal(closingLine({ passed: 3, failed: 1, skipped: 2, problems: [] }), "3 passed, 1 failed, 2 skipped");
});
