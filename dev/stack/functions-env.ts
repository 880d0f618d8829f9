// The secrets the local stack gives edge functions, as `supabase secrets set --env-file` would on
// hosted Supabase: FUNCTIONS_ENV_FILE (a file outside the checkout, e.g. a real GITHUB_TOKEN),
// else supabase/functions/.env, else the committed supabase/functions/.env.example. One place
// decides, for the gateway, the services supervisor, the demo and the dev senders.
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { projectRoot } from "./config.ts";

const functionsDir = join(projectRoot, "supabase", "functions");

export function functionsEnvPath(): string | null {
  const override = Deno.env.get("FUNCTIONS_ENV_FILE");
  if (override) {
    const path = resolve(Deno.cwd(), override);
    try {
      Deno.statSync(path);
    } catch {
      throw new Error(`FUNCTIONS_ENV_FILE=${override} does not exist: point it at a KEY=value file or unset it`);
    }
    return path;
  }
  for (const f of [".env", ".env.example"]) {
    try {
      Deno.statSync(join(functionsDir, f));
      return join(functionsDir, f);
    } catch { /* next */ }
  }
  return null;
}

/** The KEY=value pairs of that file (node:util's dotenv parser), or {} when there is none. */
export async function readFunctionsEnv(): Promise<Record<string, string>> {
  const path = functionsEnvPath();
  return path ? { ...parseEnv(await Deno.readTextFile(path)) } as Record<string, string> : {};
}
