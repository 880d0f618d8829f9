// Brings the whole local stack up and down: cluster + platform bootstrap + migrations, then the
// services supervisor (gateway, pg_net relay, GitHub simulator) in the background.
import { join } from "node:path";
import { ensureDebianPackages } from "./apt.ts";
import { apiUrl, dbUrl, functionsUrl, githubUrl, projectRoot, type StackConfig } from "./config.ts";
import { readFunctionsEnv } from "./functions-env.ts";
import { polarTarget } from "./polar-sim.ts";
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
import { isPortFree, pidAlive, run, StackError, waitFor } from "./proc.ts";

export type Log = (s: string) => void;

const servicesPidFile = (c: StackConfig) => join(c.stateDir, "services.pid");
const servicesLog = (c: StackConfig) => join(c.stateDir, "services.log");

async function servicesPid(c: StackConfig): Promise<number | null> {
  try {
    const pid = Number(await Deno.readTextFile(servicesPidFile(c)));
    return Number.isInteger(pid) && pidAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

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

export async function up(c: StackConfig, log: Log, opts: { fresh?: boolean; dbOnly?: boolean } = {}): Promise<void> {
  if (await servicesPid(c) !== null || await clusterPid(c) !== null) {
    throw new StackError(
      `a stack is already running for this profile (database port ${c.dbPort}, state in ${c.stateDir}); ` +
        `use it (npm run stack:status) or stop it first (npm run stack:down)`,
    );
  }
  const ports = [[c.apiPort, "STACK_API_PORT"], [c.githubPort, "STACK_GITHUB_PORT"], [c.polarPort, "STACK_POLAR_PORT"]] as const;
  for (const [port, setting] of ports) {
    if (!(await isPortFree(port))) {
      throw new StackError(`port ${port} is already taken by another process; free it or set ${setting}=<port>`);
    }
  }
  await ensureDebianPackages(log);
  await Deno.mkdir(c.stateDir, { recursive: true });
  if (opts.fresh) await removeCluster(c);
  await startCluster(c, log);
  try {
    await installLocalExtensions(c);
    await applyBootstrap(c, log);
    await applyMigrations(c, log);
    if (!opts.dbOnly) await startServices(c, log);
  } catch (e) {
    await down(c, () => {});
    throw e;
  }
}

async function startServices(c: StackConfig, log: Log) {
  const ready = join(c.stateDir, "services.ready");
  await Deno.remove(ready).catch(() => {});
  await Deno.remove(servicesPidFile(c)).catch(() => {});
  // setsid: the supervisor leads its own process group (so `down` can stop it and every function
  // process it started at once) and outlives this command.
  const cmd = `exec "$0" run -A --no-prompt "$1" "$2" >>"$3" 2>&1 </dev/null`;
  await run("setsid", [
    "-f", "sh", "-c", cmd, Deno.execPath(), join(projectRoot, "dev", "stack", "services.ts"), c.profile, servicesLog(c),
  ], { cwd: projectRoot });
  try {
    await waitFor("the services (gateway, relay, simulator)", async () => {
      const pid = Number(await Deno.readTextFile(servicesPidFile(c)).catch(() => "0"));
      if (pid > 0 && !pidAlive(pid)) throw new StackError(`the services process (pid ${pid}) exited while starting`);
      await Deno.stat(ready);
      return true;
    }, 60_000);
    await waitFor("the API gateway", async () => (await fetch(`${apiUrl(c)}/health`)).ok);
  } catch (e) {
    const tail = (await Deno.readTextFile(servicesLog(c)).catch(() => "")).trim().split("\n").slice(-15).join("\n");
    throw new StackError(`${(e as Error).message}; the end of ${servicesLog(c)}:\n${tail}`);
  }
  log(`services up (pid ${await Deno.readTextFile(servicesPidFile(c))}, log ${servicesLog(c)})`);
}

export async function down(c: StackConfig, log: Log): Promise<void> {
  const pid = await servicesPid(c);
  if (pid !== null) {
    try {
      Deno.kill(-pid, "SIGTERM"); // the whole process group: supervisor and function processes
    } catch {
      Deno.kill(pid, "SIGTERM");
    }
    const deadline = Date.now() + 5000;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (pidAlive(pid)) {
      try {
        Deno.kill(-pid, "SIGKILL");
      } catch { /* gone */ }
    }
    log(`services stopped (pid ${pid})`);
  }
  await Deno.remove(servicesPidFile(c)).catch(() => {});
  if (await stopCluster(c)) log(`PostgreSQL on port ${c.dbPort} stopped`);
  if (c.profile === "test") await removeCluster(c);
}

export async function status(c: StackConfig): Promise<{ healthy: boolean; lines: string[] }> {
  const lines: string[] = [];
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
  return { healthy: db && gw && rest && rt && gh && polarOk && relay && cron, lines };
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
