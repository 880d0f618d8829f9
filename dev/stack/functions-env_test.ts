import assert from "node:assert/strict";
import { readFunctionsEnv } from "./functions-env.ts";

Deno.test("readFunctionsEnv() reads FUNCTIONS_ENV_FILE's KEY=value lines and skips comments", async () => {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, '# c\nA=1\n export B = "two"\n\nC=x=y\n');
  Deno.env.set("FUNCTIONS_ENV_FILE", file);
  try {
    assert.deepEqual(await readFunctionsEnv(), { A: "1", B: "two", C: "x=y" });
  } finally {
    Deno.env.delete("FUNCTIONS_ENV_FILE");
    await Deno.remove(file);
  }
});

Deno.test("readFunctionsEnv() falls back to the committed .env.example's local values", async () => {
  const env = await readFunctionsEnv();
  assert.match(env.POLAR_WEBHOOK_SECRET ?? "", /^whsec_/);
});

Deno.test("a FUNCTIONS_ENV_FILE that does not exist is an error naming it", async () => {
  Deno.env.set("FUNCTIONS_ENV_FILE", "/nonexistent/functions.env");
  try {
    await assert.rejects(readFunctionsEnv(), /FUNCTIONS_ENV_FILE=\/nonexistent\/functions.env does not exist/);
  } finally {
    Deno.env.delete("FUNCTIONS_ENV_FILE");
  }
});
