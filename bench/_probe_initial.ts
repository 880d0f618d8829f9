// temporary probe (not committed): in-process 20x200 with latency, timing breakdown
import { createSimulator, DEFAULT_REPOS } from "../dev/github-sim/mod.ts";
import { INITIAL_REPOS } from "./initial_backfill.ts";
import { createJob, setupWorkspace } from "../supabase/tests/e2e/engine_helpers.ts";
import { clearSimulatorRepos, connectDb } from "./lib.ts";
import { runWorker } from "../supabase/functions/_shared/engine/worker.ts";
import { sqlBudget } from "../supabase/functions/_shared/engine/budget.ts";
import { createGithubClient } from "../supabase/functions/_shared/github/graphql.ts";
import { createRestClient } from "../supabase/functions/_shared/github/rest.ts";
const sql = connectDb(Deno.env.get("DB_URL")!, Number(Deno.env.get("POOL") ?? 6));
const sim = createSimulator({ seed: 42, repos: [...DEFAULT_REPOS, ...INITIAL_REPOS], latencyMs: Number(Deno.env.get("LAT") ?? 200) });
await clearSimulatorRepos(sql, sim);
const names = INITIAL_REPOS.map((r) => `${r.owner}/${r.name}`);
const { workspaceId } = await setupWorkspace(sql, "probe", names);
await sql`update public.backfill_jobs set status='cancelled' where status in ('pending','running')`;
const jobId = await createJob(sql, workspaceId, { kind: "initial", windowDays: 90, dataTypes: ["repository", "pull_requests"], maxPrs: 200 });
let ghMs = 0, n = 0;
const timedFetch = async (i: Request | URL | string, init?: RequestInit) => {
  const t = performance.now(); const r = await sim.fetch(i, init); const b = await r.arrayBuffer();
  ghMs += performance.now() - t; n++; return new Response(b, { status: r.status, headers: r.headers });
};
const t0 = performance.now();
const cpu0 = Deno.resourceUsage ? 0 : 0;
const r = await runWorker({
  sql,
  github: (token) => createGithubClient({ baseUrl: "http://sim.test", token, fetch: timedFetch as typeof fetch }),
  rest: (token) => createRestClient({ baseUrl: "http://sim.test", token, fetch: timedFetch as typeof fetch }),
  budget: sqlBudget(sql, { envToken: "probe-token", envLabel: "env:PROBE", reserve: 0 }),
  restBudget: sqlBudget(sql, { envToken: "probe-token", envLabel: "env:PROBE", reserve: 0, resource: "core" }),
  config: { concurrency: Number(Deno.env.get("SLOTS") ?? 20), timeBudgetMs: 60_000, cpuBudgetMs: 1e9 },
});
const wall = performance.now() - t0;
const [j] = await sql`select status from public.backfill_jobs where id = ${jobId}`;
console.log(JSON.stringify({ wall_s: wall / 1000, status: j.status, requests: n, gh_ms_avg: ghMs / n, report: r }));
await sql.end();
