// What every scenario shares: the figures and their targets (DESIGN.md §6), a database client,
// the stack's simulator control endpoints, timing helpers.
import { createSql, type Sql } from "../supabase/functions/_shared/db.ts";

export type { Sql };

/** The keys of bench/results.json; null when a scenario could not run. */
export interface Figures {
  prs_per_point: number | null;
  first_rows_seconds: number | null;
  initial_20x200_seconds: number | null;
  budget_utilisation: number | null;
  primary_violations: number | null;
  secondary_violations: number | null;
  ingest_vs_copy: number | null;
  worker_peak_mb: number | null;
  metrics_p95_ms: number | null;
  large_repo_items_per_point: number | null;
  large_repo_hours_one_token: number | null;
  scale_linearity: number | null;
  scale_fairness: number | null;
  recovery_seconds: number | null;
  worker_cpu_ms_per_pass_max: number | null;
  worker_cpu_ms_per_pass_p95: number | null;
  worker_cpu_ms_per_1000_rows: number | null;
  fairness_first_chunk_after: number | null;
  fairness_small_job_chunks_to_finish: number | null;
}

export const FIGURE_KEYS: (keyof Figures)[] = [
  "prs_per_point",
  "first_rows_seconds",
  "initial_20x200_seconds",
  "budget_utilisation",
  "primary_violations",
  "secondary_violations",
  "ingest_vs_copy",
  "worker_peak_mb",
  "metrics_p95_ms",
  "large_repo_items_per_point",
  "large_repo_hours_one_token",
  "scale_linearity",
  "scale_fairness",
  "recovery_seconds",
  "worker_cpu_ms_per_pass_max",
  "worker_cpu_ms_per_pass_p95",
  "worker_cpu_ms_per_1000_rows",
  "fairness_first_chunk_after",
  "fairness_small_job_chunks_to_finish",
];

/** DESIGN.md §6 (raised by issue 16), as predicates on the measured value. */
export const TARGETS: Record<keyof Figures, { text: string; ok: (v: number) => boolean }> = {
  prs_per_point: { text: "≥ 50", ok: (v) => v >= 50 },
  first_rows_seconds: { text: "≤ 2 s", ok: (v) => v <= 2 },
  initial_20x200_seconds: { text: "≤ 5 s", ok: (v) => v <= 5 },
  budget_utilisation: { text: "≥ 0.95", ok: (v) => v >= 0.95 },
  primary_violations: { text: "0", ok: (v) => v === 0 },
  secondary_violations: { text: "0", ok: (v) => v === 0 },
  ingest_vs_copy: { text: "≥ 0.85", ok: (v) => v >= 0.85 },
  worker_peak_mb: { text: "≤ 128 MB", ok: (v) => v <= 128 },
  metrics_p95_ms: { text: "≤ 10 ms", ok: (v) => v <= 10 },
  large_repo_items_per_point: { text: "≥ 20", ok: (v) => v >= 20 },
  // Informational: how long the largest repositories take at GitHub's real limits.
  large_repo_hours_one_token: { text: "(report)", ok: () => true },
  scale_linearity: { text: "≥ 0.8", ok: (v) => v >= 0.8 },
  scale_fairness: { text: "≥ 0.8", ok: (v) => v >= 0.8 },
  // A killed worker's work resumes within 2 minutes (visibility timeout 60 s + the minute's tick).
  recovery_seconds: { text: "≤ 120 s", ok: (v) => v <= 120 },
  // Hosted ends a request past 2 s of CPU; a pass stops claiming at 1.5 s.
  worker_cpu_ms_per_pass_max: { text: "≤ 2000 ms", ok: (v) => v <= 2000 },
  worker_cpu_ms_per_pass_p95: { text: "≤ 1500 ms", ok: (v) => v <= 1500 },
  worker_cpu_ms_per_1000_rows: { text: "(report)", ok: () => true },
  // One chunk per slot of the live passes at most before a new workspace's job commits.
  fairness_first_chunk_after: { text: "≤ 8 chunks", ok: (v) => v <= 8 },
  // B's 2 tasks can hold 2 of the 8 slots: ≤ 4 means each kept its slot from claim to end.
  fairness_small_job_chunks_to_finish: { text: "≤ 4", ok: (v) => v <= 4 },
};

