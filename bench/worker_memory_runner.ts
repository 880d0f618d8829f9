// Bench-only: the backfill worker alone in its own Deno process, exactly as the edge function
// runs it (createWorkerHandler: config from env, SQL budgets, GraphQL and REST over HTTP), so its
// memory can be measured apart from the simulator and the bench. Runs handler passes until
// RUN_SECONDS pass or no task is left open; prints one JSON line per memory sample and a final
// line with VmHWM (the peak resident set).
//   DB_URL=… GITHUB_API_URL=… RUN_SECONDS=90 deno run -A bench/worker_memory_runner.ts
import { connect } from "../supabase/functions/_shared/db.ts";
import { createWorkerHandler } from "../supabase/functions/_shared/engine/handler.ts";

const need = (name: string) => {
  const v = Deno.env.get(name);
  if (!v) throw new Error(`${name} must be set`);
  return v;
};
const runMs = Number(Deno.env.get("RUN_SECONDS") ?? "90") * 1000;
const sql = connect(need("DB_URL"), 6);
const deadline = Date.now() + runMs;
// The handler checks that the caller holds the project's service key: this runner is that caller.
const serviceKey = "bench-memory-service-key";
const functionEnv: Record<string, string> = {
  GITHUB_API_URL: need("GITHUB_API_URL"),
  GITHUB_TOKEN: "bench-memory-token",
  SUPABASE_SERVICE_ROLE_KEY: serviceKey,
};
const handler = createWorkerHandler({
  sql,
  // Each pass's time budget ends with the run.
  env: (name) =>
    name === "BACKFILL_TIME_BUDGET_MS"
      ? String(Math.max(1000, deadline - Date.now()))
      : functionEnv[name],
});

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
const vm = (field: "VmHWM" | "VmRSS") => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(
    Deno.readTextFileSync("/proc/self/status"),
  );
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
};
const sampler = setInterval(() => {
  const m = Deno.memoryUsage();
  console.log(
    JSON.stringify({
      t: Date.now(),
      rss_mb: mb(m.rss),
      heap_used_mb: mb(m.heapUsed),
      heap_total_mb: mb(m.heapTotal),
      external_mb: mb(m.external),
    }),
  );
}, 200);

interface Report {
  tasksClaimed: number;
  chunksCommitted: number;
  requests: number;
  tasksCompleted: number;
}
const reports: Report[] = [];
while (Date.now() < deadline) {
  const res = await handler(
    new Request("http://worker.local/backfill-worker", {
      method: "POST",
      headers: { authorization: `Bearer ${serviceKey}` },
    }),
  );
  const body = await res.json();
  if (!res.ok) throw new Error(`worker pass answered ${res.status}: ${JSON.stringify(body)}`);
  reports.push(body as Report);
  if (body.tasksClaimed === 0) {
    // No visible work: the job is done, or its task waits (a retry delay, a budget reset) and
    // becomes visible again shortly; keep the worker alive until then, as pg_cron would.
    const [{ open }] = await sql`
      select count(*)::int as open from public.backfill_tasks where status in ('pending', 'running')`;
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
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
