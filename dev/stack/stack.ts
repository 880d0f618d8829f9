// Brings the whole local stack up and down: cluster + platform bootstrap + migrations, then the
// services supervisor (gateway, pg_net relay, GitHub simulator) in the background.
import { join } from "node:path";
import { ensureDebianPackages } from "./apt.ts";
import { apiUrl, commandFor, dbUrl, functionsUrl, githubUrl, portSettings, projectRoot, type StackConfig } from "./config.ts";
import { checkFunctionsEnv, readFunctionsEnv } from "./functions-env.ts";
import { polarTarget } from "./polar-sim.ts";
import { servicesState, startServices, stopServices } from "./supervision.ts";
import { publishableKey, secretKey, signKey } from "./keys.ts";
import {
  clusterPid,
  installLocalExtensions,
  pgIsReady,
  psql,
  psqlFile,
  removeCluster,
  startCluster,
  stopCluster,
} from "./postgres.ts";
import { isPortFree, run, StackError } from "./proc.ts";

export type Log = (s: string) => void;

export async function envLines(c: StackConfig): Promise<string> {
  return [
    `API_URL=${apiUrl(c)}`,
    `REST_URL=${apiUrl(c)}/rest/v1`,
    `DB_URL=${dbUrl(c)}`,
    `FUNCTIONS_URL=${functionsUrl(c)}`,
    `GITHUB_API_URL=${githubUrl(c)}`,
    `POLAR_API_URL=${polarTarget(c, await readFunctionsEnv()).url}`,
    `ANON_KEY=${await signKey(c.jwtSecret, "anon")}`,
    `SERVICE_ROLE_KEY=${await signKey(c.jwtSecret, "service_role")}`,
    `PUBLISHABLE_KEY=${publishableKey}`,
    `SECRET_KEY=${secretKey}`,
    `JWT_SECRET=${c.jwtSecret}`,
  ].join("\n");
}

/** The environment tests and scripts get: the same values `stack:up` prints. */
export async function stackEnv(c: StackConfig): Promise<Record<string, string>> {
  return Object.fromEntries((await envLines(c)).split("\n").map((l) => {
    const i = l.indexOf("=");
    return [l.slice(0, i), l.slice(i + 1)];
  }));
}

export async function applyBootstrap(c: StackConfig, log: Log) {
  const dir = join(projectRoot, "dev", "bootstrap");
  const files = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".sql")).map((e) => e.name)
    .sort();
  log(`applying platform bootstrap (${files.length} files from dev/bootstrap)`);
  for (const f of files) await psqlFile(c, join(dir, f));
  // What pg_cron jobs need to call edge functions, kept in vault as on hosted Supabase.
  const serviceKey = await signKey(c.jwtSecret, "service_role");
  await psql(
    c,
    `select vault.create_secret(v, n) from (values ('${apiUrl(c)}', 'project_url'), ('${serviceKey}', 'service_role_key')) s(v, n)
     where not exists (select 1 from vault.secrets where name = s.n);
     select vault.update_secret(id, '${apiUrl(c)}') from vault.secrets where name = 'project_url';`,
  );
}

export async function applyMigrations(c: StackConfig, log: Log) {
  log("applying migrations with the Supabase CLI (supabase migration up)");
  const r = await run("npx", ["--no-install", "supabase", "migration", "up", `--remote=${dbUrl(c)}`, "--include-all", "--yes"], {
    cwd: projectRoot,
  });
  if (r.code !== 0) {
    const text = (r.stderr + "\n" + r.stdout).split("\n").filter((l) => !/nodedir/.test(l)).join("\n").trim();
    throw new StackError(`a migration failed; the stack was stopped.\n${text}`);
  }
}

export interface UpOptions {
  /** Remove the cluster's data first. */
  fresh?: boolean;
  /** Database only: no services. */
  dbOnly?: boolean;
  /** Apply supabase/seed.sql when the cluster is new (as `supabase start` / `db reset` do). */
  seed?: boolean;
}

async function checkPorts(c: StackConfig) {
  const names = portSettings(c.profile);
  const ports = [[c.apiPort, names.api], [c.githubPort, names.github], [c.polarPort, names.polar]] as const;
  for (const [port, setting] of ports) {
    if (!(await isPortFree(port))) {
      throw new StackError(`port ${port} is already taken by another process; free it or set ${setting}=<port>`);
    }
  }
}

export async function up(c: StackConfig, log: Log, opts: UpOptions = {}): Promise<void> {
  await checkFunctionsEnv(); // a missing secret is named before anything starts
  const services = await servicesState(c);
  const dbRunning = await clusterPid(c) !== null;
  if (services.supervisor !== null || (dbRunning && (opts.fresh || opts.dbOnly))) {
    throw new StackError(
      `a stack is already running for this profile (database port ${c.dbPort}, state in ${c.stateDir}); ` +
        `use it (${commandFor(c, "stack:status")}) or stop it first (${commandFor(c, "stack:down")})`,
    );
  }
  await checkPorts(c);
  if (dbRunning) {
    // The database outlived the services (they were stopped or gave up): start them again.
    log(`PostgreSQL is already running on port ${c.dbPort}: applying pending migrations and starting the services`);
    await applyMigrations(c, log);
    await startServices(c, log);
    return;
  }
  await ensureDebianPackages(log);
  await Deno.mkdir(c.stateDir, { recursive: true });
  if (opts.fresh) await removeCluster(c);
  const isNew = await Deno.stat(join(c.dataDir, "PG_VERSION")).then(() => false, () => true);
  await startCluster(c, log);
  try {
    await installLocalExtensions(c);
    await applyBootstrap(c, log);
    await applyMigrations(c, log);
    if (opts.seed && isNew) await applySeed(c, log);
    if (!opts.dbOnly) await startServices(c, log);
  } catch (e) {
    await down(c, () => {});
    throw e;
  }
}