/** What a scenario hands back: its figures, the measurements behind them, and caveats. */
export interface ScenarioResult {
  figures: Partial<Figures>;
  detail: Record<string, unknown>;
  notes: string[];
}

export interface BenchEnv {
  DB_URL: string;
  FUNCTIONS_URL: string;
  GITHUB_API_URL: string;
  SERVICE_ROLE_KEY: string;
  ANON_KEY: string;
}

export function connectDb(url: string, max = 6): Sql {
  return createSql(url, { max, connection: { application_name: "bench" } });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) throw new RangeError("percentile of an empty sample");
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** POSTs options to the stack's simulator (`/_sim/config`, `/_sim/reset`). */
export async function simControl(
  githubApiUrl: string,
  path: "config" | "reset",
  body: unknown = {},
): Promise<void> {
  const res = await fetch(`${githubApiUrl}/_sim/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${githubApiUrl}/_sim/${path} answered ${res.status}: ${text}`);
}

/** Configures the stack's simulator with a new repository list, first deleting every stored
 * repository (and its content). The simulator numbers repositories and their items by position
 * in the list (an issue comment's id continues after every repository's PR comments), so under a
 * new list an earlier scenario's ids belong to other repositories or items: kept, they collide
 * (23505 on a PR number or a node_id) where GitHub, whose ids never move, never would. */
export async function configureStackSimulator(
  sql: Sql,
  githubApiUrl: string,
  body: { repos: unknown[] } & Record<string, unknown>,
): Promise<void> {
  await sql`delete from public.repositories`;
  await simControl(githubApiUrl, "config", body);
}

export async function simCounters(
  githubApiUrl: string,
): Promise<{ pointsSpent: number; violations: { primary: number; secondary: number } }> {
  const res = await fetch(`${githubApiUrl}/_sim/counters`);
  if (!res.ok) throw new Error(`GET ${githubApiUrl}/_sim/counters answered ${res.status}`);
  return await res.json();
}

/** Polls `probe` every `intervalMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

/** Runs `fn` as a signed-in user (role authenticated, request.jwt.claims) in one transaction. */
export async function asUser<T>(sql: Sql, userId: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${
      JSON.stringify({ sub: userId, role: "authenticated" })
    }, true)`;
    await tx`set local role authenticated`;
    return await fn(tx as unknown as Sql);
  }) as T;
}

/** A user in auth.users (created once per email). */
export async function ensureUser(sql: Sql, email: string): Promise<string> {
  const [u] =
    await sql`select id from auth.users where email = ${email} order by created_at limit 1`;
  if (u) return u.id;
  const [n] =
    await sql`insert into auth.users (email, email_confirmed_at) values (${email}, now()) returning id`;
  return n.id;
}

/** Deletes the stored repositories (and their content) whose GitHub ids `sim` uses. In-process
 * simulators number repositories from the same base, so one scenario's repository id can be
 * another's: without this, a later scenario's rows would collide with an earlier one's. */
export async function clearSimulatorRepos(
  sql: Sql,
  sim: {
    dataset: { entries: { ordinal: number }[]; repo(ordinal: number): { databaseId: number } };
  },
): Promise<void> {
  const ids = sim.dataset.entries.map((e) => sim.dataset.repo(e.ordinal).databaseId);
  await sql`delete from public.repositories where id = any(${ids}::bigint[])`;
}

/** Milliseconds, best of three, of a fixed database workload (counting 5 million rows of
 * generate_series in one backend) and a fixed JS one (300 million loop steps in this process). */
export async function calibrate(sql: Sql): Promise<{ db_ms: number; js_ms: number }> {
  const best = async (f: () => Promise<void> | void) => {
    let min = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await f();
      min = Math.min(min, performance.now() - t0);
    }
    return Math.round(min);
  };
  const db_ms = await best(async () => {
    await sql`select count(*) from generate_series(1, 5000000)`;
  });
  let sink = 0;
  const js_ms = await best(() => {
    for (let i = 0; i < 300_000_000; i++) sink += i % 7;
  });
  if (sink < 0) throw new Error("unreachable");
  return { db_ms, js_ms };
}
