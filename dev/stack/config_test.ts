import assert from "node:assert/strict";
import { commandFor, configEnv, stackConfig } from "./config.ts";

const names = ["STACK_DB_PORT", "STACK_API_PORT", "STACK_GITHUB_PORT", "STACK_TEST_DB_PORT", "STACK_TEST_API_PORT",
  "STACK_TEST_GITHUB_PORT", "STACK_STATE_DIR"];

function withEnv(vars: Record<string, string>, fn: () => void) {
  const saved = Object.fromEntries(names.map((n) => [n, Deno.env.get(n)]));
  for (const n of names) Deno.env.delete(n);
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  try {
    fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
}

Deno.test("the test profile ignores the dev stack's STACK_* ports and reads STACK_TEST_*", () => {
  withEnv({ STACK_DB_PORT: "55222", STACK_API_PORT: "55221", STACK_GITHUB_PORT: "55240" }, () => {
    const t = stackConfig("test");
    assert.deepEqual([t.dbPort, t.apiPort, t.githubPort], [54422, 54421, 54440]);
    const d = stackConfig("dev");
    assert.deepEqual([d.dbPort, d.apiPort, d.githubPort], [55222, 55221, 55240]);
  });
  withEnv({ STACK_TEST_DB_PORT: "56422" }, () => assert.equal(stackConfig("test").dbPort, 56422));
});

Deno.test("configEnv() gives a child process the same config; commandFor() names the ports that differ", () => {
  withEnv({ STACK_TEST_DB_PORT: "56422", STACK_STATE_DIR: "/tmp/elsewhere" }, () => {
    const c = stackConfig("test");
    const child = configEnv(c);
    withEnv(child, () => assert.deepEqual(stackConfig("test"), c));
    assert.equal(commandFor(c, "stack:up"), "STACK_TEST_DB_PORT=56422 npm run stack:up -- --profile test");
  });
  withEnv({}, () => assert.equal(commandFor(stackConfig("dev"), "stack:down"), "npm run stack:down"));
});
