// What a client knows of one backfill job, fed by the realtime broadcasts of its workspace topic
// and by reads of the status views (the docs' recipe: read the views once, then apply broadcasts;
// re-read now and then for what broadcasts do not carry: failures, ETA). Pure: no I/O.
//
// Percentages follow the views' definition (supabase/schemas/50_progress_and_realtime.sql): the
// mean, over the non-skipped data types, of each type's fraction (completed 1, otherwise done /
// estimate, 0 while there is no estimate; a failed repository's types count as ended in the job).
// They are rounded down, so 100% is shown only for what is finished.
import type { Database } from "../../types/database.ts";

type Views = Database["public"]["Views"];
export type JobStatusRow = Views["backfill_job_status"]["Row"];
export type RepositoryStatusRow = Views["backfill_repository_status"]["Row"];
export type DataTypeStatusRow = Views["backfill_data_type_status"]["Row"];

/** `backfill_progress` payload (docs/realtime.md). */
export interface ProgressPayload {
  job_id: string;
  task_id: number;
  tracked_repository_id: string;
  data_type: string;
  items_done: number;
  estimated_total: number | null;
  done: boolean;
  job_items_done: number;
  job_items_estimated: number;
  job_completed_tasks: number;
  job_total_tasks: number;
}

/** `backfill_finished` payload (docs/realtime.md). */
export interface FinishedPayload {
  job_id: string;
  status: string;
  title: string;
}

export const TERMINAL_JOB_STATUSES = ["completed", "completed_with_errors", "failed", "cancelled"];
export const DATA_TYPE_ORDER = ["repository", "pull_requests", "issues", "discussions", "commits", "stars", "forks"];

interface TypeState {
  status: string;
  done: number;
  estimate: number | null;
  updated: number;
}

interface RepoState {
  taskId: number;
  name: string | null;
  status: string;
  error: string | null;
  /** The last error of a repository still pending or running (a retry is due). */
  note: string | null;
  types: Map<string, TypeState>;
  /** Its data types were read from the view: all of them are known. */
  loaded: boolean;
}

export interface RepoLine {
  taskId: number;
  name: string;
  status: string;
  /** Null for a failed or cancelled repository (its error says why). */
  percent: number | null;
  typesDone: number;
  typesCounted: number;
  itemsDone: number;
  /** The type being fetched now, with its estimate once GitHub gave one. */
  current: { dataType: string; done: number; estimate: number | null } | null;
  error: string | null;
  /** Why a repository that is not done waits (its last error; the engine retries it). */
  note: string | null;
}

export interface JobView {
  jobId: string;
  kind: string | null;
  windowDays: number | null;
  status: string;
  percent: number;
  totalRepositories: number;
  completedRepositories: number;
  failedRepositories: number;
  itemsDone: number;
  pointsUsed: number;
  etaSeconds: number | null;
  title: string | null;
  repos: RepoLine[];
}

// pending → running → an end (completed, failed, cancelled, skipped): a status read from a view
// may be older than one a broadcast brought, and never replaces it with an earlier one.
const STAGE: Record<string, number> = { pending: 0, running: 1 };
const later = (known: string, read: string) =>
  (STAGE[known] ?? 2) === 2 ? known : (STAGE[read] ?? 2) >= (STAGE[known] ?? 2) ? read : known;

const fraction = (t: TypeState) =>
  t.status === "completed" ? 1 : t.estimate && t.estimate > 0 ? Math.min(1, t.done / t.estimate) : 0;

const floorPercent = (x: number) => Math.floor(x * 100 + 1e-9);

export class BackfillProgress {
  readonly jobId: string;
  private job: Partial<JobStatusRow> = {};
  private title: string | null = null;
  private repos = new Map<number, RepoState>();
  private clock = 0;

  constructor(jobId: string) {
    this.jobId = jobId;
  }

  get finished(): boolean {
    return TERMINAL_JOB_STATUSES.includes(this.job.status ?? "");
  }

  private repo(taskId: number): RepoState {
    let r = this.repos.get(taskId);
    if (!r) {
      r = { taskId, name: null, status: "pending", error: null, note: null, types: new Map(), loaded: false };
      this.repos.set(taskId, r);
    }
    return r;
  }

