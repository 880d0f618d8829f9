// Hosted Supabase's edge-function limits (supabase.com/docs/guides/functions/limits), applied by
// the local gateway to every function: 256 MB of memory, 2 s of CPU per request, a wall clock of
// 150 s per worker on the free plan (400 s on paid plans) and a request idle timeout of 150 s.
// Each can be changed (or turned off with 0) through the environment of `stack:up`.

export interface FunctionLimits {
  /** CPU time one request may use, background work it started with EdgeRuntime.waitUntil
   * included (ms); past half of it the process takes no new requests. */
  cpuMs: number;
  /** V8 heap used + external memory of a function process (MB); past half of it the process
   * takes no new requests. */
  memoryMb: number;
  /** How long a function process lives (s): it takes requests during the first half, is ended
   * at the end whatever is in flight. */
  wallClockS: number;
  /** How long a request may go without the function sending a byte (s): no response head in
   * time → 504; a response body that stalls that long is cut. */
  idleTimeoutS: number;
}

export const freePlanLimits: FunctionLimits = { cpuMs: 2000, memoryMb: 256, wallClockS: 150, idleTimeoutS: 150 };
export const paidPlanWallClockS = 400;

/** The settings, their env names and defaults (README, "Hosted limits"). */
export const limitSettings = {
  plan: "STACK_FN_PLAN",
  cpuMs: "STACK_FN_CPU_MS",
  memoryMb: "STACK_FN_MEMORY_MB",
  wallClockS: "STACK_FN_WALL_S",
  idleTimeoutS: "STACK_FN_IDLE_S",
} as const;

function number(get: (name: string) => string | undefined, name: string, fallback: number): number {
  const raw = get(name);
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new Error(`${name}=${raw} is not a usable limit: give a number ≥ 0 (0 turns the limit off), or unset it`);
  }
  return n;
}

export function limitsFromEnv(get: (name: string) => string | undefined = (n) => Deno.env.get(n)): FunctionLimits {
  const plan = (get(limitSettings.plan) ?? "free").trim() || "free";
  if (plan !== "free" && plan !== "paid") {
    throw new Error(`${limitSettings.plan}=${plan} is not a plan: use free (150 s wall clock) or paid (400 s)`);
  }
  const wall = plan === "paid" ? paidPlanWallClockS : freePlanLimits.wallClockS;
  return {
    cpuMs: number(get, limitSettings.cpuMs, freePlanLimits.cpuMs),
    memoryMb: number(get, limitSettings.memoryMb, freePlanLimits.memoryMb),
    wallClockS: number(get, limitSettings.wallClockS, wall),
    idleTimeoutS: number(get, limitSettings.idleTimeoutS, freePlanLimits.idleTimeoutS),
  };
}

/**
 * The Deno flags that give a function process the V8 heap hosted gives a user worker:
 * edge-runtime creates its isolate with `heap_limits(0, memory limit)`, and V8 sizes both
 * generations from that total (`GenerationSizesFromHeapSize`): an old generation of almost all of
 * it and semi-spaces of ~1/130th of it (2 MB for 256 MB). `--max-heap-size` is the flag V8 reads
 * the same way; `--max-old-space-size` alone would leave Deno's desktop young generation (16 MB
 * semi-spaces, sized from the machine's RAM), which hosted never has. Empty when the limit is off.
 */
export function v8HeapFlags(memoryMb: number): string[] {
  return memoryMb > 0 ? [`--v8-flags=--max-heap-size=${memoryMb}`] : [];
}

export function describeLimits(l: FunctionLimits): string {
  const v = (n: number, unit: string) => (n > 0 ? `${n} ${unit}` : "off");
  return `CPU ${v(l.cpuMs, "ms")} per request, memory ${v(l.memoryMb, "MB")}, wall clock ${v(l.wallClockS, "s")}, ` +
    `idle timeout ${v(l.idleTimeoutS, "s")}`;
}
