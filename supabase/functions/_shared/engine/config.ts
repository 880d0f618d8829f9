// The worker's settings: defaults sized for Supabase's limits, each overridable by an env var
// (BACKFILL_*) of the function's secrets.

export interface WorkerConfig {
  /** Tasks run at once by one pass. The deployed handler derives it from the token pool
   * (engine.worker_slots: tokens × max_concurrent_requests_per_token over the live passes, at most
   * max_slots_per_invocation); BACKFILL_CONCURRENCY caps it. */
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
  /** CPU time a pass may spend before it stops claiming (hosted Supabase kills a function past 2 s
   * of CPU per request). */
  cpuBudgetMs: number;
  /** Claims of a task without a committed chunk (a pass ending mid-chunk, a killed worker) before
   * the data type in progress fails: every delivery commits, shrinks the chunk or counts. */
  maxDeliveries: number;
}

export const DEFAULT_CONFIG: WorkerConfig = {
  concurrency: 4,
  // Under half the 150 s wall clock of Supabase's free plan: hosted hands new requests to a fresh
  // isolate once one is half-way through its wall clock, so a pass may start on an isolate that
  // is already 75 s old. Passes are short and many (scale-out, the cron tick).
  timeBudgetMs: 60_000,
  // A killed worker's tasks are visible again within a minute (heartbeats before every request
  // keep a live worker's invisible); with the minute's cron tick they run again within 2 minutes.
  visibilityTimeoutSeconds: 60,
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
  maxDeliveries: 8,
  cpuBudgetMs: 1500,
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
    maxDeliveries: num("BACKFILL_MAX_DELIVERIES", DEFAULT_CONFIG.maxDeliveries),
    cpuBudgetMs: num("BACKFILL_CPU_BUDGET_MS", DEFAULT_CONFIG.cpuBudgetMs),
  };
}
