import assert from "node:assert/strict";

async function cli(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", new URL("./cli.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("cli --help prints the usage and exits 0", async () => {
  for (const flag of ["--help", "-h"]) {
    const r = await cli(flag);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: deno run -A dev\/cli.ts <command>/);
    assert.match(r.stdout, /reset +down, remove the cluster and its state, up again with supabase\/seed.sql/);
  }
});

Deno.test("an unknown option or command is refused with the usage, exit 2", async () => {
  const option = await cli("status", "--bogus");
  assert.equal(option.code, 2);
  assert.match(option.stderr, /Unknown option '--bogus'[\s\S]*usage: /);
  const command = await cli("frobnicate");
  assert.equal(command.code, 2);
  assert.match(command.stderr, /unknown command "frobnicate"[\s\S]*usage: /);
});
