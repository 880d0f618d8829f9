// One function process (one "worker" in hosted edge-runtime's terms) and the limits hosted
// Supabase applies to it, as its per-worker supervisor does: past half of a limit the worker is
// retired (takes no new request; the pool starts another one), at the limit it is ended at once
// (SIGKILL) and requests in flight get 546. Before an end it can see coming, `beforeunload` is
// dispatched with hosted's reason (at 90% of a limit, as edge-runtime's defaults). A retired
// worker with nothing in flight and no pending EdgeRuntime.waitUntil work ends gracefully.
import { join } from "node:path";
import { projectRoot } from "../config.ts";
import { type FunctionLimits, v8HeapFlags } from "./limits.ts";
import { decodeEvent, encodeCommand, type HostEvent, type PoolCommand, type UnloadReason } from "./protocol.ts";
import { cpuTimeMs } from "./proc_stats.ts";

/** Hosted's ShutdownEvent reasons, plus Crashed for a process that died on its own. */
export type ShutdownReason = "CPUTime" | "Memory" | "WallClockTime" | "EarlyDrop" | "TerminationRequested" | "Crashed";
export const resourceLimitReasons: ShutdownReason[] = ["CPUTime", "Memory", "WallClockTime"];

export interface Exit {
  reason: ShutdownReason;
  detail: string;
}

interface Usage {
  cpuMs: number;
  /** The response body has been relayed (or given up). */
  responseDone: boolean;
  /** The host has reported that the handler returned (its output before that is read). */
  handlerDone: boolean;
  background: number;
}

export interface ProcessOptions {
  name: string;
  entry: string;
  env: Record<string, string>;
  limits: FunctionLimits;
  log: (s: string) => void;
  /** Called once when the process stops taking requests (retired or ended). */
  onRetired: (p: FunctionProcess) => void;
}

const hostPath = join(projectRoot, "dev", "stack", "function-host.ts");
const oomText = /Fatal JavaScript out of memory|JavaScript heap out of memory|Reached heap limit/;
const sampleMs = 50;
const mb = (bytes: number) => Math.round(bytes / 1048576);

