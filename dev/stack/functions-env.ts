// The secrets the local stack gives edge functions, as `supabase secrets set --env-file` would on
// hosted Supabase. Layers, later ones winning key by key: the committed
// supabase/functions/.env.example (local values of every secret the functions read), then
// FUNCTIONS_ENV_FILE (a file outside the checkout, e.g. a real GITHUB_TOKEN) or else
// supabase/functions/.env. A partial .env therefore only overrides what it names. One place
// decides, for the gateway, the services supervisor, the demo and the dev senders.
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { projectRoot } from "./config.ts";
import { StackError } from "./proc.ts";

const functionsDir = join(projectRoot, "supabase", "functions");
const examplePath = join(functionsDir, ".env.example");

export interface FunctionsEnv {
  /** The merged KEY=value pairs, reserved names left out. */
  values: Record<string, string>;
  /** The files read, in order. */
  layers: string[];
  /** Keys every layer set defines (those of .env.example): the functions need them. */
  required: string[];
  /** SUPABASE_* names found in a layer: reserved on hosted Supabase, so not given to functions. */
  reserved: string[];
}

const exists = (path: string) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
};

/** The files that make up the functions' environment, in the order they are applied. */
export function functionsEnvLayers(): string[] {
  const layers = exists(examplePath) ? [examplePath] : [];
  const override = Deno.env.get("FUNCTIONS_ENV_FILE");
  if (override) {
    const path = resolve(Deno.cwd(), override);
    if (!exists(path)) {
      throw new Error(`FUNCTIONS_ENV_FILE=${override} does not exist: point it at a KEY=value file or unset it`);
    }
    layers.push(path);
  } else if (exists(join(functionsDir, ".env"))) {
    layers.push(join(functionsDir, ".env"));
  }
  return layers;
}

const parse = async (path: string) => ({ ...parseEnv(await Deno.readTextFile(path)) }) as Record<string, string>;

export async function loadFunctionsEnv(): Promise<FunctionsEnv> {
  const layers = functionsEnvLayers();
  const values: Record<string, string> = {};
  const reserved = new Set<string>();
  for (const path of layers) {
    for (const [k, v] of Object.entries(await parse(path))) {
      if (k.startsWith("SUPABASE_")) reserved.add(k);
      else values[k] = v;
    }
  }
  const required = layers[0] === examplePath ? Object.keys(await parse(examplePath)) : [];
  return { values, layers, required, reserved: [...reserved] };
}

/** The merged KEY=value pairs (node:util's dotenv parser), or {} when there is no file. */
export async function readFunctionsEnv(): Promise<Record<string, string>> {
  return (await loadFunctionsEnv()).values;
}

const shown = (path: string) => path.startsWith(projectRoot + "/") ? path.slice(projectRoot.length + 1) : path;

/** The environment, or a StackError naming every required key left empty and the file to fix. */
export async function checkFunctionsEnv(): Promise<FunctionsEnv> {
  let env: FunctionsEnv;
  try {
    env = await loadFunctionsEnv();
  } catch (e) {
    throw new StackError((e as Error).message);
  }
  const missing = env.required.filter((k) => !env.values[k]?.trim());
  if (missing.length > 0) {
    const top = shown(env.layers[env.layers.length - 1]);
    throw new StackError(
      `the edge functions need ${missing.join(", ")}, but ${missing.length === 1 ? "it is" : "they are"} empty after reading ` +
        `${env.layers.map(shown).join(" then ")}: give ${missing.length === 1 ? "it a value" : "them values"} in ${top} ` +
        `(or delete the empty line there to use the value of supabase/functions/.env.example)`,
    );
  }
  return env;
}
