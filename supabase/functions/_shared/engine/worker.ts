// The backfill worker: drains the queues until its time budget runs out. Each chunk is one
// GitHub request (plus node(id:) follow-ups for nested pages that overflowed), made by the data
// type's fetcher (fetchers/), and ONE database transaction (engine.commit_backfill_chunk).
// Clock, GitHub client, budget and database are injected so tests can run it in-process against
// the simulator. The steps of a pass, in order: pass.ts (what they share), claims.ts (claim,
// heartbeat, release), task.ts (a task's data types), chunk.ts (fetch, commit), requests.ts
// (GitHub under the budget), failures.ts (what a failure means for the task).
import { claimOne } from "./claims.ts";
import { WorkerStepError } from "./db_errors.ts";
import { type Claim, type Pass, startPass, type WorkerDeps, type WorkerReport } from "./pass.ts";
import { runTask } from "./task.ts";

/** The database's clock may run a little behind the worker's (hosted: two machines). */
const VISIBILITY_MARGIN_MS = 100;

export type { WorkerConfig } from "./config.ts";
export type { WorkerDeps, WorkerReport } from "./pass.ts";

export async function runWorker(deps: WorkerDeps): Promise<WorkerReport> {
  const pass = startPass(deps);
  const alive = pass.invocationId ? setInterval(() => void heartbeat(pass), 10_000) : undefined;
  try {
    // Every slot runs to its end even when another fails, so none leaves its task half done.
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, pass.config.concurrency) }, () => slot(pass)));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure) throw failure.reason;
    return pass.report;
  } finally {
    clearInterval(alive);
    pass.report.cpuMs = pass.cpuUsed();
    pass.endCpu();
  }
}

/** The registered pass says it is alive, so the database counts it (and its kick) as running. */
async function heartbeat(pass: Pass): Promise<void> {
  await pass.sql`select engine.heartbeat_worker_invocation(${pass.invocationId!}, ${pass.sql.json(pass.report as never)})`
    .catch((e) => console.error(`backfill worker: heartbeat of pass ${pass.invocationId} failed: ${(e as Error).message}`));
}

/** One of the pass's concurrent loops: claims a task, runs it, and again, until the queues are
 * empty, the time is up or the budget makes the pass wait too long. */
async function slot(pass: Pass): Promise<void> {
  const { now, report } = pass;
  let waitedFor = 0;
  while (!pass.outOfTime) {
    const spent = pass.spent();
    if (spent) {
      // Hosted Supabase ends a function past its CPU time or wall clock: stop claiming first.
      report.stoppedBy = spent;
      return;
    }
    if (pass.budgetWaitUntil > now()) {
      // A short wait (in-flight reservations, a window about to reset) is slept through; a
      // long one ends the pass: the refused tasks wait in their queue (set_vt) until then.
      if (pass.budgetWaitUntil - now() > 10_000 || pass.budgetWaitUntil >= pass.deadline) {
        report.stoppedBy = "budget";
        return;
      }
      await pass.sleep(pass.budgetWaitUntil - now());
      continue;
    }
    let claim: Claim | null;
    try {
      claim = await claimOne(pass);
    } catch (e) {
      throw new WorkerStepError("claiming a backfill task", e);
    }
    if (!claim) {
      // The queue looks empty while the tasks this pass released for a budget wait are still
      // invisible (whole seconds, past the wait's end): claim again once they are back, rather
      // than end the pass and leave the window's budget to the next cron tick.
      // Once per release: an injected sleep that returns at once must not spin.
      const back = pass.releasedVisibleAt + VISIBILITY_MARGIN_MS - now();
      if (back > 0 && back <= 10_000 && pass.releasedVisibleAt + VISIBILITY_MARGIN_MS < pass.deadline && waitedFor !== pass.releasedVisibleAt) {
        waitedFor = pass.releasedVisibleAt;
        await pass.sleep(back);
        continue;
      }
      return;
    }
    report.tasksClaimed++;
    const outcome = await runTask(pass, claim);
    if (outcome === "released") report.tasksReleased++;
  }
  report.stoppedBy = "time";
}
