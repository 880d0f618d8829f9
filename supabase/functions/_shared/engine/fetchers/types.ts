// The one interface every data type's fetcher implements. The worker (../worker.ts) owns claiming,
// budget, retries and the commit; a fetcher turns one cursor position into one chunk of rows.
import type { ChunkRows } from "../ingest.ts";
import type { PageSizes } from "../../github/queries.ts";

/** One chunk, ready for engine.commit_backfill_chunk. */
export interface Fetched {
  rows: ChunkRows;
  /** Top-level items of this chunk (progress counts these). */
  items: number;
  /** The cursor to resume from; the chunk's own cursor when done. */
  nextCursor: string | null;
  done: boolean;
  estimatedTotal: number | null;
  points: number;
}

/** A request answered under the shared budget, with what it cost. */
export interface Answered<T> {
  data: T;
  points: number;
  /** REST lists: the URL of the next page (the Link header's rel="next"), null on the last. */
  next?: string | null;
}

/**
 * Whether a job backfills a window ("created": initial, manual, addon) or syncs what changed since
 * the last sync ("updated": scheduled syncs, whose window start is that sync). PRs, issues and
 * discussions are walked by last update either way (common.ts walksByUpdate; only a capped initial
 * job walks PRs by creation); the mode moves commits' `since` back by an overlap and re-reads the
 * star day the last sync ran in.
 */
export type FetchMode = "created" | "updated";

/** The one place a job's kind decides the fetch mode. */
export function fetchModeForJob(jobKind: string): FetchMode {
  return jobKind === "scheduled" ? "updated" : "created";
}

export interface FetchContext {
  owner: string;
  name: string;
  /** A backfill or an incremental sync (fetchModeForJob). */
  mode: FetchMode;
  /** Where the previous chunk stopped (null: from the newest item). */
  cursor: string | null;
  /** Items older than this are outside the job's window (null: no window); PRs, issues and
   * discussions last updated before it. */
  windowStart: string | null;
  /** Items of this data type already committed by earlier chunks. */
  itemsDone: number;
  /** `first` is this chunk's page size (halved after transient errors). */
  sizes: PageSizes;
  /** Most items this data type may take in total (Infinity: no cap). */
  cap: number;
  /** The data types this task still fetches, in fetch order (e.g. the comment list that serves
   * PRs and issues runs in the last of the two). */
  dataTypes: readonly string[];
  /** The repository's GitHub databaseId once known (null before its metadata was fetched). */
  repositoryId: number | null;
  /** "updated" mode: commits are asked for from this many days before the window start
   * (default COMMITS_OVERLAP_DAYS), since history(since:) filters by commit date and a commit
   * merged after the last sync may carry an older one. */
  commitsOverlapDays?: number;
  now: () => number;
  /** One GraphQL request under the GraphQL budget: reserves GitHub's cost of the document
   * (github/query_cost.ts; `cost` overrides it) and reconciles with rateLimit. */
  graphql<T>(document: string, variables: Record<string, unknown>, cost?: number): Promise<Answered<T>>;
  /** One REST GET (a path below the API root, or an absolute URL on the API's origin such as a
   * Link header's) under the REST ("core") budget, 1 request each; `points` is 0 (GraphQL
   * points are what jobs count). */
  rest<T>(path: string): Promise<Answered<T>>;
  /** Comment lists: which of these PR and issue numbers of the repository are stored, and the
   * data types of the whole task (done ones included), so a list fetches the parents it misses of
   * the kinds the task fetches. Absent (unit tests): no parent is fetched, and the upsert drops
   * the comments of unstored parents. */
  lookupParents?(numbers: number[]): Promise<ParentLookup>;
}

export interface ParentLookup {
  stored: Set<number>;
  taskDataTypes: readonly string[];
}

export type Fetcher = (ctx: FetchContext) => Promise<Fetched>;
