// `npm run bench`: brings up its own stack (profile "test" on the bench's ports, a throwaway
// cluster with PostgreSQL's durable defaults), runs every scenario on the GitHub simulator,
// prints each figure beside its target (DESIGN.md §6) and writes bench/results.json.
//   deno run -A bench/run.ts [--only first_rows,metrics] [--reuse] [--keep]
// --reuse: use a stack already running on the bench ports instead of starting a fresh one.
// --keep: leave the stack running afterwards. Ports: STACK_TEST_DB_PORT / STACK_TEST_API_PORT /
// STACK_TEST_GITHUB_PORT, the test profile's (defaults 56322 / 56321 / 56340 here, apart from
// the dev stack and from npm test).
import { parseArgs } from "node:util";
import process from "node:process";

// Set before the stack modules read them, and inherited by the stack's own processes.
const PORT_DEFAULTS = {
  STACK_TEST_DB_PORT: "56322",
  STACK_TEST_API_PORT: "56321",
  STACK_TEST_GITHUB_PORT: "56340",
};
for (const [k, v] of Object.entries(PORT_DEFAULTS)) if (!Deno.env.get(k)) Deno.env.set(k, v);
// graphql-js (the in-process simulators) skips its development-mode checks, as the simulator CLI does.
process.env.NODE_ENV ??= "production";

const { stackConfig } = await import("../dev/stack/config.ts");
const { down, stackEnv, status, up } = await import("../dev/stack/stack.ts");
const lib = await import("./lib.ts");
const { pauseDeployedWorker } = await import("../supabase/tests/e2e/engine_helpers.ts");
type ScenarioResult = import("./lib.ts").ScenarioResult;
type Figures = import("./lib.ts").Figures;
type BenchEnv = import("./lib.ts").BenchEnv;
type Sql = import("./lib.ts").Sql;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    only: { type: "string" },
    reuse: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});

interface Scenario {
  name: string;
  title: string;
  keys: (keyof Figures)[];
  run: (sql: Sql, env: BenchEnv) => Promise<ScenarioResult>;
  /** Runs on the stack's deployed worker (it switches automatic invocations on itself). */
  deployed?: true;
}

// Deployed-path scenarios first (they need the stack's worker invocations on). Before each of
// the others the bench pauses those invocations and waits for the last deployed pass to end
// (pauseDeployedWorker, the e2e tests' helper), so only the scenario's own worker drains and no
// deployed pass spends the machine's CPU meanwhile.
const SCENARIOS: Scenario[] = [
  {
    name: "first_rows",
    deployed: true,
    title: "webhook → first rows visible",
    keys: ["first_rows_seconds"],
    run: async (sql, env) => (await import("./first_rows.ts")).firstRows(sql, env),
  },
  {
    name: "initial_20x200",
    deployed: true,
    title: "20 repos × 200 PRs initial backfill, 200 ms latency",
    keys: ["initial_20x200_seconds"],
    run: async (sql, env) => (await import("./initial_backfill.ts")).initialBackfill(sql, env),
  },
  {
    name: "recovery",
    deployed: true,
    title: "killed worker → next chunk; CPU per pass (deployed)",
    keys: [
      "recovery_seconds",
      "worker_cpu_ms_per_pass_max",
      "worker_cpu_ms_per_pass_p95",
      "worker_cpu_ms_per_1000_rows",
    ],
    run: async (sql, env) => (await import("./recovery.ts")).recovery(sql, env),
  },
  {
    name: "prs_per_point",
    title: "PRs per GraphQL point (fully hydrated)",
    keys: ["prs_per_point"],
    run: async (sql) => (await import("./prs_per_point.ts")).prsPerPoint(sql),
  },
  {
    name: "fairness",
    title: "a 2-repository job started while a 50-repository job holds the worker",
    keys: ["fairness_first_chunk_after", "fairness_small_job_chunks_to_finish"],
    run: async (sql) => (await import("./fairness.ts")).fairness(sql),
  },
  {
    name: "rate_bound",
    title: "rate-bound run, compressed window",
    keys: ["budget_utilisation", "primary_violations", "secondary_violations"],
    run: async (sql) => (await import("./rate_bound.ts")).rateBound(sql),
  },
  {
    name: "ingest",
    title: "DB ingest vs COPY",
    keys: ["ingest_vs_copy"],
    run: async (sql, env) => (await import("./ingest.ts")).ingestVsCopy(sql, env.DB_URL),
  },
  {
    name: "metrics",
    title: "metrics RPC p95, 50 repos × 365 days",
    keys: ["metrics_p95_ms"],
    run: async (sql) => (await import("./metrics_rpc.ts")).metricsP95(sql),
  },
  {
    name: "large_repo",
    title: "whole 365-day addon job, a large open-source repository",
    keys: ["large_repo_items_per_point", "large_repo_hours_one_token"],
    run: async (sql) => (await import("./large_repo_job.ts")).largeRepoJob(sql),
  },
  {
    name: "scale",
    title: "1,000 workspaces, 20,000 repositories, a token pool (compressed time)",
    keys: ["scale_linearity", "scale_fairness"],
    run: async (sql, env) => (await import("./scale.ts")).scale(sql, env),
  },
  {
    name: "worker_memory",
    title: "worker peak memory, 100k-PR repository",
    keys: ["worker_peak_mb"],
    run: async (sql, env) => (await import("./worker_memory.ts")).workerMemory(sql, env),
  },
];

