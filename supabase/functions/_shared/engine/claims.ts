// A task's claim on its queue message: taken with a visibility timeout (recent work first, fair
// across workspaces: engine.claim_backfill_tasks),
// renewed while the task works (heartbeat), given back for later (release). Committing a chunk
// (chunk.ts) and failing an attempt (failures.ts) end or extend the claim as well.
import { type Claim, type Pass, TaskStop } from "./pass.ts";

const QUEUES = ["backfill_recent", "backfill_bulk"] as const;

interface Waiter {
  resolve: (claim: Claim | null) => void;
  reject: (e: unknown) => void;
}
/** The slots of a pass waiting for a claim, and whether a claim query is under way. */
const claimers = new WeakMap<Pass, { waiting: Waiter[]; busy: boolean }>();

/**
 * The next task with work, from the first queue that has one; null when both are empty. The
 * slots of a pass that ask at the same time share one claim query (engine.claim_backfill_tasks
 * for as many tasks as slots are waiting): each query orders the queue's live tasks across
 * workspaces, which is what bounds claims when tasks are short and the queue is long.
 */
export function claimOne(pass: Pass): Promise<Claim | null> {
  let c = claimers.get(pass);
  if (!c) claimers.set(pass, c = { waiting: [], busy: false });
  const claimer = c;
  return new Promise((resolve, reject) => {
    claimer.waiting.push({ resolve, reject });
    if (!claimer.busy) {
      claimer.busy = true;
      // After the current task: the other slots asking in this tick join the same query.
      queueMicrotask(() => void claimFor(pass, claimer));
    }
  });
}

async function claimFor(pass: Pass, claimer: { waiting: Waiter[]; busy: boolean }): Promise<void> {
  try {
    while (claimer.waiting.length > 0) {
      const waiters = claimer.waiting.splice(0);
      try {
        const claims: Claim[] = [];
        for (const queue of QUEUES) {
          if (claims.length >= waiters.length) break;
          claims.push(...await pass.sql<Claim[]>`
            select * from engine.claim_backfill_tasks(${queue}, ${waiters.length - claims.length}, ${pass.config.visibilityTimeoutSeconds})`);
        }
        pass.report.claimQueries++;
        waiters.forEach((w, i) => w.resolve(claims[i] ?? null));
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
  } finally {
    claimer.busy = false;
  }
}

/** Renews the claim (heartbeat + visibility); throws TaskStop when it was taken over or the
 * task was cancelled. */
export async function heartbeat(pass: Pass, claim: Claim): Promise<void> {
  const [{ state }] = await pass.sql<{ state: string }[]>`
    select engine.heartbeat_backfill_task(${claim.task_id}, ${claim.claim_id}, ${pass.config.visibilityTimeoutSeconds}) as state`;
  if (state !== "ok") throw new TaskStop(state === "cancelled" ? "cancelled" : "stale");
}

/** Gives the task back to its queue, visible again after `delaySeconds`, without counting an
 * attempt; `reason` (null: keep the last one) becomes the task's last error. `countsDelivery`
 * false (a budget wait): the claim does not count towards maxDeliveries either. */
export async function releaseTask(
  pass: Pass,
  claim: Claim,
  delaySeconds: number,
  reason: string | null,
  // A delivery counts towards maxDeliveries only when its chunk had started (sent a request)
  // and did not commit: a task released before its first request, or to wait for the budget or
  // a rate limit, did nothing wrong.
  countsDelivery = (claim.sentSinceCommit ?? 0) > 0,
): Promise<"released"> {
  await pass.sql`select engine.release_backfill_task(${claim.task_id}, ${claim.msg_id}, ${delaySeconds},
    ${reason}, ${claim.claim_id}, ${countsDelivery})`;
  return "released";
}
