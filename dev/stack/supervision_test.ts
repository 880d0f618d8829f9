// The services supervisor against the running test database (npm test exports DB_URL): a second
// set of services on free ports with its own state directory, so the stack the other tests use
// is not touched. A killed services process comes back, its function processes do not outlive
// it, and stopping leaves no process of the group behind.
import assert from "node:assert/strict";
import { join } from "node:path";
import { stackConfig, type StackConfig } from "./config.ts";
import { signKey } from "./keys.ts";
import { isRunning } from "./functions/proc_stats.ts";
import { servicesPidFile, servicesState, stackProcesses, startServices, stopServices, supervisorPidFile } from "./supervision.ts";
import { env } from "./test_stack.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | null | false> | T | null | false, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const functionPids = (pgid: number) =>
  stackProcesses(pgid).filter((pid) => Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("function-host.ts"));

async function callHealth(c: StackConfig): Promise<number> {
  const anon = await signKey(c.jwtSecret, "anon");
  const res = await fetch(`http://127.0.0.1:${c.apiPort}/functions/v1/health`, { headers: { authorization: `Bearer ${anon}` } });
  await res.body?.cancel();
  return res.status;
}

Deno.test({
  name: "the supervisor restarts killed services, function processes die with theirs, and stopping leaves no process",
  sanitizeResources: false,
  fn: async () => {
    const dbPort = Number(new URL(env("DB_URL")).port);
    const base = await Deno.makeTempDir({ prefix: "supervision-test-" });
    const c: StackConfig = {
      ...stackConfig("test"),
      dbPort,
      apiPort: freePort(),
      githubPort: freePort(),
      stateDir: join(base, `test-${dbPort}`),
    };
    await Deno.mkdir(c.stateDir, { recursive: true });
    try {
      await startServices(c, () => {});
      const pgid = Number(await Deno.readTextFile(supervisorPidFile(c)));
      assert.equal(await callHealth(c), 200);
      const [firstFunction] = await until("a function process", () => functionPids(pgid).length > 0 && functionPids(pgid));

      const killed = Number(await Deno.readTextFile(servicesPidFile(c)));
      Deno.kill(killed, "SIGKILL");
      await until("the services to come back", async () => {
        const pid = Number(await Deno.readTextFile(servicesPidFile(c)).catch(() => "0"));
        return pid !== killed && isRunning(pid) && (await callHealth(c).catch(() => 0)) === 200;
      });
      await until(`function process ${firstFunction} to exit with its gateway`, () => !isRunning(firstFunction));
      assert.ok(functionPids(pgid).length > 0, "the new gateway started a function process of its own");

      const all = stackProcesses(pgid);
      await stopServices(c, () => {});
      assert.deepEqual(stackProcesses(pgid), [], "no process of the group is left");
      assert.deepEqual(all.filter(isRunning), [], "every process seen before stopping has exited");
      const state = await servicesState(c);
      assert.equal(state.supervisor, null);
      assert.match(state.hint({ db: true, pieces: false }) ?? "", /the services were never started: run .*npm run stack:up/);
    } finally {
      await stopServices(c, () => {}).catch(() => {});
      await Deno.remove(base, { recursive: true });
    }
  },
});
