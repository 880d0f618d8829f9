// Scenario 6: worker peak memory while backfilling a 100,000-PR repository. The simulator (one
// repository, 100k PRs over 365 days, small nested counts) is served over HTTP by this process;
// the worker runs alone in a child Deno process (bench/worker_memory_runner.ts) with the edge
// function's default config and the V8 heap of a deployed function process (v8HeapFlags of the
// stack's memory limit, STACK_FN_MEMORY_MB, 256 MB by default), until the whole job is done
// (RUN_SECONDS, default 900, env BENCH_MEMORY_SECONDS, is only a safety bound; a run stopped by
// it says so). Peak = the child's VmHWM (peak resident set of the whole process: V8 heap, Deno
// runtime, buffers); the peak of V8 heap used + external memory (what hosted Supabase's
// supervisor counts against 256 MB) is detail.
import { join } from "node:path";
import { createSimulator, type RepoSpec } from "../dev/github-sim/mod.ts";
import { limitsFromEnv, v8HeapFlags } from "../dev/stack/functions/limits.ts";
import { createJob, itemsDone, setupWorkspace } from "../supabase/tests/e2e/engine_helpers.ts";
import { type BenchEnv, clearSimulatorRepos, round, type ScenarioResult, type Sql } from "./lib.ts";

const RUN_SECONDS = Number(Deno.env.get("BENCH_MEMORY_SECONDS") ?? "900");
const REPO: RepoSpec = {
  owner: "bench-memory",
  name: "huge-100k",
  prs: 100_000,
  reviewsPerPr: 1,
  commentsPerPr: 1,
  reviewCommentsPerPr: 1,
  issues: 0,
  discussions: 0,
  commits: 10,
  forks: 1,
  days: 365,
};

export async function workerMemory(sql: Sql, env: BenchEnv): Promise<ScenarioResult> {
  const sim = createSimulator({
    seed: 42,
    repos: [REPO],
    limit: 10_000_000,
    pointsPerMinute: 10_000_000,
  });
  const server = sim.listen({ port: 0 });
  const name = `${REPO.owner}/${REPO.name}`;
  await clearSimulatorRepos(sql, sim);
  const { workspaceId } = await setupWorkspace(sql, "bench-worker-memory", [name]);
  const jobId = await createJob(sql, workspaceId, {
    windowDays: 365,
    dataTypes: ["repository", "pull_requests"],
  });
  const heapFlags = v8HeapFlags(limitsFromEnv().memoryMb);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-prompt",
      ...heapFlags,
      join(import.meta.dirname!, "worker_memory_runner.ts"),
    ],
    env: {
      NO_COLOR: "1",
      DB_URL: env.DB_URL,
      GITHUB_API_URL: server.url,
      RUN_SECONDS: String(RUN_SECONDS),
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peakRss = 0, peakHeap = 0, peakHeapTotal = 0, peakCounted = 0, samples = 0;
  let final:
    | { vm_hwm_mb: number | null; chunks: number; requests: number; tasks_completed: number }
    | null = null;
  const started = Date.now();
  const killer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, (RUN_SECONDS + 60) * 1000);
  let stderrHead = "";
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(s) {
        if (stderrHead.length < 1500) stderrHead = (stderrHead + s).slice(0, 1500);
      },
    }),
  ).catch(() => {});
  let buf = "";
  let errText = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    buf += chunk;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const m = JSON.parse(line);
        if (m.done) final = m;
        else {
          samples++;
          peakRss = Math.max(peakRss, m.rss_mb);
          peakHeap = Math.max(peakHeap, m.heap_used_mb);
          peakHeapTotal = Math.max(peakHeapTotal, m.heap_total_mb);
          peakCounted = Math.max(peakCounted, m.heap_used_mb + m.external_mb);
        }
      } catch {
        errText += line + "\n";
      }
    }
  }
  const status = await child.status;
  clearTimeout(killer);
  await stderr;
  const seconds = (Date.now() - started) / 1000;
  const [job] = await sql`select status from public.backfill_jobs where id = ${jobId}`;
  await sql`select public.cancel_backfill(${jobId})`.catch(() => {});
  await server.close();
  const prs = await itemsDone(sql, jobId, "pull_requests");
  if (!final) {
    throw new Error(
      `the worker process exited (code ${status.code}) without its final report: ${
        (errText + stderrHead).trim()
      }`,
    );
  }
  const peak = final.vm_hwm_mb ?? peakRss;
  const completed = job.status === "completed";
  const notes = [
    completed
      ? `the whole repository (${
        prs.toLocaleString("en")
      } PRs, ${final.chunks} chunks) was backfilled in ${round(seconds, 0)} s`
      : `bounded at ${RUN_SECONDS} s (job still ${job.status}): ${
        prs.toLocaleString("en")
      } of 100,000 PRs fetched in ${final.chunks} chunks` +
        (prs === 100_000 ? ", their REST comment lists in progress" : "") +
        "; the figure is the peak so far",
  ];
  return {
    figures: { worker_peak_mb: round(peak, 1) },
    detail: {
      repo: REPO,
      run_seconds: round(seconds, 1),
      prs_done: prs,
      chunks: final.chunks,
      requests: final.requests,
      job_status: job.status,
      peak_rss_mb_vmhwm: final.vm_hwm_mb,
      peak_rss_mb_sampled: peakRss,
      peak_heap_used_mb: peakHeap,
      peak_heap_total_mb: peakHeapTotal,
      peak_heap_plus_external_mb: round(peakCounted, 1),
      samples,
      v8_flags: heapFlags.join(" ") || "none (STACK_FN_MEMORY_MB=0)",
      figure: "VmHWM of the worker process (whole-process peak RSS), default worker config",
    },
    notes,
  };
}
