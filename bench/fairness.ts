// Fairness across workspaces: workspace A's addon job over 50 repositories is running when
// workspace B starts a 2-repository manual job. Both are 365-day jobs, so both wait in the same
// queue (backfill_bulk) and only the claim order (engine.fair_claim_candidates: round-robin over
// workspaces) keeps B from queueing behind A's 50 tasks. The worker runs in-process against an
// in-process simulator with 20 ms of latency; B's job creation starts a second pass, as its kick
// does on Supabase (engine.scale_out_worker). Every chunk commit is recorded in order, so the
// figures are counts of chunks, not seconds:
// - fairness_first_chunk_after: chunks committed by everyone from B's job creation to B's first
//   commit (target ≤ 8: one per slot of the two live passes; without fair claims B would wait
//   for A's 50 tasks);
// - fairness_small_job_chunks_to_finish: chunks committed by everyone from B's job creation to its
//   end, divided by B's own chunks (1 = B ran alone; B's 2 tasks can hold 2 of the 8 slots, so
//   ≤ 4 means each of B's tasks kept its slot from its claim to its end).
import { createSimulator, type RepoSpec } from "../dev/github-sim/mod.ts";
import { runWorker, type WorkerDeps } from "../supabase/functions/_shared/engine/worker.ts";
import { createJob, jobStatus, setupWorkspace, workerDeps } from "../supabase/tests/e2e/engine_helpers.ts";
import { clearSimulatorRepos, round, type ScenarioResult, type Sql } from "./lib.ts";

const BIG = Array.from({ length: 50 }, (_, i): RepoSpec => ({ owner: "fair-big", name: `r${i}`, prs: 250, issues: 0, discussions: 0, days: 365 }));
const SMALL: RepoSpec[] = ["s0", "s1"].map((name) => ({ owner: "fair-small", name, prs: 250, issues: 0, discussions: 0, days: 365 }));
const DATA_TYPES = ["repository", "pull_requests"];

interface Commit {
  taskId: number;
  at: number;
}

export async function fairness(sql: Sql): Promise<ScenarioResult> {
  const sim = createSimulator({ seed: 11, repos: [...BIG, ...SMALL], latencyMs: 20 });
  await clearSimulatorRepos(sql, sim);
  const big = await setupWorkspace(sql, "bench-fair-big", BIG.map((r) => `${r.owner}/${r.name}`));
  // The second workspace without setupWorkspace (which empties the engine first).
  const [small] = await sql`insert into public.workspaces (slug, name, tier) values ('bench-fair-small', 'bench-fair-small', 'pro')
    on conflict (slug) do update set name = excluded.name returning id`;
  await sql`delete from public.workspace_tracked_repositories where workspace_id = ${small.id}`;
  for (const r of SMALL) {
    const [t] = await sql`insert into public.tracked_repositories (owner, name) values (${r.owner}, ${r.name})
      on conflict ((lower(full_name))) do update set status = 'pending', repository_id = null returning id`;
    await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${small.id}, ${t.id})`;
  }

  const commits: Commit[] = [];
  const deps = (): WorkerDeps =>
    workerDeps(sql, sim, {
      sleep: () => Promise.resolve(),
      config: { concurrency: 4, timeBudgetMs: 15_000 },
      beforeCommit: ({ taskId }) => {
        commits.push({ taskId: Number(taskId), at: commits.length });
      },
    });

  const bigJob = await createJob(sql, big.workspaceId, { kind: "addon", windowDays: 365, dataTypes: DATA_TYPES });
  // A has the worker to itself for a while: its slots are busy when B arrives.
  let invocation1 = runWorker(deps());
  while (commits.length < 20) await new Promise((r) => setTimeout(r, 20));
  const smallJob = await createJob(sql, small.id, { kind: "manual", windowDays: 365, dataTypes: DATA_TYPES });
  const smallStartedAt = commits.length;
  const smallTasks = new Set((await sql`select id from public.backfill_tasks where job_id = ${smallJob}`).map((t) => Number(t.id)));
  // B's kick starts another pass (scale-out); passes go on back to back until B's job ends.
  let invocation2 = runWorker(deps());
  let passes = 2;
  for (;;) {
    const status = await jobStatus(sql, smallJob);
    if (!["pending", "running"].includes(status)) break;
    const done = await Promise.race([invocation1.then(() => 1), invocation2.then(() => 2)]);
    if (!["pending", "running"].includes(await jobStatus(sql, smallJob))) break;
    passes++;
    if (done === 1) invocation1 = runWorker(deps());
    else invocation2 = runWorker(deps());
    if (passes > 200) throw new Error("fairness: the small job did not finish in 200 passes");
  }
  const smallEndedAt = Math.max(...commits.map((c, i) => (smallTasks.has(c.taskId) ? i : -1))) + 1;
  await Promise.all([invocation1, invocation2]);

  const smallChunks = commits.filter((c) => smallTasks.has(c.taskId)).length;
  const during = smallEndedAt - smallStartedAt;
  const firstSmall = commits.findIndex((c) => smallTasks.has(c.taskId));
  const [claims] = await sql`
    select (select count(*) from public.backfill_tasks where job_id = ${smallJob})::int as small_tasks,
           (select count(*) from public.backfill_tasks where job_id = ${bigJob} and status = 'pending')::int as big_pending`;
  // Stop A's job: the figure is about B.
  await sql`select engine.cancel_backfill_job(${bigJob}, 'bench: fairness measured')`;
  return {
    figures: {
      fairness_first_chunk_after: firstSmall - smallStartedAt,
      fairness_small_job_chunks_to_finish: round(during / Math.max(1, smallChunks), 2),
    },
    detail: {
      path: "in-process worker (4 slots a pass, a second pass started when B's job is created) + simulator (20 ms latency)",
      big: { repositories: BIG.length, job: "addon, 365 days, repository + pull_requests", pending_tasks_when_b_ended: claims.big_pending },
      small: { repositories: SMALL.length, job: "manual, 365 days (the same bulk queue as A's)", chunks: smallChunks },
      chunks_before_b: smallStartedAt,
      chunks_from_b_created_to_its_end: during,
      b_share_of_chunks_while_it_ran: round(smallChunks / Math.max(1, during), 2),
      // The figure without the chunks before B's first commit (that wait is the other figure):
      // B's share once it holds its slots.
      chunks_per_b_chunk_from_its_first_commit: round(
        (smallEndedAt - firstSmall) / Math.max(1, smallChunks),
        2,
      ),
      b_job_status: await jobStatus(sql, smallJob),
    },
    notes: [
      `the 2-repository job ended after ${during} chunks of all workspaces (${smallChunks} of them its own) while the ` +
      `50-repository job had ${claims.big_pending} tasks still waiting`,
    ],
  };
}