export const seedFile = join(projectRoot, "supabase", "seed.sql");

/** supabase/seed.sql, as `supabase db reset` applies it after the migrations. */
export async function applySeed(c: StackConfig, log: Log) {
  log("applying supabase/seed.sql (the demo workspace \"example\")");
  await psqlFile(c, seedFile);
}

/** Stops everything, removes the cluster and its state, and starts afresh with the seed. */
export async function reset(c: StackConfig, log: Log): Promise<void> {
  await down(c, log);
  await removeCluster(c);
  await Deno.remove(c.stateDir, { recursive: true }).catch(() => {});
  log(`removed the cluster and state in ${c.stateDir}`);
  await up(c, log, { seed: true });
}

export async function down(c: StackConfig, log: Log): Promise<void> {
  await stopServices(c, log);
  if (await stopCluster(c)) log(`PostgreSQL on port ${c.dbPort} stopped`);
  if (c.profile === "test") await removeCluster(c);
}

export async function status(c: StackConfig): Promise<{ healthy: boolean; lines: string[] }> {
  const lines: string[] = [];
  const services = await servicesState(c);
  lines.push(`supervisor ${services.supervisor !== null ? "healthy" : "down"}   ${
    services.supervisor !== null ? `pid ${services.supervisor}, services pid ${services.services ?? "restarting"}` : ""
  }`.trimEnd());
  const db = await pgIsReady(c);
  lines.push(`database   ${db ? "healthy" : "down"}   ${dbUrl(c)}`);
  const probe = async (url: string) => {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.body?.cancel();
      return r.ok;
    } catch {
      return false;
    }
  };
  const gw = await probe(`${apiUrl(c)}/health`);
  lines.push(`functions  ${gw ? "healthy" : "down"}   ${functionsUrl(c)}`);
  const rest = gw && await probeRest(c);
  lines.push(`rest       ${rest ? "healthy" : "down"}   ${apiUrl(c)}/rest/v1`);
  const rt = gw && await probeRealtime(c);
  lines.push(`realtime   ${rt ? "healthy" : "down"}   ${apiUrl(c).replace(/^http/, "ws")}/realtime/v1/websocket`);
  const gh = await probe(`${githubUrl(c)}/_sim/health`);
  lines.push(`github-sim ${gh ? "healthy" : "down"}   ${githubUrl(c)}`);
  const polar = polarTarget(c, await readFunctionsEnv());
  const polarOk = !polar.simulated || await probe(`${polar.url}/_sim/health`);
  lines.push(`polar-sim  ${polar.simulated ? (polarOk ? "healthy" : "down") : "not used"}   ${polar.url}`);
  let relay = false;
  if (db) {
    const n = await psql(c, "select count(*) from pg_stat_activity where application_name = 'net-relay'").catch(() => "0");
    relay = Number(n) > 0;
  }
  lines.push(`net relay  ${relay ? "healthy" : "down"}`);
  let cron = false;
  if (db) {
    const n = await psql(c, "select count(*) from pg_stat_activity where backend_type = 'pg_cron launcher'").catch(() => "0");
    cron = Number(n) > 0;
  }
  lines.push(`pg_cron    ${cron ? "healthy" : "down"}`);
  const pieces = gw && rest && rt && gh && polarOk && relay && cron;
  const hint = services.hint({ db, pieces });
  if (hint) lines.push(`→ ${hint}`);
  return { healthy: db && pieces && services.supervisor !== null, lines };
}

/** The REST stand-in answers a request end to end: apikey, JWT, transaction, catalog lookup. */
async function probeRest(c: StackConfig): Promise<boolean> {
  try {
    const anon = await signKey(c.jwtSecret, "anon");
    const r = await fetch(`${apiUrl(c)}/rest/v1/stack_status_probe`, {
      headers: { apikey: anon, authorization: `Bearer ${anon}` },
      signal: AbortSignal.timeout(2000),
    });
    return r.status === 404 && (await r.json()).code === "PGRST205";
  } catch {
    return false;
  }
}

/** The Realtime stand-in answers a Phoenix heartbeat over a websocket. */
async function probeRealtime(c: StackConfig): Promise<boolean> {
  const anon = await signKey(c.jwtSecret, "anon");
  const url = `${apiUrl(c).replace(/^http/, "ws")}/realtime/v1/websocket?apikey=${anon}&vsn=2.0.0`;
  return await new Promise<boolean>((resolve) => {
    let ws: WebSocket;
    const timer = setTimeout(() => finish(false), 2000);
    function finish(ok: boolean) {
      clearTimeout(timer);
      try {
        ws?.close();
      } catch { /* already closed */ }
      resolve(ok);
    }
    try {
      ws = new WebSocket(url);
    } catch {
      return finish(false);
    }
    ws.onopen = () => ws.send(JSON.stringify([null, "1", "phoenix", "heartbeat", {}]));
    ws.onmessage = (ev) => {
      const [, ref, , event, payload] = JSON.parse(String(ev.data));
      finish(ref === "1" && event === "phx_reply" && payload?.status === "ok");
    };
    ws.onerror = () => finish(false);
  });
}
