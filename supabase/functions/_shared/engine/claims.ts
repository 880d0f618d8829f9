// A task's claim on its queue message: taken with a visibility timeout (recent work first, fair
// across workspaces: engine.claim_backfill_tasks),
// renewed while the task works (heartbeat), given back for later (release). Committing a chunk
// (chunk.ts) and failing an attempt (failures.ts) end or extend the claim as well.
import { type Claim, type Pass, TaskStop } from "./pass.ts";

const QUEUES = ["backfill_recent", "backfill_bulk"] as const;

/** The next task with work, from the first queue that has one; null when both are empty. */
export async function claimOne(pass: Pass): Promise<Claim | null> {
  for (const queue of QUEUES) {
    const rows = await pass.sql<Claim[]>`
      select * from engine.claim_backfill_tasks(${queue}, 1, ${pass.config.visibilityTimeoutSeconds})`;
    if (rows.length > 0) return rows[0];
  }
  return null;
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
