// One claimed task: its data types in order, each chunk by chunk from the stored cursor until it
// is done, the time budget ends, or the task stops (released, failed, stale, cancelled).
import { commitChunk, fetchChunk } from "./chunk.ts";
import { releaseTask } from "./claims.ts";
import { afterFetchError, afterTaskError, failPrivate, failUndeliverable } from "./failures.ts";
import type { Fetched } from "./fetchers/mod.ts";
import type { Claim, ClaimedProgress, Pass, TaskOutcome, TaskStep } from "./pass.ts";

// A task whose database call failed must not take the pass down with it (afterTaskError); only
// the beforeCommit hook's errors go through as they are, like a crash.
export async function runTask(pass: Pass, claim: Claim): Promise<TaskOutcome> {
  const at: TaskStep = { step: "starting the task", dataType: null };
  try {
    return await processTask(pass, claim, at);
  } catch (e) {
    if (e && typeof e === "object" && pass.hookErrors.has(e)) throw e;
    return await afterTaskError(pass, claim, at, e);
  }
}

async function processTask(pass: Pass, claim: Claim, at: TaskStep): Promise<TaskOutcome> {
  if (claim.progress.length === 0) {
    at.step = "closing the task";
    await pass.sql`select engine.close_backfill_task(${claim.task_id}, 'completed', null)`;
    return "completed";
  }
  // The platform's tokens serve public repositories; a private one only the workspace's own.
  claim.tokenScope = claim.repository_is_private ? claim.workspace_id : null;
  if (claim.repository_is_private && !claim.workspace_has_token) return await failPrivate(pass, claim, null, at);
  for (const [i, p] of claim.progress.entries()) {
    // Delivered too often without a commit: the data type in progress fails, the others go on.
    const outcome = i === 0 && claim.read_ct > pass.config.maxDeliveries
      ? await failUndeliverable(pass, claim, p, at)
      : await runDataType(pass, claim, p, at);
    if (outcome === "type_failed") continue;
    if (outcome) return outcome;
  }
  return "completed";
}

/** Runs the chunks of one data type; null when it is done and the task goes on to the next. */
async function runDataType(pass: Pass, claim: Claim, p: ClaimedProgress, at: TaskStep): Promise<TaskOutcome | null> {
  const { config } = pass;
  at.dataType = p.data_type;
  claim.currentDataType = p.data_type;
  let cursor = p.cursor;
  let itemsDone = Number(p.items_done);
  // The stored size is what fits this repository in a pass (it shrinks when a chunk does not);
  // a page halved after a transient error grows back up to it.
  const fitting = Math.min(p.page_size ?? config.pageSize, config.pageSize);
  let pageSize = fitting;
  let transient = 0;
  while (true) {
    if (pass.spent()) {
      at.step = "releasing the task at the end of the pass's time or CPU budget";
      return await releaseTask(pass, claim, 0, null);
    }
    let fetched: Fetched;
    try {
      at.step = "fetching a chunk";
      fetched = await fetchChunk(pass, claim, { dataType: p.data_type, cursor, windowStart: p.window_start, itemsDone, pageSize });
    } catch (e) {
      const next = await afterFetchError(pass, claim, p.data_type, e, transient, at);
      if (next === "rescope") {
        claim.tokenScope = claim.workspace_id;
        continue;
      }
      if (next !== "retry") return next;
      transient++;
      pageSize = Math.max(config.minPageSize, Math.floor(pageSize / 2));
      await pass.sleep(Math.min(5000, 100 * 2 ** transient) * (0.5 + Math.random() / 2));
      continue;
    }
    const outcome = await commitChunk(pass, claim, p.data_type, cursor, fetched, at);
    if (outcome === "private") {
      // Fetched with the platform's tokens: nothing was stored; fetch it again with the
      // workspace's own token, or tell the workspace to connect one.
      if (claim.tokenScope || !claim.workspace_has_token) return await failPrivate(pass, claim, p.data_type, at);
      claim.tokenScope = claim.workspace_id;
      continue;
    }
    if (outcome) return outcome;
    cursor = fetched.nextCursor;
    itemsDone += fetched.items;
    transient = 0;
    pageSize = Math.min(fitting, pageSize * 2);
    if (fetched.done) return null;
  }
}
