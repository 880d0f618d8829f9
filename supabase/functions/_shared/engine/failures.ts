// What a failed fetch or database call means for the task. A fetch that failed is waited out
// (budget, rate limits), tried again in the chunk (transient GitHub errors, with a smaller page),
// or recorded as a failed attempt whose message says what to do (engine.fail_backfill_task backs
// off, or fails the task for good). A database call that failed gives the task back (passing
// errors) or fails it, so it does not loop through the sweeper forever.
import { GithubError } from "../github/graphql.ts";
import { BudgetWait, NoUsableToken } from "./budget.ts";
import { releaseTask } from "./claims.ts";
import type { WorkerConfig } from "./config.ts";
import { dbErrorCode, dbErrorHint, isTransientDbError, WorkerStepError } from "./db_errors.ts";
import { type Claim, type ClaimedProgress, type Pass, repoNameOf, type TaskOutcome, type TaskStep, TaskStop } from "./pass.ts";

/** How the task goes on after fetching a chunk of `dataType` threw `e`, `transientRetries`
 * transient errors into this chunk: an outcome, or "retry" the chunk (smaller page, after a pause). */
export async function afterFetchError(
  pass: Pass,
  claim: Claim,
  dataType: string,
  e: unknown,
  transientRetries: number,
  at: TaskStep,
): Promise<TaskOutcome | "retry" | "rescope"> {
  if (e instanceof TaskStop) {
    if (e.outcome !== "deadline") return e.outcome;
    // No room left for another request: the cursor stays at the chunk's start, and no slot
    // claims more work in this pass. A chunk that had at least half a pass and still did not
    // fit is tried next time with smaller pages (one that started late just gets a fresh pass;
    // one that never fits, even at the smallest page, fails after maxDeliveries claims).
    pass.outOfTime = true;
    const started = claim.chunkStartedAt ?? pass.deadline;
    if ((claim.sentSinceCommit ?? 0) > 0 && pass.deadline - started >= pass.config.timeBudgetMs / 2) {
      at.step = "shrinking the chunk that did not fit in the pass";
      await pass.sql`select engine.shrink_backfill_page(${claim.task_id}, ${claim.claim_id}, ${dataType},
        ${pass.config.pageSize}, ${pass.config.minPageSize})`;
    }
    at.step = "releasing the task at the end of the time budget";
    return await releaseTask(pass, claim, 0, null);
  }
  if (e instanceof NoUsableToken) {
    // A private repository without a token of its workspace, or every token refused: this data
    // type cannot be fetched until a person fixes the token.
    if (claim.tokenScope) return await failPrivate(pass, claim, dataType, at);
    at.step = "recording that no GitHub token may fetch it";
    return await recordFailedAttempt(pass, claim, dataType, {
      message: `fetching ${dataType} of ${repoNameOf(claim)}: ${e.message}; then retry with select retry_backfill(` +
        `'${claim.job_id}', '${claim.tracked_repository_id}')`,
      permanent: true,
      maxAttempts: pass.config.maxAttempts,
    });
  }
  // The database behind the shared budget failed: not GitHub's doing.
  if (dbErrorCode(e)) {
    at.step = "reserving GitHub budget";
    throw e;
  }
  if (e instanceof BudgetWait) {
    pass.report.budgetWaits++;
    pass.budgetWaitUntil = Math.max(pass.budgetWaitUntil, e.until);
    const delay = Math.max(1, Math.ceil((e.until - pass.now()) / 1000));
    pass.releasedVisibleAt = Math.max(pass.releasedVisibleAt, pass.now() + delay * 1000);
    at.step = "releasing the task to wait for the GitHub budget";
    return await releaseTask(pass, claim, delay,
      `waiting for the GitHub rate limit (${e.message}): resumes after ${new Date(e.until).toISOString()}`, false);
  }
  const ge = e instanceof GithubError ? e : null;
  if (ge?.kind === "secondary" || ge?.kind === "rate_limited") {
    // Still limited after several tries within one chunk: come back in a minute.
    at.step = "releasing the task after a GitHub rate limit";
    return await releaseTask(pass, claim, 60,
      `GitHub ${ge.kind === "secondary" ? "secondary" : "primary"} rate limit hit repeatedly: resumes in 60 s`, false);
  }
  // An item deleted between a page and its lookup that a fetcher did not drop itself: the next
  // try lists the page again without it.
  if ((ge?.kind === "transient" || ge?.kind === "item_not_found") && transientRetries < pass.config.transientRetries) return "retry";
  // Invisible to the platform's tokens: a private repository the workspace's own token may see.
  if (ge?.kind === "not_found" && !claim.tokenScope && claim.workspace_has_token) return "rescope";
  at.step = "recording a failed attempt";
  // A repository GitHub does not show, or refuses, fails as a whole; anything else fails its
  // data type alone (the others go on).
  const wholeRepository = ge?.kind === "not_found" || ge?.kind === "forbidden";
  return await recordFailedAttempt(pass, claim, wholeRepository ? null : dataType,
    attemptFailure(e, repoNameOf(claim), dataType, pass.config));
}

/** The message of a private repository the job's workspace cannot read (the SQL marks the
 * workspace's repository 'private' from its wording: "… is private: connect …"). */
export function privateRepositoryMessage(claim: Claim): string {
  return `${repoNameOf(claim)} is private: connect a GitHub installation or token that can read it ` +
    `(an owner or admin: select connect_github_token('${claim.workspace_id}', '<token>')), ` +
    `then retry with select retry_backfill('${claim.job_id}', '${claim.tracked_repository_id}')`;
}

