// Scenario 4: a rate-bound run with a compressed budget window. An in-process simulator allows
// LIMIT points per WINDOW_SECONDS; the worker runs in-process with the SQL budget (reserve
// RESERVE) over repositories far larger than the run can finish, for RUN_SECONDS of real time.
// Every GraphQL answer's x-ratelimit-used / -reset is recorded, so each window's spend is known;
// utilisation of a window = points used ÷ (LIMIT − RESERVE). Windows still open when the run
// stops are left out. Violations are the simulator's counters (a request sent while the budget
// was known exhausted, or inside a retry-after).
import { createSimulator, type RepoSpec } from "../dev/github-sim/mod.ts";
import { createGithubClient } from "../supabase/functions/_shared/github/graphql.ts";
import { runWorker, type WorkerReport } from "../supabase/functions/_shared/engine/worker.ts";
import {
  createJob,
  freshBudget,
  jobStatus,
  setupWorkspace,
} from "../supabase/tests/e2e/engine_helpers.ts";
import { clearSimulatorRepos, round, type ScenarioResult, sleep, type Sql } from "./lib.ts";

const LIMIT = 200;
const RESERVE = 10;
const WINDOW_SECONDS = 10;
const RUN_SECONDS = 45;

const REPOS: RepoSpec[] = [1, 2, 3].map((i) => ({
  owner: "bench-rate",
  name: `big-${i}`,
  prs: 30_000,
  issues: 10_000,
  days: 365,
  discussions: 0,
  commits: 10,
  forks: 1,
}));

export async function rateBound(sql: Sql): Promise<ScenarioResult> {
  const sim = createSimulator({
    seed: 42,
    repos: REPOS,
    limit: LIMIT,
    windowSeconds: WINDOW_SECONDS,
  });
  // Per window (keyed by its reset second): the highest x-ratelimit-used answered.
  const windows = new Map<number, { used: number; firstAt: number; lastAt: number }>();
  const recordingFetch = async (input: Request | URL | string, init?: RequestInit) => {
    const res = await sim.fetch(input, init);
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    const used = Number(res.headers.get("x-ratelimit-used"));
    if (res.headers.get("x-ratelimit-resource") === "graphql" && Number.isFinite(reset)) {
      const w = windows.get(reset) ?? { used: 0, firstAt: Date.now(), lastAt: 0 };
      w.used = Math.max(w.used, used);
      w.lastAt = Date.now();
      windows.set(reset, w);
    }
    return res;
  };
  const names = REPOS.map((r) => `${r.owner}/${r.name}`);
  await clearSimulatorRepos(sql, sim);
  const { workspaceId } = await setupWorkspace(sql, "bench-rate-bound", names);
  const jobId = await createJob(sql, workspaceId, {
    windowDays: 365,
    dataTypes: ["repository", "pull_requests", "issues"],
  });
  const budget = await freshBudget(sql, "BENCH_RATE", "bench-rate-token", {
    reserve: RESERVE,
    limit: LIMIT,
  });
  const reports: WorkerReport[] = [];
  // A pass that throws is what a crashed function invocation is: its messages come back after
  // their visibility timeout. Counted, and the run goes on.
  const workerErrors: string[] = [];
  const started = Date.now();
  const stopAt = started + RUN_SECONDS * 1000;
  try {
    while (Date.now() < stopAt && ["pending", "running"].includes(await jobStatus(sql, jobId))) {
      const r = await runWorker({
        sql,
        budget,
        github: (token) =>
          createGithubClient({
            baseUrl: "http://sim.test",
            token,
            fetch: recordingFetch as typeof fetch,
          }),
        config: {
          concurrency: 4,
          timeBudgetMs: Math.max(1000, Math.min(15_000, stopAt - Date.now())),
          retryDelaySeconds: 0,
          budgetReserve: RESERVE,
          cpuBudgetMs: 1e9, // the simulator shares this process: passes end by time here
        },
      }).catch((e) => {
        workerErrors.push((e as Error).message);
        return null;
      });
      if (r) reports.push(r);
      if (!r || r.tasksClaimed === 0 || r.stoppedBy === "budget") await sleep(200);
    }
  } finally {
    // Leave nothing queued for later scenarios' workers.
    await sql`select public.cancel_backfill(${jobId})`.catch(() => {});
  }
  const stoppedAt = Date.now();
  const c = sim.counters();
  const usable = LIMIT - RESERVE;
  const all = [...windows.entries()].sort((a, b) => a[0] - b[0]);
  // A window counts once it has reset before the run stopped (the last one is still open).
  const complete = all.filter(([reset]) => reset * 1000 <= stoppedAt);
  const shares = complete.map(([, w]) => w.used / usable);
  const [job] =
    await sql`select status, points_used::int as points_used, items_done::int as items_done from public.backfill_jobs where id = ${jobId}`;
  const notes: string[] = [];
  if (workerErrors.length) {
    notes.push(
      `${workerErrors.length} worker pass(es) threw (as a crashed invocation would): ${
        [...new Set(workerErrors)].join("; ")
      }`,
    );
  }
  if (complete.length < 2) {
    notes.push(
      `only ${complete.length} complete window(s) in ${RUN_SECONDS} s: the figure is weak`,
    );
  }
  const finishedEarly = !["pending", "running", "cancelled"].includes(job.status);
  if (finishedEarly) {
    notes.push(
      `the job finished before the run ended (${job.status}): its last window is not rate-bound`,
    );
  }
  return {
    figures: {
      budget_utilisation: shares.length ? round(Math.min(...shares), 3) : null,
      primary_violations: c.violations.primary,
      secondary_violations: c.violations.secondary,
    },
    detail: {
      limit: LIMIT,
      reserve: RESERVE,
      window_seconds: WINDOW_SECONDS,
      run_seconds: round((stoppedAt - started) / 1000, 1),
      figure: "lowest share of (limit − reserve) used over the complete windows",
      windows: complete.map(([reset, w]) => ({
        reset_at: new Date(reset * 1000).toISOString(),
        used: w.used,
        share: round(w.used / usable, 3),
      })),
      mean_share: shares.length
        ? round(shares.reduce((a, b) => a + b, 0) / shares.length, 3)
        : null,
      points_spent: c.pointsSpent,
      requests: c.requests.graphql,
      outcomes: c.outcomes,
      budget_waits: reports.reduce((a, r) => a + r.budgetWaits, 0),
      worker_passes: reports.length,
      items_done: job.items_done,
      worker_errors: workerErrors,
    },
    notes,
  };
}
