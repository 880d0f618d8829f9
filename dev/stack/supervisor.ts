// Keeps the stack's services process (dev/stack/services.ts: gateway with the edge functions,
// pg_net relay, GitHub simulator) running: started in its own process group by `stack:up`, it
// restarts the services when they die (a crash, an out-of-memory kill, kill -9), with a growing
// pause, and gives up after repeated failures so a broken build does not loop forever. SIGTERM
// (what `stack:down` sends to the whole group) stops the services and then itself.
// usage: deno run -A dev/stack/supervisor.ts <profile>
import { join } from "node:path";
import { type Profile, projectRoot, stackConfig } from "./config.ts";

const profile = (Deno.args[0] ?? "dev") as Profile;
const c = stackConfig(profile);
const log = (s: string) => console.log(`${new Date().toISOString()} supervisor: ${s}`);
await Deno.writeTextFile(join(c.stateDir, "supervisor.pid"), String(Deno.pid));

/** Restarts allowed within `window` before giving up; the pause doubles from 1 s up to 30 s. */
const maxRestarts = 5;
const windowMs = 120_000;
const restarts: number[] = [];
let stopping = false;
let child: Deno.ChildProcess | null = null;

function startServices(): Deno.ChildProcess {
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", join(projectRoot, "dev", "stack", "services.ts"), profile],
    cwd: projectRoot,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  log(`services started (pid ${p.pid})`);
  return p;
}

async function stop() {
  if (stopping) return;
  stopping = true;
  log("stopping");
  if (child) {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    const done = await Promise.race([child.status.then(() => true), new Promise((r) => setTimeout(() => r(false), 8000))]);
    if (!done) {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }
  }
  Deno.exit(0);
}
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);

while (!stopping) {
  child = startServices();
  const status = await child.status;
  if (stopping) break;
  const now = Date.now();
  while (restarts.length > 0 && now - restarts[0] > windowMs) restarts.shift();
  if (restarts.length >= maxRestarts) {
    log(
      `services exited (${status.signal ?? `code ${status.code}`}) ${maxRestarts + 1} times within ${windowMs / 1000} s: ` +
        "giving up. Read this log for the cause, then run: npm run stack:down && npm run stack:up",
    );
    await Deno.remove(join(c.stateDir, "services.ready")).catch(() => {});
    Deno.exit(1);
  }
  restarts.push(now);
  const pause = Math.min(30_000, 1000 * 2 ** (restarts.length - 1));
  log(`services exited (${status.signal ?? `code ${status.code}`}); restarting in ${pause / 1000} s`);
  await new Promise((r) => setTimeout(r, pause));
}