/** Fails the task for good: its repository is private and the workspace has no token for it. */
export async function failPrivate(pass: Pass, claim: Claim, dataType: string | null, at: TaskStep): Promise<TaskOutcome> {
  at.step = "recording that the repository is private";
  return await recordFailedAttempt(pass, claim, dataType,
    { message: privateRepositoryMessage(claim), permanent: true, maxAttempts: pass.config.maxAttempts });
}

/** A failed attempt as engine.fail_backfill_task takes it. */
export interface AttemptFailure {
  message: string;
  /** Retrying cannot help: the task fails now. */
  permanent: boolean;
  maxAttempts: number;
}

/** The failed attempt that fetching `dataType` of `repoName` made by throwing `e`: permanent for
 * a repository GitHub does not show or refuses and for a query it rejects, with a message that
 * says what to do. Passing GitHub errors get more attempts than others. */
export function attemptFailure(e: unknown, repoName: string, dataType: string, config: WorkerConfig): AttemptFailure {
  const ge = e instanceof GithubError ? e : null;
  const permanent = ge?.kind === "not_found" || ge?.kind === "forbidden" || ge?.kind === "invalid";
  const message = ge?.kind === "not_found"
    ? `repository ${repoName} was not found or is not visible to the configured token: check the name or grant access, then retry`
    : ge?.kind === "forbidden"
    ? `GitHub refused access to ${repoName} (${ge.message}): check the token's scopes and the repository's access settings, then retry`
    : ge?.kind === "invalid"
    ? `GitHub rejected the ${dataType} query for ${repoName} (${ge.message}): this is a bug in the worker; report it`
    : ge?.kind === "unreadable"
    ? `${ge.message}; tried again later, then ${dataType} of ${repoName} fails alone (the other data types go on): ` +
      "if it persists, report the answer's start quoted here"
    : ge?.kind === "bad_credentials" || ge?.kind === "insufficient_scopes"
    ? `fetching ${dataType} of ${repoName}: every token tried was refused (${ge.message}): replace or grant the token, then retry`
    : `fetching ${dataType} of ${repoName} failed (${(e as Error).message})`;
  const maxAttempts = ge?.kind === "transient" ? Math.max(config.maxAttempts, config.maxTransientAttempts) : config.maxAttempts;
  return { message, permanent, maxAttempts };
}

// The SQL backs off and says whether it retries or how to retry by hand.
async function recordFailedAttempt(pass: Pass, claim: Claim, dataType: string | null, f: AttemptFailure): Promise<TaskOutcome> {
  const { config } = pass;
  const [{ outcome }] = await pass.sql<{ outcome: string }[]>`
    select engine.fail_backfill_task(${claim.task_id}, ${claim.msg_id}, ${dataType}, ${f.message},
      ${f.permanent}, ${f.maxAttempts}, ${config.retryDelaySeconds}, ${claim.claim_id},
      ${config.maxRetryDelaySeconds}) as outcome`;
  if (outcome === "failed") pass.report.tasksFailed++;
  return outcome === "failed" ? "failed" : outcome === "stale" ? "stale" : outcome === "data_type_failed" ? "type_failed" : "retrying";
}

/** A task claimed again and again without committing (every pass ended mid-chunk, or the worker
 * was killed each time): the data type in progress fails for good with what was tried. */
export async function failUndeliverable(pass: Pass, claim: Claim, p: ClaimedProgress, at: TaskStep): Promise<TaskOutcome> {
  at.step = "recording a chunk that never committed";
  return await recordFailedAttempt(pass, claim, p.data_type, {
    message: `the ${p.data_type} chunk of ${repoNameOf(claim)} at ${p.cursor ? `cursor ${p.cursor}` : "its start"} ` +
      `(${p.page_size ?? pass.config.pageSize} items per page) was claimed ${claim.read_ct} times without committing: each ` +
      "pass ended or the worker stopped before it was fetched; check the worker's logs and time budget, then retry with " +
      `select retry_backfill('${claim.job_id}', '${claim.tracked_repository_id}')`,
    permanent: true,
    maxAttempts: pass.config.maxAttempts,
  });
}

/** A database call of the task failed (`e`, while doing `at`): a passing error gives the task
 * back for a later try; any other fails it with a message naming the step. Only when even that
 * call fails does an error (WorkerStepError) reach the slot. */
export async function afterTaskError(pass: Pass, claim: Claim, at: TaskStep, e: unknown): Promise<TaskOutcome> {
  const { sql, config } = pass;
  const what = `${at.step}${at.dataType ? ` of ${at.dataType}` : ""} for ${repoNameOf(claim)}`;
  const detail = `${(e as Error)?.message ?? String(e)}${dbErrorCode(e) ? ` (${dbErrorCode(e)})` : ""}${dbErrorHint(e)}`;
  console.error(`backfill task ${claim.task_id}: ${what} failed: ${detail}`);
  try {
    if (isTransientDbError(e)) {
      return await releaseTask(pass, claim, config.dbRetryDelaySeconds,
        `${what} failed (${detail}): a passing database error; the task resumes in ${config.dbRetryDelaySeconds} s`);
    }
    const message = `${what} failed (${detail}): this is a bug in the worker or the data; report it, ` +
      `then retry with select retry_backfill('${claim.job_id}', '${claim.tracked_repository_id}')`;
    const [{ outcome }] = await sql<{ outcome: string }[]>`
      select engine.fail_backfill_task(${claim.task_id}, ${claim.msg_id}, ${at.dataType}, ${message},
        true, ${config.maxAttempts}, ${config.retryDelaySeconds}, ${claim.claim_id}) as outcome`;
    if (outcome === "failed") pass.report.tasksFailed++;
    return outcome === "failed" ? "failed" : "stale";
  } catch (again) {
    throw new WorkerStepError(`${what} (and recording that failure)`, again);
  }
}
