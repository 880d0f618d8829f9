// The backfill worker: drains the queues until its time budget runs out. Each chunk is one
// GitHub request (plus node(id:) follow-ups for nested pages that overflowed), made by the data
// type's fetcher (fetchers/), and ONE database transaction (engine.commit_backfill_chunk). Clock, GitHub client, budget and database are
// injected so tests can run it in-process against the simulator.
import type { Sql } from "../db.ts";
import { type GithubClient, GithubError, type RateLimitInfo } from "../github/graphql.ts";
import type { RestClient } from "../github/rest.ts";
import { type Answered, FETCHERS, type Fetched, fetchModeForJob } from "./fetchers/mod.ts";
import { operationName, queryCost } from "../github/query_cost.ts";
import { type Budget, BudgetWait, type Reservation, secondaryPauseMs, unlimitedBudget } from "./budget.ts";

export interface WorkerConfig {
  concurrency: number;
  timeBudgetMs: number;
  visibilityTimeoutSeconds: number;
  requestTimeoutMs: number;
  pageSize: number;
  minPageSize: number;
  nestedPageSize: number;
  threadCommentsPageSize: number;
  /** In-chunk retries of transient GitHub errors before the attempt counts as failed. */
  transientRetries: number;
  /** Failed attempts before a task fails for good. */
  maxAttempts: number;
  /** Failed attempts before a task fails for good when every failure was a passing GitHub error
   * (5xx, timeouts): an outage of a few minutes must not fail repositories. */
  maxTransientAttempts: number;
  /** Longest backoff between failed attempts (the delay grows ×4 from retryDelaySeconds). */
  maxRetryDelaySeconds: number;
  /** Time kept free at the end of the time budget for the chunk's commit (at most a quarter of it). */
  commitMarginMs: number;
  retryDelaySeconds: number;
  /** Delay before a task whose database call failed transiently (deadlock, connection) resumes. */
  dbRetryDelaySeconds: number;
  /** GitHub points kept untouched on every token (the shared budget's reserve). */
  budgetReserve: number;
}

export const DEFAULT_CONFIG: WorkerConfig = {
  concurrency: 4,
  // Well under the 150 s wall clock of Supabase's free plan, with room for the last commit.
  timeBudgetMs: 100_000,
  visibilityTimeoutSeconds: 300,
  requestTimeoutMs: 30_000,
  pageSize: 50,
  minPageSize: 5,
  nestedPageSize: 20,
  threadCommentsPageSize: 10,
  transientRetries: 4,
  maxAttempts: 5,
  maxTransientAttempts: 10,
  maxRetryDelaySeconds: 480,
  commitMarginMs: 5_000,
  retryDelaySeconds: 30,
  dbRetryDelaySeconds: 10,
  budgetReserve: 1000,
};

