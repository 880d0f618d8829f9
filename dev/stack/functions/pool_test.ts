// The gateway's function pool under hosted Supabase's limits, with small limits and the functions
// in ./testdata that break them. Expected answers are hosted's, from Supabase's docs: 546 with
// {"code":"WORKER_RESOURCE_LIMIT","message":"Function failed due to not having enough compute
// resources (please check logs)"} and sb-error-code (functions/status-codes, error-codes and the
// "546 - WORKER_LIMIT" troubleshooting guide), 504 IDLE_TIMEOUT; log lines as edge-runtime's
// supervisor writes them ("CPU time limit reached", "wall clock duration reached", a shutdown
// event with hosted's reason names).
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FunctionLimits, limitsFromEnv } from "./limits.ts";
import { createFunctionPool } from "./pool.ts";

const testdata = join(dirname(fileURLToPath(import.meta.url)), "testdata");
const off: FunctionLimits = { cpuMs: 0, memoryMb: 0, wallClockS: 0, idleTimeoutS: 0 };

async function withPool(limits: Partial<FunctionLimits>, fn: (t: {
  call: (name: string, query?: string) => Promise<Response>;
  logs: string[];
  waitForLog: (re: RegExp) => Promise<string>;
}) => Promise<void>) {
  const logs: string[] = [];
  const pool = createFunctionPool({
    functionsDir: testdata,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/root" },
    limits: { ...off, ...limits },
    log: (s) => logs.push(s),
  });
  const waitForLog = async (re: RegExp) => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const hit = logs.find((l) => re.test(l));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no log line matching ${re} within 20 s; log:\n${logs.join("\n")}`);
  };
  try {
    await fn({
      call: (name, query = "") => pool.invoke(name, new Request(`http://gateway.test/functions/v1/${name}${query}`), ""),
      logs,
      waitForLog,
    });
  } finally {
    await pool.close();
  }
}

/** A server the background function reports to; `release()` answers its GET /go. */
function callbackServer() {
  const seen: string[] = [];
  let release!: () => void;
  const go = new Promise<void>((r) => release = r);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/go") await go;
    seen.push(req.method === "POST" ? `${path}:${await req.text()}` : path);
    return new Response("ok");
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, release, close: () => server.shutdown() };
}

async function assertResourceLimitAnswer(res: Response) {
  assert.equal(res.status, 546);
  assert.equal(res.headers.get("sb-error-code"), "WORKER_RESOURCE_LIMIT");
  assert.deepEqual(await res.json(), {
    code: "WORKER_RESOURCE_LIMIT",
    message: "Function failed due to not having enough compute resources (please check logs)",
  });
}

const shutdownReason = (line: string) => JSON.parse(line.slice(line.indexOf("shutdown ") + 9)).reason;

Deno.test("limits default to the free plan's and follow STACK_FN_*; a bad value names its variable", () => {
  assert.deepEqual(limitsFromEnv(() => undefined), { cpuMs: 2000, memoryMb: 256, wallClockS: 150, idleTimeoutS: 150 });
  const env: Record<string, string> = { STACK_FN_PLAN: "paid", STACK_FN_CPU_MS: "500", STACK_FN_IDLE_S: "0" };
  assert.deepEqual(limitsFromEnv((n) => env[n]), { cpuMs: 500, memoryMb: 256, wallClockS: 400, idleTimeoutS: 0 });
  assert.throws(() => limitsFromEnv((n) => (n === "STACK_FN_MEMORY_MB" ? "lots" : undefined)), /STACK_FN_MEMORY_MB=lots/);
  assert.throws(() => limitsFromEnv((n) => (n === "STACK_FN_PLAN" ? "team" : undefined)), /STACK_FN_PLAN=team/);
});

