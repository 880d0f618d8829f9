// The gateway's edge functions: one process per function (started on its first request, a new one
// when the previous was retired or ended), each request relayed to it under hosted Supabase's
// limits (./limits.ts): the request idle timeout here, CPU, memory and wall clock in ./process.ts.
import { join } from "node:path";
import { bootErrorAnswer, idleTimeoutAnswer, resourceLimitAnswer, workerErrorAnswer } from "./answers.ts";
import type { FunctionLimits } from "./limits.ts";
import { type Exit, FunctionProcess, resourceLimitReasons } from "./process.ts";
import { requestIdHeader } from "./protocol.ts";

export interface PoolOptions {
  /** Folder holding <name>/index.ts (supabase/functions). */
  functionsDir: string;
  /** The whole environment of a function process (nothing else is inherited). */
  env: Record<string, string>;
  limits: FunctionLimits;
  log: (s: string) => void;
}

type Timed<T> = { kind: "value"; value: T } | { kind: "error"; error: unknown } | { kind: "timeout" };

/** Settles with the promise's outcome, or "timeout" after `ms` (never when ms ≤ 0). */
function within<T>(p: Promise<T>, ms: number): Promise<Timed<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcomes: Promise<Timed<T>>[] = [
    p.then((value) => ({ kind: "value" as const, value }), (error) => ({ kind: "error" as const, error })),
  ];
  if (ms > 0) outcomes.push(new Promise((r) => timer = setTimeout(() => r({ kind: "timeout" }), ms)));
  return Promise.race(outcomes).finally(() => clearTimeout(timer));
}

export function createFunctionPool(o: PoolOptions) {
  const current = new Map<string, FunctionProcess>();
  const all = new Set<FunctionProcess>();
  const idleMs = o.limits.idleTimeoutS * 1000;

  function acquire(name: string): FunctionProcess {
    const running = current.get(name);
    if (running && !running.retired) return running;
    const p = new FunctionProcess({
      name,
      entry: join(o.functionsDir, name, "index.ts"),
      env: o.env,
      limits: o.limits,
      log: o.log,
      onRetired: (retired) => {
        if (current.get(name) === retired) current.delete(name);
      },
    });
    current.set(name, p);
    all.add(p);
    p.exited.then(() => all.delete(p));
    o.log(`function ${name} started (pid ${p.pid})`);
    return p;
  }

  /** What a request gets when its process ended under it. */
  async function afterExit(p: FunctionProcess, fallback: () => Response): Promise<Response> {
    const exit = await within(p.exited, 2000);
    if (exit.kind !== "value") return fallback();
    return answerFor(p.name, exit.value);
  }

  const answerFor = (name: string, exit: Exit) =>
    resourceLimitReasons.includes(exit.reason) ? resourceLimitAnswer() : workerErrorAnswer(name, exit.detail);

  /** Relays the body, cutting it when the function sends nothing for the idle timeout. */
  function relayBody(p: FunctionProcess, id: string, res: Response): Response {
    if (!res.body) {
      p.responseDone(id);
      return res;
    }
    const reader = res.body.getReader();
    const done = () => p.responseDone(id);
    const body = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        const r = await within(reader.read(), idleMs);
        if (r.kind === "value" && !r.value.done) return ctrl.enqueue(r.value.value);
        if (r.kind === "value") ctrl.close();
        else if (r.kind === "timeout") {
          o.log(`function ${p.name} (pid ${p.pid}): response body idle for ${o.limits.idleTimeoutS} s (STACK_FN_IDLE_S): cut`);
          reader.cancel().catch(() => {});
          ctrl.error(new Error(`function ${p.name} sent nothing for ${o.limits.idleTimeoutS} s`));
        } else ctrl.error(r.error);
        done();
      },
      cancel(reason) {
        reader.cancel(reason).catch(() => {});
        done();
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  }

  async function invoke(name: string, req: Request, subPath: string): Promise<Response> {
    const p = acquire(name);
    const port = await within(p.port, 0);
    if (port.kind !== "value") return bootErrorAnswer(name, (port as { error: Error }).error.message);
    const id = crypto.randomUUID();
    p.begin(id);
    const headers = new Headers(req.headers);
    headers.delete("host");
    headers.set(requestIdHeader, id);
    // Not tied to the caller's signal: like the edge runtime, a function keeps running when the
    // caller (e.g. pg_net with its 5 s timeout) stops waiting.
    const upstream = fetch(`http://127.0.0.1:${port.value}/${name}${subPath}${new URL(req.url).search}`, {
      method: req.method,
      headers,
      body: req.body,
      redirect: "manual",
    });
    upstream.catch(() => {}); // its failure is read below, or no longer matters
    const head = await within(Promise.race([upstream, p.exited.then(() => null)]), idleMs);
    if (head.kind === "value" && head.value) return relayBody(p, id, head.value);
    if (head.kind === "timeout") {
      o.log(`function ${name} (pid ${p.pid}): no response within the request idle timeout (${o.limits.idleTimeoutS} s, STACK_FN_IDLE_S): 504; the function keeps running`);
      upstream.then((res) => res.body?.cancel(), () => {}).finally(() => p.responseDone(id));
      return idleTimeoutAnswer(o.limits.idleTimeoutS);
    }
    p.abandon(id);
    const reason = head.kind === "error" ? (head.error as Error).message : "the process ended";
    return await afterExit(p, () => workerErrorAnswer(name, `it did not answer: ${reason}`));
  }

  return {
    invoke,
    /** Functions with a process taking requests now. */
    running: () => [...current.keys()],
    /** Pids of every function process still alive (retired ones included). */
    pids: () => [...all].map((p) => p.pid),
    /** Kills a function's process, as a crash would (crash-safety tests). */
    kill(name: string) {
      current.get(name)?.signal("SIGKILL");
    },
    /** Ends every process: `beforeunload` (reason termination), SIGKILL after 3 s. */
    async close() {
      const procs = [...all];
      for (const p of procs) p.end("TerminationRequested", "the gateway is stopping");
      await Promise.all(procs.map((p) => p.exited));
    },
  };
}

export type FunctionPool = ReturnType<typeof createFunctionPool>;
