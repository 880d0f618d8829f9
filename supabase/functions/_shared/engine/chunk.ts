// One chunk of a task's data type: the fetcher's GitHub request(s) from the stored cursor, then
// ONE transaction (engine.commit_backfill_chunk) that upserts the rows, advances the cursor from
// the one the chunk started at, updates progress and deletes or extends the message.
import { FETCHERS, type Fetched, fetchModeForJob, type ParentLookup } from "./fetchers/mod.ts";
import { stripNul } from "./ingest.ts";
import type { Claim, Pass, TaskOutcome, TaskStep } from "./pass.ts";
import { beforeRequest, graphqlRequest, restRequest } from "./requests.ts";

/** Where a chunk starts: the data type's stored cursor and counters, and this chunk's page size. */
export interface ChunkStart {
  dataType: string;
  cursor: string | null;
  windowStart: string | null;
  itemsDone: number;
  pageSize: number;
}

export async function fetchChunk(pass: Pass, claim: Claim, start: ChunkStart): Promise<Fetched> {
  const { dataType } = start;
  const fetcher = FETCHERS[dataType];
  if (!fetcher) throw new Error(`no fetcher for data type "${dataType}": add one to supabase/functions/_shared/engine/fetchers/mod.ts`);
  return await fetcher({
    owner: claim.owner,
    name: claim.name,
    mode: fetchModeForJob(claim.job_kind),
    cursor: start.cursor,
    windowStart: start.windowStart,
    itemsDone: start.itemsDone,
    sizes: { first: start.pageSize, nested: pass.config.nestedPageSize, threadComments: pass.config.threadCommentsPageSize },
    // Initial backfills take the last N pull requests of each repository.
    cap: dataType === "pull_requests" && claim.job_kind === "initial" && claim.max_prs_per_repo ? claim.max_prs_per_repo : Infinity,
    dataTypes: claim.progress.map((p) => p.data_type),
    repositoryId: claim.repository_id,
    now: pass.now,
    graphql: async (doc, vars, cost) => graphqlRequest(pass, claim, await beforeRequest(pass, claim), doc, vars, cost),
    rest: async (path) => restRequest(pass, claim, await beforeRequest(pass, claim), path),
    lookupParents: (numbers) => lookupParents(pass, claim, numbers),
  });
}

/** For a comment list: which of these PR/issue numbers of the claim's repository are stored, and
 * the data types of the whole task (done ones too: claim.progress holds only those still to do). */
async function lookupParents(pass: Pass, claim: Claim, numbers: number[]): Promise<ParentLookup> {
  const [row] = await pass.sql<{ stored: number[]; data_types: string[] }[]>`
    select
      array(select p.number from public.pull_requests p where p.repository_id = ${claim.repository_id} and p.number = any(${numbers}::int[])
        union select i.number from public.issues i where i.repository_id = ${claim.repository_id} and i.number = any(${numbers}::int[])) as stored,
      array(select bp.data_type from public.backfill_progress bp where bp.task_id = ${claim.task_id}) as data_types`;
  return { stored: new Set(row.stored.map(Number)), taskDataTypes: row.data_types };
}

/** Commits a fetched chunk that started at `cursor`. Returns how the task ends, null when it
 * goes on, or "private": GitHub says the repository is private and the chunk was not fetched with
 * a token of the job's workspace, so nothing was stored (the task decides what next). */
export async function commitChunk(
  pass: Pass,
  claim: Claim,
  dataType: string,
  cursor: string | null,
  fetched: Fetched,
  step: TaskStep,
): Promise<TaskOutcome | "private" | null> {
  const { sql, config, report } = pass;
  if (pass.beforeCommit) {
    try {
      await pass.beforeCommit({ taskId: claim.task_id, dataType, cursor });
    } catch (e) {
      if (e && typeof e === "object") pass.hookErrors.add(e);
      throw e;
    }
  }
  step.step = "committing a chunk";
  const [{ outcome }] = await sql<{ outcome: string }[]>`
    select engine.commit_backfill_chunk(${claim.task_id}, ${dataType}, ${claim.msg_id}, ${cursor},
      ${fetched.nextCursor}, ${fetched.done}, ${sql.json(stripNul(fetched.rows) as never)}, ${fetched.items},
      ${fetched.estimatedTotal}, ${fetched.points}, ${config.visibilityTimeoutSeconds}, ${claim.claim_id},
      ${claim.lastTokenId ?? null}) as outcome`;
  claim.sentSinceCommit = 0;
  if (outcome === "private") return "private";
  report.pointsUsed += fetched.points;
  if (fetched.rows.repository) claim.repository_id = fetched.rows.repository.id as number;
  if (outcome === "stale" || outcome === "cancelled") return outcome;
  report.chunksCommitted++;
  if (outcome === "task_completed") {
    report.tasksCompleted++;
    return "completed";
  }
  if (outcome === "task_failed") {
    // The last open data type is done, but another one failed for good: the task ends failed.
    report.tasksFailed++;
    return "failed";
  }
  return null;
}
