import assert from "node:assert/strict";
import { parseEnv } from "node:util";
import { checkFunctionsEnv, loadFunctionsEnv, readFunctionsEnv } from "./functions-env.ts";

const example = parseEnv(Deno.readTextFileSync(new URL("../../supabase/functions/.env.example", import.meta.url)));

async function withEnvFile(text: string, fn: () => Promise<void>) {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, text);
  Deno.env.set("FUNCTIONS_ENV_FILE", file);
  try {
    await fn();
  } finally {
    Deno.env.delete("FUNCTIONS_ENV_FILE");
    await Deno.remove(file);
  }
}

Deno.test("a partial env file overrides only the keys it names; .env.example gives the rest", async () => {
  await withEnvFile('# c\nGITHUB_TOKEN=real-token\n export B = "two"\n\nC=x=y\n', async () => {
    const env = await readFunctionsEnv();
    assert.equal(env.GITHUB_TOKEN, "real-token");
    assert.deepEqual([env.B, env.C], ["two", "x=y"]);
    assert.equal(env.POLAR_WEBHOOK_SECRET, example.POLAR_WEBHOOK_SECRET, "kept from .env.example");
  });
});

Deno.test("readFunctionsEnv() falls back to the committed .env.example's local values", async () => {
  const env = await readFunctionsEnv();
  assert.match(env.POLAR_WEBHOOK_SECRET ?? "", /^whsec_/);
});

Deno.test("a required key left empty is named, with the file to fix, before anything starts", async () => {
  await withEnvFile("GITHUB_TOKEN=\nPOLAR_WEBHOOK_SECRET=  \n", async () => {
    await assert.rejects(checkFunctionsEnv(), (e: Error) => {
      assert.match(e.message, /the edge functions need POLAR_WEBHOOK_SECRET, GITHUB_TOKEN, but they are empty/);
      assert.match(e.message, /give them values in \/tmp\/.*\(or delete the empty line there/);
      return true;
    });
  });
});

Deno.test("SUPABASE_* names are reserved: reported and not given to functions", async () => {
  await withEnvFile("SUPABASE_DB_URL=postgres://elsewhere\nOTHER=1\n", async () => {
    const env = await loadFunctionsEnv();
    assert.deepEqual(env.reserved, ["SUPABASE_DB_URL"]);
    assert.equal(env.values.SUPABASE_DB_URL, undefined);
    assert.equal(env.values.OTHER, "1");
  });
});

Deno.test("a FUNCTIONS_ENV_FILE that does not exist is an error naming it", async () => {
  Deno.env.set("FUNCTIONS_ENV_FILE", "/nonexistent/functions.env");
  try {
    await assert.rejects(readFunctionsEnv(), /FUNCTIONS_ENV_FILE=\/nonexistent\/functions.env does not exist/);
  } finally {
    Deno.env.delete("FUNCTIONS_ENV_FILE");
  }
});