Deno.test("a request that burns more CPU than the limit gets 546 WORKER_RESOURCE_LIMIT and the log says why; the next request gets a new process", async () => {
  await withPool({ cpuMs: 300 }, async ({ call, waitForLog }) => {
    await assertResourceLimitAnswer(await call("burn-cpu", "?ms=10000"));
    const limitLine = await waitForLog(/CPU Time exceeded: CPU time limit reached \(a request used \d+ ms; limit 300 ms/);
    const used = Number(/used (\d+) ms/.exec(limitLine)![1]);
    assert.ok(used >= 300 && used < 300 + 250, `terminated after ${used} ms of CPU (limit 300 ms, sampled every 50 ms)`);
    const killedPid = Number(/pid (\d+)/.exec(limitLine)![1]);
    assert.equal(shutdownReason(await waitForLog(/burn-cpu .*shutdown \{"reason":"CPUTime"/)), "CPUTime");
    const next = await call("burn-cpu", "?ms=0");
    assert.equal(next.status, 200);
    await next.body?.cancel();
    assert.notEqual(Number(next.headers.get("x-pid")), killedPid, "a new process answered");
  });
});

Deno.test("CPU used by EdgeRuntime.waitUntil work after the answer counts for its request", async () => {
  await withPool({ cpuMs: 300 }, async ({ call, waitForLog }) => {
    const res = await call("burn-cpu", "?ms=10000&background=1");
    assert.equal(res.status, 202);
    await res.text();
    await waitForLog(/CPU Time exceeded: CPU time limit reached \(a request used \d+ ms; limit 300 ms/);
    assert.equal(shutdownReason(await waitForLog(/burn-cpu .*shutdown /)), "CPUTime");
  });
});

Deno.test("a function process's whole V8 heap, young generation included, is the memory limit, as in hosted's isolate", async () => {
  // edge-runtime creates a user worker's isolate with heap_limits(0, memory limit): V8 fits both
  // generations inside it. --max-old-space-size alone gave 352 MB here for 256 (Deno's desktop
  // young generation on top), and Deno's default ~4 GB.
  await withPool({ memoryMb: 256 }, async ({ call }) => {
    const res = await call("allocate", "?mode=limits");
    assert.equal(res.status, 200);
    const stats = await res.json();
    assert.equal(stats.heap_size_limit, 256 * 1024 * 1024);
  });
});

Deno.test("a function that fills the V8 heap in one synchronous run dies at the heap limit: 546 and 'Memory limit exceeded'", async () => {
  await withPool({ memoryMb: 64 }, async ({ call, waitForLog }) => {
    await assertResourceLimitAnswer(await call("allocate", "?mode=sync"));
    await waitForLog(/Memory limit exceeded: V8 ran out of heap \(--max-heap-size=64 MB/);
    assert.equal(shutdownReason(await waitForLog(/allocate .*shutdown /)), "Memory");
  });
});

Deno.test("a function whose heap + external memory passes the limit between event-loop turns is ended: 546", async () => {
  await withPool({ memoryMb: 64 }, async ({ call, waitForLog }) => {
    await assertResourceLimitAnswer(await call("allocate", "?mode=async"));
    await waitForLog(/Memory limit exceeded: memory limit reached \(heap \+ external \d+ MB; limit 64 MB/);
    await waitForLog(/memory soft limit reached .*: retired/);
  });
});

Deno.test("EdgeRuntime.waitUntil work finishes after the answer was sent", async () => {
  const cb = callbackServer();
  try {
    await withPool({ cpuMs: 2000, wallClockS: 60 }, async ({ call, logs }) => {
      const res = await call("background", `?callback=${cb.url}`);
      assert.equal(res.status, 202);
      assert.equal(await res.text(), "accepted");
      assert.equal(cb.seen.length, 0, "nothing of the background work was done when the answer arrived");
      cb.release();
      const deadline = Date.now() + 10_000;
      while (!cb.seen.includes("/done:done") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(cb.seen, ["/go", "/done:done"]);
      assert.ok(!logs.some((l) => l.includes("shutdown")), `the process was not ended:\n${logs.join("\n")}`);
    });
  } finally {
    await cb.close();
  }
});

Deno.test("a retired process stays up until its waitUntil work settles, then ends (EarlyDrop), before its wall clock", async () => {
  const cb = callbackServer();
  try {
    await withPool({ wallClockS: 8 }, async ({ call, waitForLog, logs }) => {
      const res = await call("background", `?callback=${cb.url}`);
      assert.equal(res.status, 202);
      await res.text(); // the gateway's server reads it to the client
      await waitForLog(/wall clock duration warning: .*retired/);
      assert.ok(!logs.some((l) => l.includes("shutdown")), "retired, not ended, while its background work runs");
      cb.release();
      assert.equal(shutdownReason(await waitForLog(/background .*shutdown /)), "EarlyDrop");
      assert.ok(cb.seen.includes("/done:done"));
    });
  } finally {
    await cb.close();
  }
});

Deno.test("background work past the wall clock: beforeunload (reason wall_clock) at 90%, then the process is ended", async () => {
  const cb = callbackServer();
  try {
    await withPool({ wallClockS: 5 }, async ({ call, waitForLog }) => {
      const res = await call("background", `?callback=${cb.url}`);
      assert.equal(res.status, 202);
      await res.text(); // the gateway's server reads it to the client
      assert.equal(shutdownReason(await waitForLog(/background .*shutdown /)), "WallClockTime");
      await waitForLog(/wall clock duration reached: the process ran 5 s/);
      assert.ok(cb.seen.includes("/beforeunload:wall_clock"), `callbacks: ${cb.seen.join(", ")}`);
      assert.ok(!cb.seen.includes("/done:done"));
    });
  } finally {
    cb.release();
    await cb.close();
  }
});

Deno.test("no response within the request idle timeout: 504 IDLE_TIMEOUT, and the function keeps running", async () => {
  await withPool({ idleTimeoutS: 1 }, async ({ call, logs }) => {
    const started = Date.now();
    const res = await call("hang");
    assert.equal(res.status, 504);
    assert.equal(res.headers.get("sb-error-code"), "IDLE_TIMEOUT");
    assert.equal((await res.json()).code, "IDLE_TIMEOUT");
    const waited = Date.now() - started;
    assert.ok(waited >= 1000 && waited < 5000, `answered after ${waited} ms`);
    assert.ok(!logs.some((l) => l.includes("shutdown")));
  });
});

Deno.test("a response body that sends nothing for the idle timeout is cut", async () => {
  await withPool({ idleTimeoutS: 1 }, async ({ call, waitForLog }) => {
    const res = await call("hang", "?stream=1");
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), "first chunk");
    await assert.rejects(reader.read(), /sent nothing for 1 s/);
    await waitForLog(/response body idle for 1 s \(STACK_FN_IDLE_S\): cut/);
  });
});

Deno.test("a request still in flight at the end of the wall clock gets 546", async () => {
  await withPool({ wallClockS: 3 }, async ({ call, waitForLog }) => {
    await assertResourceLimitAnswer(await call("hang"));
    await waitForLog(/wall clock duration reached: the process ran 3 s .*1 request\(s\) in flight/);
  });
});

Deno.test("a function that fails while loading answers 503 BOOT_ERROR", async () => {
  await withPool({}, async ({ call }) => {
    const res = await call("broken");
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("sb-error-code"), "BOOT_ERROR");
    assert.match((await res.json()).message, /function broken failed to boot: exited with code 1/);
  });
});