const log = (s: string) => console.error(`• ${s}`);
const only = values.only ? new Set(values.only.split(",").map((s) => s.trim())) : null;
if (only) {
  const unknown = [...only].filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(
      `unknown scenario(s) ${unknown.join(", ")}; known: ${
        SCENARIOS.map((s) => s.name).join(", ")
      }`,
    );
    Deno.exit(2);
  }
}

// The test profile's ports and throwaway cluster, with PostgreSQL's durable defaults (fsync,
// synchronous_commit, full_page_writes): commits cost here what they cost on a hosted database.
const c = { ...stackConfig("test"), durable: true };
const benchStarted = performance.now();
let startedStack = false;
if (values.reuse && (await status(c)).healthy) {
  log(`reusing the stack on database port ${c.dbPort}`);
} else {
  // A stack left behind on the bench's ports by an interrupted run is the bench's own: replace it.
  await down(c, () => {});
  log(
    `bringing up the bench stack (database ${c.dbPort}, API ${c.apiPort}, simulator ${c.githubPort})`,
  );
  await up(c, log, { fresh: true });
  startedStack = true;
}
const env = await stackEnv(c) as unknown as BenchEnv;
const sql = lib.connectDb(env.DB_URL, 8);
// The settings the figures were measured under (a --reuse'd stack may have been started otherwise).
const durability = Object.fromEntries(
  (await sql<{ name: string; setting: string }[]>`
    select name, setting from pg_settings
    where name in ('fsync', 'synchronous_commit', 'full_page_writes') order by name`)
    .map((r) => [r.name, r.setting]),
);
if (Object.values(durability).some((v) => v === "off")) {
  log(
    `warning: the database runs with ${
      JSON.stringify(durability)
    }: commits cost less than on a hosted one`,
  );
}
// How fast this machine is today, so runs on different machines (or a loaded one) can be told
// apart from changes in the code: best of three of a fixed database and a fixed JS workload.
const calibration = await lib.calibrate(sql);
log(`machine: ${JSON.stringify(calibration)} (lower is faster)`);

const figures = Object.fromEntries(lib.FIGURE_KEYS.map((k) => [k, null])) as unknown as Figures;
const details: Record<string, unknown> = {};
const notes: Record<string, string[]> = {};
let failed = 0;
try {
  for (const s of SCENARIOS) {
    if (only && !only.has(s.name)) continue;
    log(`${s.name}: ${s.title}`);
    const t0 = performance.now();
    try {
      if (!s.deployed) {
        const waited = await pauseDeployedWorker(sql, "bench: an in-process scenario is running");
        if (waited >= 1) {
          log(`${s.name}: waited ${lib.round(waited, 1)} s for deployed worker passes to end`);
        }
      }
      const r = await s.run(sql, env);
      Object.assign(figures, r.figures);
      details[s.name] = {
        ...r.detail,
        scenario_seconds: lib.round((performance.now() - t0) / 1000, 1),
      };
      if (r.notes.length) notes[s.name] = r.notes;
      log(
        `${s.name}: ${s.keys.map((k) => `${k}=${figures[k]}`).join(" ")} (${
          lib.round((performance.now() - t0) / 1000, 1)
        } s)`,
      );
    } catch (e) {
      failed++;
      notes[s.name] = [`the scenario failed: ${(e as Error).message}`];
      details[s.name] = { error: (e as Error).stack ?? String(e) };
      log(`${s.name}: FAILED: ${(e as Error).message}`);
    }
  }
} finally {
  await sql.end({ timeout: 5 });
  if (startedStack && !values.keep) await down(c, log);
}

// The table: figure, target, pass/miss.
const rows = lib.FIGURE_KEYS.map((k) => {
  const v = figures[k];
  const verdict = v === null ? "n/a" : lib.TARGETS[k].ok(v) ? "pass" : "MISS";
  return [k, v === null ? "null" : String(v), lib.TARGETS[k].text, verdict];
});
const header = ["figure", "measured", "target", "result"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((x, i) => x.padEnd(widths[i])).join(" | ")} |`;
console.log(
  [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join(
    "\n",
  ),
);
for (const [name, ns] of Object.entries(notes)) for (const n of ns) console.log(`- ${name}: ${n}`);

const totalSeconds = lib.round((performance.now() - benchStarted) / 1000, 1);
console.log(`bench: ${totalSeconds} s in all`);
if (!only) {
  const out = {
    ...figures,
    measured_at: new Date().toISOString(),
    bench_seconds: totalSeconds,
    machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
    database: durability,
    calibration,
    notes,
    details,
  };
  await Deno.writeTextFile(
    new URL("./results.json", import.meta.url),
    JSON.stringify(out, null, 2) + "\n",
  );
  log("wrote bench/results.json");
} else {
  console.error(JSON.stringify(details, null, 2));
  log("--only: bench/results.json left unchanged (it holds the figures of a full run)");
}
Deno.exit(failed > 0 ? 1 : 0);
