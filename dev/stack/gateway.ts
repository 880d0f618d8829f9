// The local API gateway on API_URL, standing in for Supabase's Kong + services:
// - /functions/v1/<name>: edge functions, each in its own Deno process (started on the first
//   request, restarted if it dies) with the environment Supabase gives functions plus the
//   project's secrets from supabase/functions/.env; `verify_jwt` as configured in config.toml.
// - /rest/v1/…: the PostgREST stand-in (dev/stack/rest), in this process.
// - /realtime/v1/websocket: the Realtime stand-in (dev/stack/realtime), in this process.
import { join } from "node:path";
import { parse as parseToml } from "npm:smol-toml@1.9.1";
import { projectRoot } from "./config.ts";
import { apiKeys, verifyToken } from "./keys.ts";
import { functionsEnvPath } from "./functions-env.ts";
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
}

interface FunctionProcess {
  child: Deno.ChildProcess;
  port: Promise<number>;
}

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
  const running = new Map<string, FunctionProcess>();
  const envFile = functionsEnvPath();
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

  function spawn(name: string): FunctionProcess {
    const args = ["run", "-A", "--no-prompt"];
    if (envFile) args.push(`--env-file=${envFile}`);
    args.push(join(projectRoot, "dev", "stack", "function-host.ts"), name);
    const child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: projectRoot,
      env: opts.env,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const port = (async () => {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      while (true) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`function ${name} exited before it started listening`);
        buf += value;
        const m = /LISTENING (\d+)/.exec(buf);
        if (m) {
          // Keep forwarding the function's own console output to our log.
          (async () => {
            for (let r = await reader.read(); !r.done; r = await reader.read()) {
              Deno.stdout.writeSync(new TextEncoder().encode(r.value.replace(/^/gm, `[${name}] `)));
            }
          })().catch(() => {});
          return Number(m[1]);
        }
      }
    })();
    const proc = { child, port };
    child.status.then((s) => {
      if (running.get(name) === proc) running.delete(name);
      opts.log(`function ${name} (pid ${child.pid}) exited with code ${s.code}; it restarts on the next request`);
    });
    running.set(name, proc);
    opts.log(`function ${name} started (pid ${child.pid})`);
    return proc;
  }

  async function invoke(name: string, req: Request, subPath: string): Promise<Response> {
    const proc = running.get(name) ?? spawn(name);
    let port: number;
    try {
      port = await proc.port;
    } catch (e) {
      running.delete(name);
      return json(503, { msg: `function ${name} failed to boot: ${(e as Error).message}; see the stack log` });
    }
    const url = new URL(req.url);
    const target = `http://127.0.0.1:${port}/${name}${subPath}${url.search}`;
    const headers = new Headers(req.headers);
    headers.delete("host");
    try {
      // Not tied to the caller's signal: like the edge runtime, a function keeps running when the
      // caller (e.g. pg_net with its 5 s timeout) stops waiting.
      return await fetch(target, {
        method: req.method,
        headers,
        body: req.body,
        redirect: "manual",
      });
    } catch (e) {
      return json(502, { msg: `function ${name} did not answer: ${(e as Error).message}` });
    }
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: opts.port, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/health") {
      return json(200, {
        status: "ok",
        functions: [...running.keys()],
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
    return await invoke(name, req, subPath);
  });

  return {
    async close() {
      for (const { child } of running.values()) {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
      }
      await server.shutdown();
      await rest.close();
      await realtime.close();
    },
    /** Kills a function's process, as a crash would (used by crash-safety tests). */
    kill(name: string) {
      running.get(name)?.child.kill("SIGKILL");
    },
  };
}
