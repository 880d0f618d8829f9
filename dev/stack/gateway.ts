// The local API gateway on API_URL, standing in for Supabase's Kong + services:
// - /functions/v1/<name>: edge functions, each in its own Deno process (started on the first
//   request, restarted if it dies) with the environment Supabase gives functions plus the
//   project's secrets (dev/stack/functions-env.ts), under hosted Supabase's limits
//   (dev/stack/functions/); `verify_jwt` as configured in config.toml.
// - /rest/v1/…: the PostgREST stand-in (dev/stack/rest), in this process.
// - /realtime/v1/websocket: the Realtime stand-in (dev/stack/realtime), in this process.
import { join } from "node:path";
import { parse as parseToml } from "npm:smol-toml@1.9.1";
import { projectRoot } from "./config.ts";
import { apiKeys, verifyToken } from "./keys.ts";
import { loadFunctionsEnv } from "./functions-env.ts";
import { createFunctionPool } from "./functions/pool.ts";
import { describeLimits, type FunctionLimits, limitsFromEnv } from "./functions/limits.ts";
import { createRest } from "./rest/server.ts";
import { createRealtime } from "./realtime/server.ts";

export interface GatewayOptions {
  port: number;
  jwtSecret: string;
  /** Environment every function gets (SUPABASE_URL, keys, DB URL, GITHUB_API_URL …). */
  env: Record<string, string>;
  log: (s: string) => void;
  /** Connection string for role authenticator (the REST stand-in logs in as it, like PostgREST). */
  restDbUrl: string;
  /** A privileged connection string for the Realtime stand-in (LISTEN, authorization probes). */
  realtimeDbUrl: string;
  /** Hosted limits for every function (default: STACK_FN_* from the environment, else the free plan's). */
  limits?: FunctionLimits;
}

// What a function process inherits from ours besides what `env` gives it: where Deno keeps its
// cache and temporary files. Nothing else leaks in (hosted functions see only their secrets).
const passthrough = ["DENO_DIR", "TMPDIR", "TZ", "LANG"];

const functionsDir = join(projectRoot, "supabase", "functions");

interface ProjectConfig {
  api?: { schemas?: string[]; extra_search_path?: string[]; max_rows?: number };
  functions?: Record<string, { verify_jwt?: boolean }>;
}

const readConfig = () =>
  parseToml(Deno.readTextFileSync(join(projectRoot, "supabase", "config.toml"))) as ProjectConfig;

function verifyJwtSetting(name: string): boolean {
  return readConfig().functions?.[name]?.verify_jwt ?? true;
}

function functionExists(name: string): boolean {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name) || name.startsWith("_")) return false;
  try {
    return Deno.statSync(join(functionsDir, name, "index.ts")).isFile;
  } catch {
    return false;
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export async function startGateway(opts: GatewayOptions) {
  const keys = await apiKeys(opts.jwtSecret);
  const api = readConfig().api ?? {};
  const rest = createRest({
    dbUrl: opts.restDbUrl,
    jwtSecret: opts.jwtSecret,
    keys,
    schemas: api.schemas ?? ["public"],
    extraSearchPath: api.extra_search_path ?? ["public", "extensions"],
    maxRows: api.max_rows ?? null,
  });
  const realtime = createRealtime({ dbUrl: opts.realtimeDbUrl, jwtSecret: opts.jwtSecret, keys, log: opts.log });
  await realtime.ready;

  const secrets = await loadFunctionsEnv();
  if (secrets.reserved.length > 0) {
    opts.log(`functions env: skipping ${secrets.reserved.join(", ")}: names starting with SUPABASE_ are reserved on ` +
      "hosted Supabase (supabase secrets set refuses them); rename them");
  }
  const limits = opts.limits ?? limitsFromEnv();
  const inherited = Object.fromEntries(passthrough.flatMap((k) => Deno.env.get(k) ? [[k, Deno.env.get(k)!]] : []));
  const functions = createFunctionPool({
    functionsDir,
    env: { ...inherited, ...secrets.values, ...opts.env },
    limits,
    log: opts.log,
  });
  opts.log(`edge functions run under hosted limits: ${describeLimits(limits)}`);

  const server = Deno.serve({ hostname: "127.0.0.1", port: opts.port, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/health") {
      return json(200, {
        status: "ok",
        functions: functions.running(),
        rest: await rest.ping(),
        realtime: { listening: true, channels: realtime.channelCount() },
      });
    }
    if (url.pathname === "/rest/v1" || url.pathname.startsWith("/rest/v1/")) {
      return await rest.handle(req, url.pathname.slice("/rest/v1".length) || "/");
    }
    if (url.pathname === "/realtime/v1/websocket") return await realtime.upgrade(req, url);
    const m = /^\/functions\/v1\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) {
      return json(404, {
        msg: `no route for ${url.pathname}: the local gateway serves /functions/v1/<name>, /rest/v1/… and /realtime/v1/websocket`,
      });
    }
    const [, name, subPath = ""] = m;
    if (!functionExists(name)) return json(404, { msg: `Requested function ${name} was not found` });
    if (verifyJwtSetting(name)) {
      const auth = req.headers.get("authorization") ?? "";
      const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
      if (!token) return json(401, { msg: "Missing authorization header" });
      try {
        await verifyToken(opts.jwtSecret, token);
      } catch {
        return json(401, { msg: "Invalid JWT" });
      }
    }
    return await functions.invoke(name, req, subPath);
  });

  return {
    async close() {
      await functions.close();
      await server.shutdown();
      await rest.close();
      await realtime.close();
    },
    /** Kills a function's process, as a crash would (used by crash-safety tests). */
    kill(name: string) {
      functions.kill(name);
    },
    /** Pids of the function processes alive now. */
    functionPids: () => functions.pids(),
  };
}