export function configFromEnv(env: (name: string) => string | undefined): WorkerConfig {
  const num = (name: string, fallback: number) => {
    const v = env(name);
    if (v === undefined || v === "") return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a non-negative number, not "${v}"`);
    return n;
  };
  return {
    concurrency: num("BACKFILL_CONCURRENCY", DEFAULT_CONFIG.concurrency),
    timeBudgetMs: num("BACKFILL_TIME_BUDGET_MS", DEFAULT_CONFIG.timeBudgetMs),
    visibilityTimeoutSeconds: num("BACKFILL_VISIBILITY_TIMEOUT_SECONDS", DEFAULT_CONFIG.visibilityTimeoutSeconds),
    requestTimeoutMs: num("BACKFILL_REQUEST_TIMEOUT_MS", DEFAULT_CONFIG.requestTimeoutMs),
    pageSize: num("BACKFILL_PAGE_SIZE", DEFAULT_CONFIG.pageSize),
    minPageSize: num("BACKFILL_MIN_PAGE_SIZE", DEFAULT_CONFIG.minPageSize),
    nestedPageSize: num("BACKFILL_NESTED_PAGE_SIZE", DEFAULT_CONFIG.nestedPageSize),
    threadCommentsPageSize: num("BACKFILL_THREAD_COMMENTS_PAGE_SIZE", DEFAULT_CONFIG.threadCommentsPageSize),
    transientRetries: num("BACKFILL_TRANSIENT_RETRIES", DEFAULT_CONFIG.transientRetries),
    maxAttempts: num("BACKFILL_MAX_ATTEMPTS", DEFAULT_CONFIG.maxAttempts),
    maxTransientAttempts: num("BACKFILL_MAX_TRANSIENT_ATTEMPTS", DEFAULT_CONFIG.maxTransientAttempts),
    maxRetryDelaySeconds: num("BACKFILL_MAX_RETRY_DELAY_SECONDS", DEFAULT_CONFIG.maxRetryDelaySeconds),
    commitMarginMs: num("BACKFILL_COMMIT_MARGIN_MS", DEFAULT_CONFIG.commitMarginMs),
    retryDelaySeconds: num("BACKFILL_RETRY_DELAY_SECONDS", DEFAULT_CONFIG.retryDelaySeconds),
    dbRetryDelaySeconds: num("BACKFILL_DB_RETRY_DELAY_SECONDS", DEFAULT_CONFIG.dbRetryDelaySeconds),
    budgetReserve: num("BACKFILL_BUDGET_RESERVE", DEFAULT_CONFIG.budgetReserve),
  };
}

export interface WorkerDeps {
  sql: Sql;
  /** Builds a GitHub client for a leased token. */
  github: (token: string) => GithubClient;
  /** Budget of GraphQL points (default: unlimited). */
  budget?: Budget;
  /** Builds a GitHub REST client for a leased token (star history, comment lists). */
  rest?: (token: string) => RestClient;
  /** Budget of REST requests, resource "core" (default: unlimited). */
  restBudget?: Budget;
  config?: Partial<WorkerConfig>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Test hook called before each chunk commit; throwing aborts the chunk like a crash would. */
  beforeCommit?: (chunk: { taskId: number; dataType: string; cursor: string | null }) => void | Promise<void>;
}

export interface WorkerReport {
  tasksClaimed: number;
  chunksCommitted: number;
  tasksCompleted: number;
  tasksFailed: number;
  tasksReleased: number;
  requests: number;
  pointsUsed: number;
  /** Requests not sent because the budget could not cover them (or the token was paused). */
  budgetWaits: number;
  stoppedBy: "empty" | "time" | "budget";
}

interface Claim {
  msg_id: number;
  read_ct: number;
  task_id: number;
  job_id: string;
  workspace_id: string;
  job_kind: string;
  window_days: number;
  max_prs_per_repo: number | null;
  tracked_repository_id: string;
  owner: string;
  name: string;
  repository_id: number | null;
  progress: { data_type: string; status: string; cursor: string | null; window_start: string | null; items_done: number }[];
  /** This claim's token: commit, fail, release and heartbeat of an older claim are stale. */
  claim_id: string;
}

/** The task can no longer go on in this worker: its claim was taken over or it was cancelled
 * (heartbeat), or the time budget cannot fit another request. */
class TaskStop extends Error {
  constructor(readonly outcome: "stale" | "cancelled" | "deadline") {
    super(`task stopped: ${outcome}`);
    this.name = "TaskStop";
  }
}

const QUEUES = ["backfill_recent", "backfill_bulk"] as const;
type TaskOutcome = "completed" | "failed" | "released" | "stale" | "cancelled" | "retrying";

/** An error of the database (postgres.js: a SQLSTATE or a connection error code), or null. */
function dbErrorCode(e: unknown): string | null {
  if (!(e instanceof Error) || e instanceof GithubError) return null;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== "string") return null;
  return e.name === "PostgresError" || /^[0-9A-Z]{5}$/.test(code) || /^(CONNECT|CONNECTION_|ECONN|ETIMEDOUT|EPIPE)/.test(code)
    ? code
    : null;
}

/** Database errors worth trying again later: serialization failures, deadlocks, lost or refused
 * connections, an administrator's shutdown, too many connections, a cancelled statement. */
export function isTransientDbError(e: unknown): boolean {
  const code = dbErrorCode(e);
  if (!code) return false;
  return code === "40001" || code === "40P01" || code.startsWith("08") || code === "57P01" || code === "57P02" ||
    code === "57P03" || code === "57014" || code.startsWith("53") || code.startsWith("CONNECT") ||
    code.startsWith("ECONN") || code === "ETIMEDOUT" || code === "EPIPE";
}

/** Strings of GitHub's answers may hold NUL, which Postgres text and jsonb reject: removed. */
export function stripNul<T>(value: T): T {
  if (typeof value === "string") return (value.includes("\u0000") ? value.replaceAll("\u0000", "") : value) as T;
  if (Array.isArray(value)) return value.map(stripNul) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = stripNul(v);
    return out as T;
  }
  return value;
}

/** A database call of the worker failed: the message names the step and the object. */
export class WorkerStepError extends Error {
  constructor(readonly step: string, override readonly cause: unknown) {
    super(`${step} failed: ${(cause as Error)?.message ?? String(cause)}${dbErrorCode(cause) ? ` (${dbErrorCode(cause)})` : ""}`);
    this.name = "WorkerStepError";
  }
}

export async function runWorker(deps: WorkerDeps): Promise<WorkerReport> {
  const config = { ...DEFAULT_CONFIG, ...deps.config };
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const budget = deps.budget ?? unlimitedBudget(undefined, now);
  const restBudget = deps.restBudget ?? unlimitedBudget(undefined, now);
  const sql = deps.sql;
  const deadline = now() + config.timeBudgetMs;
  const report: WorkerReport = {
    tasksClaimed: 0, chunksCommitted: 0, tasksCompleted: 0, tasksFailed: 0, tasksReleased: 0,
    requests: 0, pointsUsed: 0, budgetWaits: 0, stoppedBy: "empty",
  };
  // Set when the budget refused a request: nothing can be sent before then, so the slots stop
  // claiming work (the refused task waits in its queue until then).
  let budgetWaitUntil = 0;
  // Set when a request no longer fits in the time budget: the pass ends.
  let outOfTime = false;
  const clients = new Map<string, GithubClient>();
  const clientFor = (r: Reservation) => {
    let c = clients.get(r.token);
    if (!c) clients.set(r.token, c = deps.github(r.token));
    return c;
  };
  const restClients = new Map<string, RestClient>();
  const restClientFor = (r: Reservation) => {
    if (!deps.rest) throw new Error("no GitHub REST client: pass WorkerDeps.rest to fetch star history and comment lists");
    let c = restClients.get(r.token);
    if (!c) restClients.set(r.token, c = deps.rest(r.token));
    return c;
  };

  async function claimOne(): Promise<Claim | null> {
    for (const queue of QUEUES) {
      const rows = await sql<Claim[]>`
        select * from engine.claim_backfill_tasks(${queue}, 1, ${config.visibilityTimeoutSeconds})`;
      if (rows.length > 0) return rows[0];
      // A claim may have consumed only messages of finished tasks; the queue may still hold work.
      const [{ visible }] = await sql.unsafe(
        `select exists(select 1 from pgmq.q_${queue} where vt <= clock_timestamp()) as visible`,
      );
      if (visible) return claimOne();
    }
    return null;
  }

  // One GitHub request under a shared budget (GraphQL points or REST "core" requests). Limits
  // answered by GitHub are recorded for every worker (pause / exhausted) and the request is tried
  // again through reserve(), which then picks another token or throws BudgetWait: no request goes
  // out while a token is known limited.
  async function underBudget<A extends { rateLimit: RateLimitInfo | null }>(
    pool: Budget,
    cost: number,
    send: (r: Reservation) => Promise<A>,
  ): Promise<A> {
    for (let limited = 0;; limited++) {
      const reservation = await pool.reserve(cost);
      report.requests++;
      let answer: A;
      try {
        answer = await send(reservation);
      } catch (e) {
        const ge = e instanceof GithubError ? e : null;
        // The pause first: pause() blocks this isolate's other slots before its first await.
        // Whatever happens, the reservation is released (reconcile in finally).
        try {
          if (ge?.kind === "secondary") {
            await pool.pause(reservation.tokenId, now() + secondaryPauseMs(reservation.tokenId, ge.details.retryAfterSeconds));
          }
        } finally {
          await pool.reconcile(reservation, null);
        }
        if (ge?.kind === "rate_limited") {
          const reset = ge.details.resetAt ? Date.parse(ge.details.resetAt) : NaN;
          await pool.exhausted(reservation.tokenId, Number.isFinite(reset) ? reset : now() + 60_000);
        } else if (ge?.kind !== "secondary") {
          throw e;
        }
        if (limited >= 10) throw e;
        continue;
      }
      await pool.reconcile(reservation, answer.rateLimit);
      return answer;
    }
  }

  // Reserves GitHub's cost of the document actually sent (GitHub's formula over its connections);
  // an estimate that differs from what GitHub charged is logged, as it skews the shared budget.
  async function graphqlRequest<T>(timeoutMs: number, doc: string, vars: Record<string, unknown>, cost?: number): Promise<Answered<T>> {
    const estimated = queryCost(doc, vars).points;
    const reserved = cost ?? estimated;
    const { data, rateLimit } = await underBudget(budget, reserved, async (r) => {
      const data = await clientFor(r).query<T>(doc, vars, timeoutMs);
      return { data, rateLimit: (data as { rateLimit?: RateLimitInfo }).rateLimit ?? null };
    });
    if (rateLimit && rateLimit.cost !== estimated) {
      console.warn(`GraphQL cost estimate off for ${operationName(doc)}: estimated ${estimated} points, GitHub charged ${rateLimit.cost}`);
    }
    return { data, points: rateLimit?.cost ?? reserved };
  }

  // REST requests draw on the REST budget, not GraphQL points: they add 0 to points_used.
  async function restRequest<T>(timeoutMs: number, path: string): Promise<Answered<T>> {
    const { data, next } = await underBudget(restBudget, 1, (r) => restClientFor(r).get<T>(path, timeoutMs));
    return { data, points: 0, next };
  }

  // Before each request of a task: a request after the first since the claim or the last commit
  // (follow-up pages, retries) first renews the claim (heartbeat + visibility), and every request
  // must fit in what is left of the time budget, keeping the commit's margin.
  async function beforeRequest(claim: Claim & { sentSinceCommit?: number }): Promise<number> {
    // Short passes (tests, the soak) keep a proportionate margin.
    const left = deadline - now() - Math.min(config.commitMarginMs, config.timeBudgetMs / 4);
    if (left < Math.min(1_000, config.requestTimeoutMs)) throw new TaskStop("deadline");
    if ((claim.sentSinceCommit ?? 0) > 0) {
      const [{ state }] = await sql<{ state: string }[]>`
        select engine.heartbeat_backfill_task(${claim.task_id}, ${claim.claim_id}, ${config.visibilityTimeoutSeconds}) as state`;
      if (state !== "ok") throw new TaskStop(state === "cancelled" ? "cancelled" : "stale");
    }
    claim.sentSinceCommit = (claim.sentSinceCommit ?? 0) + 1;
    return Math.min(config.requestTimeoutMs, left);
  }

  async function fetchChunk(claim: Claim, dataType: string, cursor: string | null, windowStart: string | null, itemsDone: number, pageSize: number): Promise<Fetched> {
    const fetcher = FETCHERS[dataType];
    if (!fetcher) throw new Error(`no fetcher for data type "${dataType}": add one to supabase/functions/_shared/engine/fetchers/mod.ts`);
    return await fetcher({
      owner: claim.owner,
      name: claim.name,
      mode: fetchModeForJob(claim.job_kind),
      cursor,
      windowStart,
      itemsDone,
      sizes: { first: pageSize, nested: config.nestedPageSize, threadComments: config.threadCommentsPageSize },
      // Initial backfills take the last N pull requests of each repository.
      cap: dataType === "pull_requests" && claim.job_kind === "initial" && claim.max_prs_per_repo ? claim.max_prs_per_repo : Infinity,
      dataTypes: claim.progress.map((p) => p.data_type),
      repositoryId: claim.repository_id,
      now,
      graphql: async (doc, vars, cost) => graphqlRequest(await beforeRequest(claim), doc, vars, cost),
      rest: async (path) => restRequest(await beforeRequest(claim), path),
    });
  }

  // What the task is doing, for the message when a database call fails.
  interface TaskStep {
    step: string;
    dataType: string | null;
  }
  const hookErrors = new WeakSet<object>();

  async function processTask(claim: Claim, at: TaskStep): Promise<TaskOutcome> {
    const repoName = `${claim.owner}/${claim.name}`;
    if (claim.progress.length === 0) {
      at.step = "closing the task";
      await sql`select engine.close_backfill_task(${claim.task_id}, 'completed', null)`;
      return "completed";
    }
    for (const p of claim.progress) {
      at.dataType = p.data_type;
      let cursor = p.cursor;
      let itemsDone = Number(p.items_done);
      let pageSize = config.pageSize;
      let transient = 0;
      while (true) {
        if (now() >= deadline) {
          at.step = "releasing the task at the end of the time budget";
          await sql`select engine.release_backfill_task(${claim.task_id}, ${claim.msg_id}, 0, null, ${claim.claim_id})`;
          return "released";
        }
        let fetched: Fetched;
        try {
          at.step = "fetching a chunk";
          fetched = await fetchChunk(claim, p.data_type, cursor, p.window_start, itemsDone, pageSize);
        } catch (e) {
          if (e instanceof TaskStop) {
            if (e.outcome !== "deadline") return e.outcome;
            // No room left for another request: the cursor stays at the chunk's start, and no
            // slot claims more work in this pass.
            outOfTime = true;
            at.step = "releasing the task at the end of the time budget";
            await sql`select engine.release_backfill_task(${claim.task_id}, ${claim.msg_id}, 0, null, ${claim.claim_id})`;
            return "released";
          }
          // The database behind the shared budget failed: not GitHub's doing.
          if (dbErrorCode(e)) {
            at.step = "reserving GitHub budget";
            throw e;
          }
          if (e instanceof BudgetWait) {
            report.budgetWaits++;
            budgetWaitUntil = Math.max(budgetWaitUntil, e.until);
            const delay = Math.max(1, Math.ceil((e.until - now()) / 1000));
            at.step = "releasing the task to wait for the GitHub budget";
            await sql`select engine.release_backfill_task(${claim.task_id}, ${claim.msg_id}, ${delay},
              ${`waiting for the GitHub rate limit (${e.message}): resumes after ${new Date(e.until).toISOString()}`}, ${claim.claim_id})`;
            return "released";
          }
          const ge = e instanceof GithubError ? e : null;
          if (ge?.kind === "secondary" || ge?.kind === "rate_limited") {
            // Still limited after several tries within one chunk: come back in a minute.
            at.step = "releasing the task after a GitHub rate limit";
            await sql`select engine.release_backfill_task(${claim.task_id}, ${claim.msg_id}, 60,
              ${`GitHub ${ge.kind === "secondary" ? "secondary" : "primary"} rate limit hit repeatedly: resumes in 60 s`}, ${claim.claim_id})`;
            return "released";
          }
          if (ge?.kind === "transient" && transient < config.transientRetries) {
            transient++;
            pageSize = Math.max(config.minPageSize, Math.floor(pageSize / 2));
            await sleep(Math.min(5000, 100 * 2 ** transient) * (0.5 + Math.random() / 2));
            continue;
          }
          const permanent = ge?.kind === "not_found" || ge?.kind === "forbidden" || ge?.kind === "invalid";
          const message = ge?.kind === "not_found"
            ? `repository ${repoName} was not found or is not visible to the configured token: check the name or grant access, then retry`
            : ge?.kind === "forbidden"
            ? `GitHub refused access to ${repoName} (${ge.message}): check the token's scopes and the repository's access settings, then retry`
            : ge?.kind === "invalid"
            ? `GitHub rejected the ${p.data_type} query for ${repoName} (${ge.message}): this is a bug in the worker; report it`
            : `fetching ${p.data_type} of ${repoName} failed (${(e as Error).message})`;
          at.step = "recording a failed attempt";
          // Passing GitHub errors get more attempts than others; the SQL backs off and says
          // whether it retries or how to retry by hand.
          const maxAttempts = ge?.kind === "transient" ? Math.max(config.maxAttempts, config.maxTransientAttempts) : config.maxAttempts;
          const [{ outcome }] = await sql<{ outcome: string }[]>`
            select engine.fail_backfill_task(${claim.task_id}, ${claim.msg_id}, ${p.data_type}, ${message},
              ${permanent}, ${maxAttempts}, ${config.retryDelaySeconds}, ${claim.claim_id},
              ${config.maxRetryDelaySeconds}) as outcome`;
          if (outcome === "failed") report.tasksFailed++;
          return outcome === "failed" ? "failed" : outcome === "stale" ? "stale" : "retrying";
        }
        if (deps.beforeCommit) {
          try {
            await deps.beforeCommit({ taskId: claim.task_id, dataType: p.data_type, cursor });
          } catch (e) {
            if (e && typeof e === "object") hookErrors.add(e);
            throw e;
          }
        }
        at.step = "committing a chunk";
        const [{ outcome }] = await sql<{ outcome: string }[]>`
          select engine.commit_backfill_chunk(${claim.task_id}, ${p.data_type}, ${claim.msg_id}, ${cursor},
            ${fetched.nextCursor}, ${fetched.done}, ${sql.json(stripNul(fetched.rows) as never)}, ${fetched.items},
            ${fetched.estimatedTotal}, ${fetched.points}, ${config.visibilityTimeoutSeconds}, ${claim.claim_id}) as outcome`;
        (claim as { sentSinceCommit?: number }).sentSinceCommit = 0;
        report.pointsUsed += fetched.points;
        if (fetched.rows.repository) claim.repository_id = fetched.rows.repository.id as number;
        if (outcome === "stale" || outcome === "cancelled") return outcome;
        report.chunksCommitted++;
        if (outcome === "task_completed") {
          report.tasksCompleted++;
          return "completed";
        }
        cursor = fetched.nextCursor;
        itemsDone += fetched.items;
        transient = 0;
        pageSize = Math.min(config.pageSize, pageSize * 2);
        if (fetched.done) break;
      }
    }
    return "completed";
  }

  // A task whose database call failed must not take the pass down with it: a transient error
  // (serialization, deadlock, connection) gives the task back for a later try; any other fails
  // it with a message naming the step, so it does not loop through the sweeper forever. Only
  // when even that call fails does the error reach the slot.
  async function runTask(claim: Claim): Promise<TaskOutcome> {
    const at: TaskStep = { step: "starting the task", dataType: null };
    try {
      return await processTask(claim, at);
    } catch (e) {
      if (e && typeof e === "object" && hookErrors.has(e)) throw e;
      const repoName = `${claim.owner}/${claim.name}`;
      const what = `${at.step}${at.dataType ? ` of ${at.dataType}` : ""} for ${repoName}`;
      const detail = `${(e as Error)?.message ?? String(e)}${dbErrorCode(e) ? ` (${dbErrorCode(e)})` : ""}`;
      console.error(`backfill task ${claim.task_id}: ${what} failed: ${detail}`);
      try {
        if (isTransientDbError(e)) {
          await sql`select engine.release_backfill_task(${claim.task_id}, ${claim.msg_id}, ${config.dbRetryDelaySeconds},
            ${`${what} failed (${detail}): a passing database error; the task resumes in ${config.dbRetryDelaySeconds} s`},
            ${claim.claim_id})`;
          return "released";
        }
        const message = `${what} failed (${detail}): this is a bug in the worker or the data; report it, ` +
          `then retry with select retry_backfill('${claim.job_id}', '${claim.tracked_repository_id}')`;
        const [{ outcome }] = await sql<{ outcome: string }[]>`
          select engine.fail_backfill_task(${claim.task_id}, ${claim.msg_id}, ${at.dataType}, ${message},
            true, ${config.maxAttempts}, ${config.retryDelaySeconds}, ${claim.claim_id}) as outcome`;
        if (outcome === "failed") report.tasksFailed++;
        return outcome === "failed" ? "failed" : "stale";
      } catch (again) {
        throw new WorkerStepError(`${what} (and recording that failure)`, again);
      }
    }
  }

  async function slot(): Promise<void> {
    while (now() < deadline && !outOfTime) {
      if (budgetWaitUntil > now()) {
        // A short wait (in-flight reservations, a window about to reset) is slept through; a
        // long one ends the pass: the refused tasks wait in their queue (set_vt) until then.
        if (budgetWaitUntil - now() > 10_000 || budgetWaitUntil >= deadline) {
          report.stoppedBy = "budget";
          return;
        }
        await sleep(budgetWaitUntil - now());
        continue;
      }
      let claim: Claim | null;
      try {
        claim = await claimOne();
      } catch (e) {
        throw new WorkerStepError("claiming a backfill task", e);
      }
      if (!claim) return;
      report.tasksClaimed++;
      const outcome = await runTask(claim);
      if (outcome === "released") report.tasksReleased++;
    }
    report.stoppedBy = "time";
  }

  // Every slot runs to its end even when another fails, so none leaves its task half done.
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, config.concurrency) }, () => slot()));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) throw failure.reason;
  return report;
}
