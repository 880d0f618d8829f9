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

Deno.test("stack:up names an empty required secret and stops before starting anything", async () => {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, "GITHUB_TOKEN=\n");
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-prompt", new URL("./cli.ts", import.meta.url).pathname, "up", "--profile", "test"],
      env: { FUNCTIONS_ENV_FILE: file, STACK_TEST_DB_PORT: "1999", STACK_TEST_API_PORT: "1998", STACK_TEST_GITHUB_PORT: "1997" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    assert.match(stderr, /✗ the edge functions need GITHUB_TOKEN, but it is empty after reading supabase\/functions\/.env.example then /);
    assert.doesNotMatch(stderr, /PostgreSQL|services up/);
  } finally {
    await Deno.remove(file);
  }
});