  /** Merges a read of the three views. Counts only grow: a read answered after a newer
   * broadcast (they race) cannot take the display backwards. */
  load(job: JobStatusRow | null, repos: RepositoryStatusRow[], types: DataTypeStatusRow[]): void {
    if (job && job.job_id === this.jobId) {
      const wasTerminal = this.finished;
      this.job = wasTerminal ? { ...job, status: this.job.status } : job;
    }
    for (const row of repos) {
      if (row.job_id !== this.jobId) continue;
      const r = this.repo(row.task_id);
      r.name = row.full_name ?? r.name;
      r.status = later(r.status, row.status ?? r.status);
      // completed_with_errors: some data types failed, the others completed (they are independent).
      r.error = r.status === "failed" || r.status === "completed_with_errors" ? row.last_error ?? r.error : null;
      r.note = r.status === "pending" || r.status === "running" ? row.last_error : null;
    }
    for (const row of types) {
      if (row.job_id !== this.jobId) continue;
      const r = this.repo(row.task_id);
      r.name = row.full_name ?? r.name;
      r.loaded = true;
      const t = r.types.get(row.data_type);
      r.types.set(row.data_type, {
        status: later(t?.status ?? "pending", row.status),
        done: Math.max(t?.done ?? 0, row.items_done),
        estimate: row.estimated_total ?? t?.estimate ?? null,
        updated: t?.updated ?? 0,
      });
    }
  }

  /** Applies a `backfill_progress` broadcast; those of other jobs are ignored (false). */
  applyProgress(p: ProgressPayload): boolean {
    if (p.job_id !== this.jobId) return false;
    const r = this.repo(p.task_id);
    if (r.status === "pending") r.status = "running";
    r.note = null; // a chunk committed: whatever failed before has passed
    const t = r.types.get(p.data_type);
    r.types.set(p.data_type, {
      status: p.done || t?.status === "completed" ? "completed" : "running",
      done: Math.max(t?.done ?? 0, p.items_done),
      estimate: p.estimated_total ?? t?.estimate ?? null,
      updated: ++this.clock,
    });
    if (r.loaded && [...r.types.values()].every((x) => x.status === "completed" || x.status === "skipped")) {
      r.status = "completed";
    }
    this.job.items_done = Math.max(this.job.items_done ?? 0, p.job_items_done);
    this.job.total_tasks = p.job_total_tasks;
    this.job.completed_tasks = Math.max(this.job.completed_tasks ?? 0, p.job_completed_tasks);
    if (!this.finished) this.job.status = "running";
    return true;
  }

  /** Applies a `backfill_finished` broadcast (false when it is another job's). */
  applyFinished(f: FinishedPayload): boolean {
    if (f.job_id !== this.jobId) return false;
    this.job.status = f.status;
    this.title = f.title;
    return true;
  }

  view(): JobView {
    const repos = [...this.repos.values()].sort((a, b) => a.taskId - b.taskId).map(repoLine);
    let sum = 0;
    let counted = 0;
    for (const r of this.repos.values()) {
      for (const t of r.types.values()) {
        if (t.status === "skipped") continue;
        counted++;
        sum += t.status === "failed" || r.status === "failed" ? 1 : fraction(t);
      }
    }
    const terminal = this.finished && this.job.status !== "cancelled";
    return {
      jobId: this.jobId,
      kind: this.job.kind ?? null,
      windowDays: this.job.window_days ?? null,
      status: this.job.status ?? "pending",
      percent: terminal ? 100 : counted > 0 ? floorPercent(sum / counted) : 0,
      totalRepositories: this.job.total_tasks ?? this.repos.size,
      completedRepositories: repos.filter((r) => r.status === "completed").length,
      failedRepositories: repos.filter((r) => r.status === "failed" || r.status === "completed_with_errors").length,
      itemsDone: this.job.items_done ?? repos.reduce((n, r) => n + r.itemsDone, 0),
      pointsUsed: this.job.points_used ?? 0,
      etaSeconds: this.finished ? null : this.job.eta_seconds ?? null,
      title: this.title,
      repos,
    };
  }
}

function repoLine(r: RepoState): RepoLine {
  const types = [...r.types.entries()].filter(([, t]) => t.status !== "skipped");
  const itemsDone = types.reduce((n, [, t]) => n + t.done, 0);
  const typesDone = types.filter(([, t]) => t.status === "completed").length;
  const open = types.filter(([, t]) => t.status === "running" || (t.status === "pending" && t.done > 0));
  // The type most recently reported; a read without broadcasts has none: the first open one.
  const cur = open.sort((a, b) => b[1].updated - a[1].updated || order(a[0]) - order(b[0]))[0];
  const ended = r.status === "failed" || r.status === "cancelled";
  const percent = ended ? null : r.status === "completed"
    ? 100
    : types.length === 0
    ? 0
    : floorPercent(types.reduce((s, [, t]) => s + fraction(t), 0) / types.length);
  return {
    taskId: r.taskId,
    name: r.name ?? `repository ${r.taskId}`,
    status: r.status,
    percent,
    typesDone,
    typesCounted: types.length,
    itemsDone,
    current: cur && !ended && r.status !== "completed"
      ? { dataType: cur[0], done: cur[1].done, estimate: cur[1].estimate }
      : null,
    error: r.error,
    note: ended || r.status === "completed" ? null : r.note,
  };
}

const order = (t: string) => {
  const i = DATA_TYPE_ORDER.indexOf(t);
  return i < 0 ? DATA_TYPE_ORDER.length : i;
};
