// A killed worker, on the deployed path: a manual job over one 1,500-PR repository (the stack's
// simulator, 100 ms latency) runs on the deployed backfill-worker; once its PR chunks are being
// committed, every backfill-worker function process is killed (SIGKILL: no beforeunload, no
// release, as when hosted ends an isolate). Nothing tells the engine: the claim's message turns
// visible again after its visibility timeout, the pass's heartbeat goes stale, and the minute's
// pg_cron tick (or the sweeper) starts another pass. Figures:
// - recovery_seconds: from the kill to the next chunk commit of the job (target ≤ 120 s: the
//   visibility timeout of 60 s plus the minute's tick);
// - worker_cpu_ms_per_pass_max / _p95 and worker_cpu_ms_per_1000_rows: the CPU each pass of this
//   job reported (engine.worker_invocations.report.cpuMs, the process's own CPU clock), against
//   the hosted limit of 2 s per request, and per 1,000 rows stored.
import { DEFAULT_REPOS, type RepoSpec } from "../dev/github-sim/mod.ts";
import { TERMINAL_JOB_STATUSES } from "../dev/demo_job.ts";
import { join } from "node:path";
import { stackConfig } from "../dev/stack/config.ts";
import { type BenchEnv, percentile, round, type ScenarioResult, configureStackSimulator, simControl, type Sql, until } from "./lib.ts";

const REPO: RepoSpec = { owner: "bench-recover", name: "big", prs: 1500, days: 300, issues: 0, discussions: 0, commits: 0, forks: 0, starsPerDay: 0 };
const FULL = `${REPO.owner}/${REPO.name}`;

/** Pids of the bench stack's backfill-worker function processes: children of its services
 * process (another stack's workers on this machine are left alone). */
async function workerPids(): Promise<number[]> {
  const services = Number((await Deno.readTextFile(join(stackConfig("test").stateDir, "services.pid"))).trim());
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid !== services) continue;
    const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmd.includes("function-host.ts") && cmd.split("\0").includes("backfill-worker")) pids.push(Number(e.name));
  }
  return pids;
}

export async function recovery(sql: Sql, env: BenchEnv): Promise<ScenarioResult> {
  await configureStackSimulator(sql, env.GITHUB_API_URL, { repos: [...DEFAULT_REPOS, REPO], latencyMs: 100, jitterMs: 0 });
  await simControl(env.GITHUB_API_URL, "reset");
  const slug = "bench-recovery";
  await sql`update engine.worker_settings set automatic_invocations = true, reason = null, updated_at = now()`;
  await sql`delete from public.workspaces where slug = ${slug}`;
  await sql`delete from public.repositories where lower(full_name) = ${FULL}`;
  const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${slug}, ${slug}, 'pro') returning id`;
  const [t] = await sql`insert into public.tracked_repositories (owner, name) values (${REPO.owner}, ${REPO.name})
    on conflict ((lower(full_name))) do update set status = 'pending' returning id`;
  await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${t.id})`;
  const started = new Date();
  const [job] = await sql`insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
    values (${ws.id}, 'manual', 365, ${["repository", "pull_requests"]}) returning id`;

  const progress = async () => {
    const [p] = await sql`select coalesce(sum(p.items_done), 0)::int as items, max(p.updated_at) as at
      from public.backfill_progress p join public.backfill_tasks bt on bt.id = p.task_id
      where bt.job_id = ${job.id} and p.data_type = 'pull_requests'`;
    return p as { items: number; at: Date | null };
  };
  await until("the job's first PR chunks", async () => (await progress()).items >= 200, 120_000, 100);
  const pids = await workerPids();
  if (pids.length === 0) throw new Error("recovery: no backfill-worker function process found to kill");
  const before = await progress();
  for (const pid of pids) Deno.kill(pid, "SIGKILL");
  const killedAt = Date.now();
  const resumed = await until("a chunk committed after the kill", async () => {
    const p = await progress();
    return p.items > before.items ? p : null;
  }, 300_000, 250);
  const recoverySeconds = (Date.now() - killedAt) / 1000;
  const end = await until("the job to end", async () => {
    const [j] = await sql`select status from public.backfill_jobs where id = ${job.id}`;
    return TERMINAL_JOB_STATUSES.includes(j.status) ? j : null;
  }, 600_000, 250);

  // The passes of this scenario: CPU as each reported it.
  const passes = await sql`select (report->>'cpuMs')::float as cpu, (report->>'chunksCommitted')::int as chunks
    from engine.worker_invocations where started_at >= ${started} and report ? 'cpuMs' and (report->>'chunksCommitted')::int > 0`;
  const cpu = passes.map((p) => Number(p.cpu)).filter((x) => Number.isFinite(x));
  const [rows] = await sql`with r as (select id from public.repositories where lower(full_name) = ${FULL})
    select (select count(*) from public.pull_requests where repository_id in (select id from r))
         + (select count(*) from public.reviews where repository_id in (select id from r))
         + (select count(*) from public.review_comments where repository_id in (select id from r))
         + (select count(*) from public.issue_comments where repository_id in (select id from r)) as n`;
  const totalCpu = cpu.reduce((a, b) => a + b, 0);
  return {
    figures: {
      recovery_seconds: round(recoverySeconds, 1),
      worker_cpu_ms_per_pass_max: cpu.length ? Math.round(Math.max(...cpu)) : null,
      worker_cpu_ms_per_pass_p95: cpu.length ? Math.round(percentile(cpu, 95)) : null,
      worker_cpu_ms_per_1000_rows: Number(rows.n) > 0 ? round((totalCpu / Number(rows.n)) * 1000, 1) : null,
    },
    detail: {
      path: "manual job → pgmq → deployed backfill-worker (default config), its processes SIGKILLed mid-job; resumed by pg_cron",
      repository: FULL,
      prs: REPO.prs,
      items_before_kill: before.items,
      killed_processes: pids.length,
      items_at_first_commit_after: resumed.items,
      job_status: end.status,
      passes_with_commits: cpu.length,
      rows_stored: Number(rows.n),
      cpu_ms_total: Math.round(totalCpu),
    },
    notes: [
      `killed ${pids.length} backfill-worker process(es) at ${before.items} PRs; the next chunk committed ${round(recoverySeconds, 1)} s later ` +
      "(visibility timeout 60 s, pg_cron tick every minute)",
    ],
  };
}
