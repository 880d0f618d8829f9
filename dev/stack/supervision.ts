// The stack's background processes: `dev/stack/supervisor.ts` in its own process group (setsid),
// which runs and restarts `dev/stack/services.ts` (gateway and function processes, relay,
// simulator), all in that group. Starting waits for health; stopping ends every process of the
// group (function processes included) and checks that none is left.
import { join } from "node:path";
import { apiUrl, commandFor, configEnv, projectRoot, type StackConfig } from "./config.ts";
import { processesInGroup } from "./functions/proc_stats.ts";
import { pidAlive, run, StackError, waitFor } from "./proc.ts";

export const supervisorPidFile = (c: StackConfig) => join(c.stateDir, "supervisor.pid");
export const servicesPidFile = (c: StackConfig) => join(c.stateDir, "services.pid");
export const servicesLog = (c: StackConfig) => join(c.stateDir, "services.log");
const readyFile = (c: StackConfig) => join(c.stateDir, "services.ready");

/** The pid recorded in a file (alive or not), or null. */
async function recordedPid(file: string): Promise<number | null> {
  try {
    const pid = Number(await Deno.readTextFile(file));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export async function livePid(file: string): Promise<number | null> {
  const pid = await recordedPid(file);
  return pid !== null && pidAlive(pid) ? pid : null;
}

/** Processes of the stack in the group `pgid`: only ours (their command line runs dev/stack/). */
export function stackProcesses(pgid: number): number[] {
  return processesInGroup(pgid).filter((pid) => {
    try {
      return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("/dev/stack/");
    } catch {
      return false;
    }
  });
}

async function logTail(c: StackConfig, lines = 15): Promise<string> {
  return (await Deno.readTextFile(servicesLog(c)).catch(() => "")).trim().split("\n").slice(-lines).join("\n");
}

export async function startServices(c: StackConfig, log: (s: string) => void): Promise<void> {
  for (const f of [readyFile(c), servicesPidFile(c), supervisorPidFile(c)]) await Deno.remove(f).catch(() => {});
  // setsid: the supervisor leads its own process group (so stopping reaches it, the services and
  // every function process at once) and outlives this command.
  const cmd = `exec "$0" run -A --no-prompt "$1" "$2" >>"$3" 2>&1 </dev/null`;
  await run("setsid", [
    "-f", "sh", "-c", cmd, Deno.execPath(), join(projectRoot, "dev", "stack", "supervisor.ts"), c.profile, servicesLog(c),
  ], { cwd: projectRoot, env: configEnv(c) });
  try {
    await waitFor("the services (gateway, relay, simulator)", async () => {
      const pid = await recordedPid(supervisorPidFile(c));
      if (pid !== null && !pidAlive(pid)) throw new StackError(`the services supervisor (pid ${pid}) exited while starting`);
      await Deno.stat(readyFile(c));
      return true;
    }, 60_000);
    await waitFor("the API gateway", async () => (await fetch(`${apiUrl(c)}/health`)).ok);
  } catch (e) {
    await stopServices(c, () => {}).catch(() => {});
    throw new StackError(`${(e as Error).message}; the end of ${servicesLog(c)}:\n${await logTail(c)}`);
  }
  log(`services up (supervisor pid ${await recordedPid(supervisorPidFile(c))}, log ${servicesLog(c)})`);
}

function signal(pids: number[], sig: Deno.Signal) {
  for (const pid of pids) {
    try {
      Deno.kill(pid, sig);
    } catch { /* gone */ }
  }
}

async function settled(pgid: number, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = stackProcesses(pgid);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = stackProcesses(pgid);
  }
  return left;
}

/** Stops the supervisor, the services and every function process; fails naming any survivor. */
export async function stopServices(c: StackConfig, log: (s: string) => void): Promise<void> {
  // The group outlives a dead leader while any member lives: look it up even then. Stacks started
  // before the supervisor existed led their group with the services process.
  const pgid = await recordedPid(supervisorPidFile(c)) ?? await recordedPid(servicesPidFile(c));
  if (pgid !== null) {
    let left = stackProcesses(pgid);
    if (left.length > 0) {
      signal(left, "SIGTERM"); // each one's own shutdown: functions get `beforeunload`
      left = await settled(pgid, 8000);
      signal(left, "SIGKILL");
      left = await settled(pgid, 3000);
      if (left.length > 0) {
        throw new StackError(
          `processes of the stack survived SIGKILL: ${left.join(", ")} (process group ${pgid}); ` +
            `look at them with ps -o pid,stat,args -g ${pgid}`,
        );
      }
      log(`services stopped (process group ${pgid}: supervisor, services, function processes)`);
    }
  }
  for (const f of [readyFile(c), servicesPidFile(c), supervisorPidFile(c)]) await Deno.remove(f).catch(() => {});
}

export interface ServicesState {
  supervisor: number | null;
  services: number | null;
  /** What to run when the services are not all up, or null. */
  hint: (healthy: { db: boolean; pieces: boolean }) => string | null;
}

export async function servicesState(c: StackConfig): Promise<ServicesState> {
  const supervisor = await livePid(supervisorPidFile(c));
  const services = await livePid(servicesPidFile(c));
  const recorded = await recordedPid(supervisorPidFile(c));
  return {
    supervisor,
    services,
    hint: ({ db, pieces }) => {
      if (!db && supervisor === null) return `the stack is not running: run ${commandFor(c, "stack:up")}`;
      if (!db) {
        return `PostgreSQL on port ${c.dbPort} is down while the services run: run ${commandFor(c, "stack:down")} && ` +
          commandFor(c, "stack:up");
      }
      if (supervisor === null) {
        const gone = recorded === null ? "were never started" : `stopped (supervisor pid ${recorded} exited)`;
        return `the services ${gone}: run ${commandFor(c, "stack:up")} to start them again ` +
          `(the database keeps running with its data); why they stopped: ${servicesLog(c)}`;
      }
      if (!pieces) {
        return `the supervisor (pid ${supervisor}) restarts the services when they die; if a piece stays down, read ` +
          `${servicesLog(c)}, then run ${commandFor(c, "stack:down")} && ${commandFor(c, "stack:up")}`;
      }
      return null;
    },
  };
}

export { logTail };
