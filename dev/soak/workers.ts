// Several in-process workers draining the queues at once, each pass on its own connection pool
// (as each edge-function invocation has its own), killed at random in two ways:
// - the crash hook: a pass throws InjectedCrash at a random chunk boundary, just before the
//   chunk's commit, and the whole pass dies with it (its pool is destroyed, so its other slots
//   die at their next query, wherever they are);
// - a mid-flight abort: a timer destroys a pass's pool at a random moment — during a GitHub
//   request, a budget reservation, a claim or a commit — as a killed isolate would.
// What a dead pass held comes back through the message's visibility timeout.
import type { Simulator } from "../github-sim/mod.ts";
import { InjectedCrash, workerDeps } from "../../supabase/tests/e2e/engine_helpers.ts";
import {
  runWorker,
  type WorkerConfig,
  type WorkerReport,
} from "../../supabase/functions/_shared/engine/worker.ts";
import { sqlBudget } from "../../supabase/functions/_shared/engine/budget.ts";
import { createSql } from "../../supabase/functions/_shared/db.ts";

export interface WorkerPoolOptions {
  dbUrl: string;
  sim: Simulator;
  random: () => number;
  workers: number;
  token: string;
  tokenLabel: string;
  budgetReserve: number;
  /** Chance that a chunk boundary crashes its pass. */
  pCrash: number;
  /** Chance that a pass is aborted mid-flight at a random moment of its first seconds. */
  pAbort: number;
  config: Partial<WorkerConfig>;
  log: (s: string) => void;
}

export interface WorkerStats {
  passes: number;
  passesIdle: number;
  crashes: number;
  aborts: number;
  /** Sums over passes (CPU is per pass and not summed). */
  report: Omit<WorkerReport, "stoppedBy" | "cpuMs">;
  /** Passes that died of something else than an injected crash or abort: bugs. */
  unexpectedErrors: string[];
  /** Rejections nobody could handle, left by postgres.js when a kill destroyed a pool (below). */
  leakedByKills: number;
}

// postgres.js 3.4.9 fetches array types on a pool's first connection in a promise it discards
// (porsager/postgres#1192): when a kill destroys the pool during that query, the rejection
// (CONNECTION_DESTROYED) reaches no caller and would fail the whole test module. Only that
// error is taken, and only while the pool kills workers; any other goes through.
function takeLeaksOfKills(stats: WorkerStats): () => void {
  const onRejection = (e: PromiseRejectionEvent) => {
    if ((e.reason as { code?: string } | null)?.code !== "CONNECTION_DESTROYED") return;
    stats.leakedByKills++;
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  return () => globalThis.removeEventListener("unhandledrejection", onRejection);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function startWorkerPool(o: WorkerPoolOptions) {
  const stats: WorkerStats = {
    passes: 0,
    passesIdle: 0,
    crashes: 0,
    aborts: 0,
    unexpectedErrors: [],
    leakedByKills: 0,
    report: {
      tasksClaimed: 0,
      chunksCommitted: 0,
      tasksCompleted: 0,
      tasksFailed: 0,
      tasksReleased: 0,
      requests: 0,
      pointsUsed: 0,
      budgetWaits: 0,
      claimQueries: 0,
    },
  };
  let stopping = false;

  async function onePass(n: number): Promise<boolean> {
    const sql = createSql(o.dbUrl, { max: 4, connection: { application_name: `soak-worker-${n}` } });
    let crashed = false;
    const deps = workerDeps(sql, o.sim, {
      budget: sqlBudget(sql, {
        envToken: o.token,
        envLabel: o.tokenLabel,
        reserve: o.budgetReserve,
        vaultTokens: false,
      }),
      restBudget: sqlBudget(sql, {
        envToken: o.token,
        envLabel: o.tokenLabel,
        reserve: 0,
        vaultTokens: false,
        resource: "core",
      }),
      config: { cpuBudgetMs: 1e9, ...o.config, timeBudgetMs: 1500 + Math.floor(o.random() * 4000) },
      beforeCommit: () => {
        if (!crashed && o.random() < o.pCrash) {
          crashed = true;
          throw new InjectedCrash();
        }
      },
    });
    const pass = runWorker(deps).then((r) => ({ r, e: null }), (e) => ({ r: null, e: e as Error }));
    const abortAfter = o.random() < o.pAbort ? 100 + Math.floor(o.random() * 2000) : null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const aborted = abortAfter === null
      ? new Promise<never>(() => {})
      : new Promise<"abort">((res) => timer = setTimeout(() => res("abort"), abortAfter));
    const outcome = await Promise.race([pass, aborted]);
    clearTimeout(timer);
    stats.passes++;
    if (outcome === "abort") {
      stats.aborts++;
      await sql.end({ timeout: 0 }).catch(() => {});
      return true;
    }
    if (outcome.e) {
      // A crash kills the whole pass: its sibling slots must not keep going.
      await sql.end({ timeout: 0 }).catch(() => {});
      if (outcome.e instanceof InjectedCrash) stats.crashes++;
      else stats.unexpectedErrors.push(outcome.e.stack ?? String(outcome.e));
      return true;
    }
    await sql.end({ timeout: 5 }).catch(() => {});
    const r = outcome.r!;
    for (const k of Object.keys(stats.report) as (keyof WorkerStats["report"])[]) {
      stats.report[k] += r[k];
    }
    if (r.tasksClaimed === 0) stats.passesIdle++;
    return r.tasksClaimed > 0;
  }

  async function loop(n: number) {
    while (!stopping) {
      const busy = await onePass(n).catch((e) => {
        stats.unexpectedErrors.push((e as Error).stack ?? String(e));
        return false;
      });
      if (!busy) await sleep(250);
    }
  }

  const untake = takeLeaksOfKills(stats);
  const loops = Array.from({ length: o.workers }, (_, i) => loop(i + 1));
  return {
    stats,
    /** Lets every worker finish its current pass, then stops. */
    async stop() {
      stopping = true;
      await Promise.all(loops); // every kill awaited its pool's destruction, leaks included
      untake();
    },
  };
}