export class FunctionProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: Promise<number>;
  readonly exited: Promise<Exit>;
  retired = false;
  private readonly child: Deno.ChildProcess;
  private readonly o: ProcessOptions;
  private readonly nonce = crypto.randomUUID();
  private readonly requests = new Map<string, Usage>();
  private bootBackground = 0;
  private memory = { heap: 0, external: 0 };
  private ending: Exit | null = null;
  private oomSeen = false;
  private sampler: ReturnType<typeof setInterval> | undefined;
  private lastCpu = 0;
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private readonly warned = new Set<UnloadReason>();
  private stdin: WritableStreamDefaultWriter<Uint8Array>;

  constructor(o: ProcessOptions) {
    this.o = o;
    this.name = o.name;
    const v8 = v8HeapFlags(o.limits.memoryMb);
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-prompt", ...v8, hostPath, o.name, o.entry, this.nonce],
      cwd: projectRoot,
      env: o.env,
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.pid = this.child.pid;
    this.stdin = this.child.stdin.getWriter();
    let listening!: (port: number) => void;
    let failed!: (e: Error) => void;
    this.port = new Promise<number>((resolve, reject) => [listening, failed] = [resolve, reject]);
    this.port.catch(() => {});
    const out = this.pump(this.child.stdout, Deno.stdout, (line) => {
      const e = decodeEvent(this.nonce, line);
      if (e?.t === "listening") listening(e.port);
      return e;
    });
    const err = this.pump(this.child.stderr, Deno.stderr, (line) => {
      if (oomText.test(line)) this.oomSeen = true;
      return null;
    });
    this.exited = Promise.all([this.child.status, out, err]).then(([status]) => {
      this.stop();
      failed(new Error(`exited with ${status.signal ?? `code ${status.code}`} before it started listening`));
      const exit = this.ending ?? this.unexpectedExit(status);
      const next = exit.reason === "TerminationRequested" ? "" : "; the next request starts a new process";
      this.o.log(`function ${this.name} (pid ${this.pid}) exited (${exit.reason})${next}`);
      return exit;
    });
    this.armWallClock();
  }

  /** Forwards the function's output line by line (prefixed with its name), handling host events. */
  private async pump(from: ReadableStream<Uint8Array>, to: typeof Deno.stdout, onLine: (l: string) => HostEvent | null) {
    const enc = new TextEncoder();
    let buf = "";
    const line = (l: string) => {
      const e = onLine(l);
      if (e) this.onEvent(e);
      else to.writeSync(enc.encode(`[${this.name}] ${l}\n`));
    };
    try {
      for await (const chunk of from.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
          line(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      }
    } catch { /* the process is gone */ }
    if (buf) line(buf);
  }

  private unexpectedExit(status: Deno.CommandStatus): Exit {
    if (this.oomSeen) {
      const detail = `Memory limit exceeded: V8 ran out of heap (--max-heap-size=${this.o.limits.memoryMb} MB, STACK_FN_MEMORY_MB)`;
      this.logShutdown("Memory", detail);
      return { reason: "Memory", detail };
    }
    return { reason: "Crashed", detail: `the process exited with ${status.signal ?? `code ${status.code}`}` };
  }

  private armWallClock() {
    const ms = this.o.limits.wallClockS * 1000;
    if (ms <= 0) return;
    const at = (fraction: number, f: () => void) => this.timers.push(setTimeout(f, ms * fraction));
    at(0.5, () => this.retire(`wall clock duration warning: half of the ${this.o.limits.wallClockS} s wall clock has passed`));
    at(0.9, () => this.warn("wall_clock"));
    at(1, () =>
      this.end(
        "WallClockTime",
        `wall clock duration reached: the process ran ${this.o.limits.wallClockS} s (STACK_FN_WALL_S, STACK_FN_PLAN); ` +
          `${this.requests.size} request(s) in flight`,
      ));
  }

  // --- requests ---------------------------------------------------------------------------

  begin(id: string) {
    this.sample(); // CPU used so far belongs to the requests already in flight
    this.requests.set(id, { cpuMs: 0, responseDone: false, handlerDone: false, background: 0 });
    if (this.sampler === undefined) {
      this.lastCpu = cpuTimeMs(this.pid) ?? 0;
      this.sampler = setInterval(() => this.sample(), sampleMs);
    }
  }

  responseDone(id: string) {
    const r = this.requests.get(id);
    if (!r) return;
    r.responseDone = true;
    this.maybeFinish(id, r);
  }

  /** The request failed before the function answered (connection error): stop waiting for it. */
  abandon(id: string) {
    const r = this.requests.get(id);
    if (!r) return;
    r.responseDone = r.handlerDone = true;
    this.maybeFinish(id, r);
  }

  private maybeFinish(id: string, r: Usage) {
    if (!r.responseDone || !r.handlerDone || r.background > 0) return;
    this.sample();
    this.requests.delete(id);
    const limit = this.o.limits.cpuMs;
    if (limit > 0 && r.cpuMs >= limit / 4 && !this.ending) {
      // What hosted's dashboard shows per invocation; worth seeing before it becomes a 546.
      this.o.log(`function ${this.name} (pid ${this.pid}): a request used ${Math.round(r.cpuMs)} ms of CPU (limit ${limit} ms)`);
    }
    if (this.requests.size === 0 && this.sampler !== undefined) {
      clearInterval(this.sampler);
      this.sampler = undefined;
    }
    this.endIfIdleAndRetired();
  }

  private onEvent(e: HostEvent) {
    if (e.t === "background") {
      if (e.req === "") {
        this.bootBackground = e.pending;
        this.endIfIdleAndRetired();
        return;
      }
      let r = this.requests.get(e.req);
      if (!r) {
        if (e.pending === 0) return;
        // waitUntil called after the request ended (from its response stream, say): its CPU counts anew.
        this.begin(e.req);
        r = this.requests.get(e.req)!;
        r.responseDone = r.handlerDone = true;
      }
      r.background = e.pending;
      this.maybeFinish(e.req, r);
    } else if (e.t === "responded") {
      const r = this.requests.get(e.req);
      if (!r) return;
      r.handlerDone = true;
      this.maybeFinish(e.req, r);
    } else if (e.t === "memory") {
      this.memory = { heap: e.heap, external: e.external };
      this.checkMemory();
    }
  }

  // --- limits -------------------------------------------------------------------------------

  /** Process CPU since the last sample, split evenly between the requests in flight. */
  private sample() {
    const now = cpuTimeMs(this.pid);
    if (now === null) return;
    const delta = Math.max(0, now - this.lastCpu);
    this.lastCpu = now;
    if (this.requests.size === 0 || delta === 0) return;
    const share = delta / this.requests.size;
    let most = 0;
    for (const r of this.requests.values()) most = Math.max(most, r.cpuMs += share);
    const limit = this.o.limits.cpuMs;
    if (limit <= 0) return;
    const used = Math.round(most);
    if (most >= limit) {
      this.end("CPUTime", `CPU Time exceeded: CPU time limit reached (a request used ${used} ms; limit ${limit} ms per request, STACK_FN_CPU_MS)`);
    } else {
      if (most >= limit * 0.9) this.warn("cpu");
      if (most >= limit * 0.5) this.retire(`CPU time soft limit reached (a request used ${used} ms of ${limit} ms)`);
    }
  }

  private checkMemory() {
    const limit = this.o.limits.memoryMb;
    if (limit <= 0) return;
    const used = mb(this.memory.heap + this.memory.external);
    if (used >= limit) {
      this.end("Memory", `Memory limit exceeded: memory limit reached (heap + external ${used} MB; limit ${limit} MB, STACK_FN_MEMORY_MB)`);
    } else {
      if (used >= limit * 0.9) this.warn("memory");
      if (used >= limit * 0.5) this.retire(`memory soft limit reached (heap + external ${used} MB of ${limit} MB)`);
    }
  }

  private warn(reason: UnloadReason) {
    if (this.warned.has(reason) || this.ending) return;
    this.warned.add(reason);
    this.send({ c: "beforeunload", reason });
  }

  /** Takes no new requests from now on; ends once nothing is left to do. */
  retire(why: string) {
    if (this.retired) return;
    this.retired = true;
    if (!this.ending) this.o.log(`function ${this.name} (pid ${this.pid}): ${why}: retired, the next request starts a new process`);
    this.o.onRetired(this);
    this.endIfIdleAndRetired();
  }

  private endIfIdleAndRetired() {
    if (this.retired && !this.ending && this.requests.size === 0 && this.bootBackground === 0) {
      this.end("EarlyDrop", "retired and idle (nothing in flight, no pending EdgeRuntime.waitUntil work)");
    }
  }

  /** Ends the process: at once for a resource limit, after `beforeunload` otherwise. */
  end(reason: ShutdownReason, detail: string) {
    if (this.ending) return;
    this.ending = { reason, detail };
    if (!this.retired) this.retire(detail);
    this.logShutdown(reason, detail);
    if (resourceLimitReasons.includes(reason)) {
      this.signal("SIGKILL");
      return;
    }
    this.send({ c: "shutdown", reason: reason === "EarlyDrop" ? "early_drop" : "termination" });
    const grace = setTimeout(() => this.signal("SIGKILL"), 3000);
    this.exited.finally(() => clearTimeout(grace));
  }

  private logShutdown(reason: ShutdownReason, detail: string) {
    const cpu = cpuTimeMs(this.pid);
    if (resourceLimitReasons.includes(reason)) this.o.log(`function ${this.name} (pid ${this.pid}): ${detail}`);
    this.o.log(`function ${this.name} (pid ${this.pid}): shutdown ${JSON.stringify({
      reason,
      cpu_time_used: cpu === null ? null : Math.round(cpu),
      memory_used: {
        total: this.memory.heap + this.memory.external,
        heap: this.memory.heap,
        external: this.memory.external,
      },
    })}`);
  }

  private send(c: PoolCommand) {
    this.stdin.write(new TextEncoder().encode(encodeCommand(c))).catch(() => {});
  }

  signal(sig: Deno.Signal) {
    try {
      this.child.kill(sig);
    } catch { /* already gone */ }
  }

  private stop() {
    for (const t of this.timers) clearTimeout(t);
    if (this.sampler !== undefined) clearInterval(this.sampler);
    this.sampler = undefined;
    this.stdin.close().catch(() => {});
    if (!this.retired) {
      this.retired = true;
      this.o.onRetired(this);
    }
  }

  get inFlight(): number {
    return this.requests.size;
  }
}
