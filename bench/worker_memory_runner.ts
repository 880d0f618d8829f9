// Bench-only: the backfill worker alone in its own Deno process, as the edge function runs it
// (default config, SQL budget, GitHub over HTTP), so its memory can be measured apart from the
// simulator and the bench. Drains passes until RUN_SECONDS pass or the queues are empty; prints
// one JSON line per memory sample and a final line with VmHWM (the peak resident set).
//   DB_URL=… GITHUB_API_URL=… RUN_SECONDS=90 deno run -A bench/worker_memory_runner.ts
import { connect } from "../supabase/functions/_shared/db.ts";
import { createGithubClient } from "../supabase/functions/_shared/github.ts";
import { sqlBudget } from "../supabase/functions/_shared/budget.ts";
import { runWorker, type WorkerReport } from "../supabase/functions/_shared/worker.ts";

const need = (name: string) => {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`${name} must be set`);
  return v;
};
const baseUrl = need("GITHUB_API_URL");
const runMs = Number(Deno.env.get("RUN_SECONDS") ?? "90") * 1000;
const sql = connect(need("DB_URL"), 6);
const token = "bench-memory-token";
const budget = sqlBudget(sql, { envToken: token, envLabel: "env:BENCH_MEMORY", vaultTokens: false });

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
const vm = (field: "VmHWM" | "VmRSS") => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(Deno.readTextFileSync("/proc/self/status"));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
};
const sampler = setInterval(() => {
  const m = Deno.memoryUsage();
  console.log(JSON.stringify({ t: Date.now(), rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed), heap_total_mb: mb(m.heapTotal), external_mb: mb(m.external) }));
}, 200);

const deadline = Date.now() + runMs;
const reports: WorkerReport[] = [];
while (Date.now() < deadline) {
  const r = await runWorker({
    sql,
    budget,
    github: (t) => createGithubClient({ baseUrl, token: t }),
    config: { timeBudgetMs: Math.max(1000, deadline - Date.now()) },
  });
  reports.push(r);
  if (r.tasksClaimed === 0) break;
}
clearInterval(sampler);
console.log(JSON.stringify({
  done: true,
  vm_hwm_mb: vm("VmHWM"),
  chunks: reports.reduce((a, r) => a + r.chunksCommitted, 0),
  requests: reports.reduce((a, r) => a + r.requests, 0),
  tasks_completed: reports.reduce((a, r) => a + r.tasksCompleted, 0),
}));
await sql.end({ timeout: 5 });
Deno.exit(0);
