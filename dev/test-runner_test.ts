import assert from "node:assert/strict";
import { join } from "node:path";
import { discoverSuites, isDenoTestFile, localGraphs, runDenoTests, type Suite } from "./test-runner.ts";

const SUITES: Suite[] = [
  { dir: "db", kind: "pgTAP", expects: "pgTAP files" },
  { dir: "e2e", kind: "deno", expects: "e2e tests" },
];

async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "test-runner-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

Deno.test("isDenoTestFile() follows deno's default pattern", () => {
  for (const n of ["a_test.ts", "a.test.ts", "test.ts", "x.y_test.mts"]) assert.equal(isDenoTestFile(n), true, n);
  for (const n of ["a.ts", "attest.ts", "a_test.sql", "testing.ts"]) assert.equal(isDenoTestFile(n), false, n);
});

Deno.test("discoverSuites() finds every suite's files", async () => {
  const root = await tree({ "db/a/x.test.sql": "", "db/_setup.sql": "", "e2e/y.test.ts": "", "e2e/helpers.ts": "" });
  try {
    const d = await discoverSuites(root, SUITES);
    assert.deepEqual(d.problems, []);
    assert.deepEqual(d.sqlFiles, [join(root, "db/a/x.test.sql")]);
    assert.deepEqual(d.denoFiles, [join(root, "e2e/y.test.ts")]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("discoverSuites() reports a missing suite and one without test files", async () => {
  const root = await tree({ "e2e/helpers.ts": "" });
  try {
    const d = await discoverSuites(root, SUITES);
    assert.equal(d.problems.length, 2);
    assert.match(d.problems[0], /^suite db is missing: expected a directory of pgTAP files/);
    assert.match(d.problems[1], /^suite e2e holds no test file: expected e2e tests/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("localGraphs() lists the local modules each test file loads", async () => {
  const root = await tree({
    "a_test.ts": 'import { x } from "./lib/x.ts";\nDeno.test("a", () => void x);\n',
    "b_test.ts": 'Deno.test("b", () => {});\n',
    "lib/x.ts": 'export { y as x } from "./y.ts";\n',
    "lib/y.ts": "export const y = 1;\n",
  });
  try {
    const g = await localGraphs([join(root, "a_test.ts"), join(root, "b_test.ts")]);
    assert.deepEqual([...g.get(join(root, "a_test.ts"))!].sort(), [join(root, "a_test.ts"), join(root, "lib/x.ts"), join(root, "lib/y.ts")]);
    assert.deepEqual([...g.get(join(root, "b_test.ts"))!], [join(root, "b_test.ts")]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runDenoTests() runs the files that type-check and counts each file that does not as a failure", async () => {
  const root = await tree({
    "good_test.ts": 'Deno.test("good", () => {});\nDeno.test({ name: "later", ignore: true, fn: () => {} });\n',
    "uses_bad_test.ts": 'import { x } from "./bad.ts";\nDeno.test("uses bad", () => void x);\n',
    "also_bad_test.ts": 'const n: number = "one";\nDeno.test("also bad", () => void n);\n',
    "bad.ts": 'export const x: number = "str";\n',
  });
  try {
    const files = ["good_test.ts", "uses_bad_test.ts", "also_bad_test.ts"].map((f) => join(root, f));
    const t = await runDenoTests(files, { ...Deno.env.toObject(), NO_COLOR: "1" }, () => {}, false);
    assert.deepEqual([t.passed, t.failed, t.skipped], [1, 2, 1]);
    assert.equal(t.problems.length, 1);
    assert.match(t.problems[0], /^deno: 2 of 3 test files did not run: they do not type-check or load because of /);
    assert.match(t.problems[0], /bad\.ts/);
    assert.match(t.problems[0], /Not run: .*also_bad_test\.ts, .*uses_bad_test\.ts$/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
