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
 * What a job's window means for PRs and issues. "created": items created since the window start
 * (backfills: initial, manual, addon). "updated": items updated since it (scheduled incremental
 * syncs, whose window start is the repository's last sync), so an old PR merged, reviewed or
 * commented on since is fetched again. Other data types have one natural date either way.
 */
export type FetchMode = "created" | "updated";

/** The one place a job's kind decides the fetch mode. */
export function fetchModeForJob(jobKind: string): FetchMode {
  return jobKind === "scheduled" ? "updated" : "created";
}

export interface FetchContext {
  owner: string;
  name: string;
  /** Whether windowStart bounds PRs and issues by creation or by update (fetchModeForJob). */
  mode: FetchMode;
  /** Where the previous chunk stopped (null: from the newest item). */
  cursor: string | null;
  /** Items older than this are outside the job's window (null: no window); in "updated" mode,
   * PRs and issues last updated before it. */
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
}

export type Fetcher = (ctx: FetchContext) => Promise<Fetched>;
