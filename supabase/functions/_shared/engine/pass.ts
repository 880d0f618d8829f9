// One draining pass of the worker and the task it works on: what every step of the pass shares
// (settings, injected dependencies, deadline, report, the signals that end the pass early, the
// GitHub clients of the leased tokens) and the words the steps answer in.
import process from "node:process";
import type { Sql } from "../db.ts";
import type { GithubClient } from "../github/graphql.ts";
import type { RestClient } from "../github/rest.ts";
import { type Budget, type Reservation, unlimitedBudget } from "./budget.ts";
import { DEFAULT_CONFIG, type WorkerConfig } from "./config.ts";

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
  /** The registered pass (engine.worker_invocations) the worker heartbeats while it drains. */
  invocationId?: string;
  /** CPU milliseconds this process has used (default: node:process cpuUsage; null when unknown). */
  cpuMs?: () => number | null;
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
  /** Claims asked for by slots at once share a query: how many the pass made. */
  claimQueries: number;
  /** CPU milliseconds the pass used (null where the runtime does not say). */
  cpuMs: number | null;
  stoppedBy: "empty" | "time" | "budget" | "cpu";
}

export interface Pass {
  readonly config: WorkerConfig;
  readonly sql: Sql;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** GraphQL points. */
  readonly budget: Budget;
  /** REST requests (resource "core"). */
  readonly restBudget: Budget;
  readonly deadline: number;
  readonly report: WorkerReport;
  /** Set when the budget refused a request: nothing can be sent before then, so the slots stop
   * claiming work (the refused task waits in its queue until then). */
  budgetWaitUntil: number;
  /** When the last task this pass released for a budget wait is visible again. pgmq counts
   * visibility in whole seconds, so such a task comes back up to a second after the wait ends. */
  releasedVisibleAt: number;
  /** Set when a request no longer fits in the time budget: the pass ends. */
  outOfTime: boolean;
  /** CPU milliseconds charged to the pass since it started: its share of the isolate's (null when
   * unknown). */
  cpuUsed(): number | null;
  /** The pass is over: it stops sharing the isolate's CPU with the others. */
  endCpu(): void;
  /** Why the pass must not start more work: its wall-clock or CPU budget is spent. */
  spent(): "time" | "cpu" | null;
  readonly invocationId: string | undefined;
  /** The client of a reservation's token, built once per token. */
  githubFor(r: Reservation): GithubClient;
  restFor(r: Reservation): RestClient;
  readonly beforeCommit: WorkerDeps["beforeCommit"];
  /** Errors thrown by beforeCommit: they reach the slot as they are, like a crash would. */
  readonly hookErrors: WeakSet<object>;
}

// Passes running in this isolate now. Its CPU clock counts all of them, so each pass is charged an
// even share of what the isolate used while it ran (as the local stack's function host charges
// concurrent requests): two passes at once do not each stop at half their budget.
let passesRunning = 0;

/** A pass's share of the isolate's CPU, sampled at every look (slots look before each claim and
 * chunk). */
function cpuShare(cpuMs: () => number | null): { used(): number | null; end(): void } {
  let last = cpuMs();
  let charged = 0;
  passesRunning++;
  let ended = false;
  const sample = () => {
    const c = cpuMs();
    if (c === null || last === null) return null;
    charged += (c - last) / Math.max(1, passesRunning);
    last = c;
    return charged;
  };
  return {
    used: () => (ended ? charged : sample()),
    end() {
      if (ended) return;
      sample();
      ended = true;
      passesRunning--;
    },
  };
}

/** CPU milliseconds of this process, or null where the runtime cannot say. */
export function processCpuMs(): number | null {
  try {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  } catch {
    return null;
  }
}

export function startPass(deps: WorkerDeps): Pass {
  const config = { ...DEFAULT_CONFIG, ...deps.config };
  const now = deps.now ?? Date.now;
  const cpuMs = deps.cpuMs ?? processCpuMs;
  const cpu = cpuShare(cpuMs);
  const deadline = now() + config.timeBudgetMs;
  const clients = new Map<string, GithubClient>();
  const restClients = new Map<string, RestClient>();
  return {
    config,
    sql: deps.sql,
    now,
    sleep: deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    budget: deps.budget ?? unlimitedBudget(undefined, now),
    restBudget: deps.restBudget ?? unlimitedBudget(undefined, now),
    deadline,
    report: {
      tasksClaimed: 0, chunksCommitted: 0, tasksCompleted: 0, tasksFailed: 0, tasksReleased: 0,
      requests: 0, pointsUsed: 0, budgetWaits: 0, claimQueries: 0, cpuMs: null, stoppedBy: "empty",
    },
    budgetWaitUntil: 0,
    releasedVisibleAt: 0,
    outOfTime: false,
    invocationId: deps.invocationId,
    cpuUsed: cpu.used,
    endCpu: cpu.end,
    spent() {
      if (now() >= deadline) return "time";
      const used = this.cpuUsed();
      return used !== null && used >= config.cpuBudgetMs ? "cpu" : null;
    },
    githubFor(r) {
      let c = clients.get(r.token);
      if (!c) clients.set(r.token, c = deps.github(r.token));
      return c;
    },
    restFor(r) {
      if (!deps.rest) throw new Error("no GitHub REST client: pass WorkerDeps.rest to fetch star history and comment lists");
      let c = restClients.get(r.token);
      if (!c) restClients.set(r.token, c = deps.rest(r.token));
      return c;
    },
    beforeCommit: deps.beforeCommit,
    hookErrors: new WeakSet<object>(),
  };
}

/** A claimed task, as engine.claim_backfill_tasks returns it. */
export interface Claim {
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
  progress: ClaimedProgress[];
  /** This claim's token: commit, fail, release and heartbeat of an older claim are stale. */
  claim_id: string;
  /** GitHub said the repository is private (null: its metadata was never fetched). */
  repository_is_private: boolean | null;
  /** The job's workspace connected a GitHub token of its own. */
  workspace_has_token: boolean;
  /** Kept by the worker: requests sent since the claim or the last commit. */
  sentSinceCommit?: number;
  /** Kept by the worker: when the chunk in progress sent its first request (pass clock). */
  chunkStartedAt?: number;
  /** Kept by the worker: whose tokens fetch this task, the platform's (null) or the workspace's
   * (its id: private repositories). */
  tokenScope?: string | null;
  /** Kept by the worker: the token of the chunk's last request (commit_backfill_chunk's p_token_id). */
  lastTokenId?: string;
  /** Kept by the worker: the data type being fetched (tokens may be refused one type). */
  currentDataType?: string;
}

export interface ClaimedProgress {
  data_type: string;
  status: string;
  cursor: string | null;
  window_start: string | null;
  items_done: number;
  /** Items per page after a chunk that did not fit in a pass (null: the configured size). */
  page_size: number | null;
}

/** How a task's run ends; "type_failed": one data type failed for good, the task goes on. */
export type TaskOutcome = "completed" | "failed" | "released" | "stale" | "cancelled" | "retrying" | "type_failed";

/** What the task is doing, for the message when a database call fails. */
export interface TaskStep {
  step: string;
  dataType: string | null;
}

/** The task can no longer go on in this worker: its claim was taken over or it was cancelled
 * (heartbeat), or the time budget cannot fit another request. */
export class TaskStop extends Error {
  constructor(readonly outcome: "stale" | "cancelled" | "deadline") {
    super(`task stopped: ${outcome}`);
    this.name = "TaskStop";
  }
}

export function repoNameOf(claim: Claim): string {
  return `${claim.owner}/${claim.name}`;
}
