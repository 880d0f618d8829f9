// The stack's long-running processes in one supervisor: the API gateway (edge functions, the
// REST and Realtime stand-ins), the pg_net relay and the GitHub simulator. Started in the background by `stack:up`; stops
// everything it started on SIGTERM/SIGINT.
// usage: deno run -A dev/stack/services.ts <profile>
import { join } from "node:path";
import { apiUrl, dbUrl, githubUrl, type Profile, projectRoot, stackConfig } from "./config.ts";
import { startGateway } from "./gateway.ts";
import { readFunctionsEnv } from "./functions-env.ts";
import { startPolarSimulator } from "./polar-sim.ts";
import { publishableKey, secretKey, signKey } from "./keys.ts";
import { startRelay } from "./relay.ts";

const profile = (Deno.args[0] ?? "dev") as Profile;
const c = stackConfig(profile);
const log = (s: string) => console.log(`${new Date().toISOString()} ${s}`);
await Deno.writeTextFile(join(c.stateDir, "services.pid"), String(Deno.pid));

const anonKey = await signKey(c.jwtSecret, "anon");
const serviceKey = await signKey(c.jwtSecret, "service_role");

// The simulator stands in for api.github.com unless the project's secrets point elsewhere.
const useSimulator = !(await readFunctionsEnv()).GITHUB_API_URL;

const closers: Array<() => Promise<void>> = [];

if (useSimulator) {
  const { createSimulator } = await import(join(projectRoot, "dev", "github-sim", "mod.ts"));
  const sim = createSimulator({});
  const listener = await sim.listen({ hostname: "127.0.0.1", port: c.githubPort });
  closers.push(() => listener.close());
  log(`GitHub simulator on ${githubUrl(c)}`);
}

// Before the gateway: the functions get its URL. Null when the secrets name a real Polar.
const polar = await startPolarSimulator(c, log);
if (polar) closers.push(() => polar.close());

const relay = startRelay(dbUrl(c), log);
closers.push(() => relay.close());
await relay.ready;
log("net relay listening for net.http_request_queue");

const gateway = await startGateway({
  port: c.apiPort,
  jwtSecret: c.jwtSecret,
  log,
  restDbUrl: dbUrl(c, "authenticator", "postgres"),
  realtimeDbUrl: dbUrl(c),
  env: {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/root",
    SUPABASE_URL: apiUrl(c),
    SUPABASE_ANON_KEY: anonKey,
    SUPABASE_SERVICE_ROLE_KEY: serviceKey,
    SUPABASE_DB_URL: dbUrl(c),
    // As hosted Supabase gives them: the new keys as JSON dictionaries. JWT_SECRET (a secret of
    // ours, not SUPABASE_-prefixed) lets functions verify the stack's HS256 user tokens.
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: secretKey }),
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: publishableKey }),
    JWT_SECRET: c.jwtSecret,
    ...(useSimulator ? { GITHUB_API_URL: githubUrl(c) } : {}),
    ...polar?.functionsEnv,
  },
});
closers.push(() => gateway.close());
log(`gateway on ${apiUrl(c)} (functions at /functions/v1/<name>, REST at /rest/v1, Realtime at /realtime/v1/websocket)`);

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  log("stopping services");
  for (const close of closers.reverse()) await close().catch(() => {});
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", shutdown);
Deno.addSignalListener("SIGINT", shutdown);
await Deno.writeTextFile(join(c.stateDir, "services.ready"), new Date().toISOString());
