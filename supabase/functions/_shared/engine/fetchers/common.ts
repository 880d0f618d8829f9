// What several fetchers share: the repository of an answer, the window edge of newest-first lists
// and the order parents are walked in.
import { GithubError } from "../../github/graphql.ts";
import { type ChunkRows, emptyRows, repositoryRow } from "../ingest.ts";
import type { FetchContext } from "./types.ts";

type Json = Record<string, unknown>;

export interface Page<T = Json> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

/** The `repository` of an answer, or not_found (GitHub answers null for a missing repository). */
export function repositoryOf(data: { repository: Json | null }): Json {
  if (!data.repository) throw new GithubError("not_found", "repository is null");
  return data.repository;
}

/** Rows holding only the repository's metadata, which every repository-level query returns. */
export function rowsWithRepository(repo: Json): ChunkRows {
  return { ...emptyRows(), repository: repositoryRow(repo) };
}

/**
 * Whether PRs, issues and discussions are walked most recently updated first down to the window
 * start (every parent with activity inside the window is stored with all its nested items, also
 * one created long before), or newest first by creation: only the capped initial backfill, whose
 * promise is "the last N pull requests".
 */
export function walksByUpdate(ctx: FetchContext): boolean {
  return !Number.isFinite(ctx.cap);
}

export interface WindowedPage {
  items: number;
  done: boolean;
  nextCursor: string | null;
  estimatedTotal: number | null;
}

/**
 * Walks one page of a connection ordered newest first by `dateOf` (created, or updated in an
 * incremental sync), handing `add` each node dated inside the window and under the cap; the
 * first node past either ends the data type. The estimate extrapolates the time span covered so
 * far to the whole window.
 */
export function takeNewestFirst<T>(ctx: FetchContext, page: Page<T>, dateOf: (n: T) => string, add: (n: T) => void): WindowedPage {
  const edge = ctx.windowStart ? Date.parse(ctx.windowStart) : -Infinity;
  const now = ctx.now();
  let reachedEdge = false;
  let oldest = now;
  let kept = 0;
  for (const n of page.nodes) {
    const dated = Date.parse(dateOf(n));
    if (dated < edge || ctx.itemsDone + kept >= ctx.cap) {
      reachedEdge = true;
      break;
    }
    oldest = Math.min(oldest, dated);
    add(n);
    kept++;
  }
  const done = reachedEdge || !page.pageInfo.hasNextPage || ctx.itemsDone + kept >= ctx.cap;
  let estimatedTotal: number | null = Math.min(page.totalCount, ctx.cap);
  if (!done && ctx.windowStart && kept > 0) {
    const span = Math.max(1, now - oldest);
    const windowMs = now - edge;
    estimatedTotal = Math.min(estimatedTotal, Math.max(ctx.itemsDone + kept + 1, Math.round((ctx.itemsDone + kept) * windowMs / span)));
  }
  return { items: kept, done, nextCursor: done ? ctx.cursor : page.pageInfo.endCursor, estimatedTotal };
}
