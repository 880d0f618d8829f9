// Nested pages that did not fit on their parent's page, fetched in batches before the chunk
// commits, so nothing is silently truncated. A connection's first page goes through
// nodes(ids: […]) for up to 100 parents a request; a page after a cursor through aliased
// node(id:) lookups, each with its own `after` (nodes(ids:) has one selection for every id). Every
// follow-up page holds 100 items: its connection has no children, so the size costs nothing.
//
// A parent that no longer resolves (GitHub answers null with NOT_FOUND on ["node"] or
// ["nodes", i]) was deleted between the page that listed it and the follow-up: the follow-up's
// `gone` drops it from the chunk and the others go on.
import { GithubError } from "../../github/graphql.ts";
import {
  estimateCost,
  MAX_FOLLOW_UP_PARENTS,
  type NestedConnection,
  nestedFirstPagesQuery,
  nestedNextPagesQuery,
} from "../../github/queries.ts";
import type { FetchContext } from "./types.ts";

type Json = Record<string, unknown>;

export interface NestedPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Json[];
}

export interface FollowUp {
  connection: NestedConnection;
  /** Node id of the parent the connection hangs off. */
  id: string;
  /** The page's cursor; null for the connection's first page. */
  after: string | null;
  /** Takes one page of items (the runner queues the next one). */
  take(page: NestedPage): void;
  /** The parent does not resolve any more: deleted since its page listed it. */
  gone(): void;
}

/** Queues the next page of `page` (fetched for a parent) when it has one. */
export function followIfMore(queue: FollowUp[], page: NestedPage, next: Omit<FollowUp, "after">): void {
  if (page.pageInfo.hasNextPage) queue.push({ ...next, after: page.pageInfo.endCursor });
}

/**
 * One GraphQL request whose looked-up items may have been deleted: GitHub answers them null with
 * NOT_FOUND errors (item_not_found), and the rest of the answer is used. Returns the data and
 * the points it cost.
 */
export async function lookup<T>(ctx: FetchContext, document: string, variables: Record<string, unknown>): Promise<{ data: T; points: number }> {
  try {
    return await ctx.graphql<T>(document, variables);
  } catch (e) {
    if (!(e instanceof GithubError) || e.kind !== "item_not_found" || !e.details.data) throw e;
    const data = e.details.data as T & { rateLimit?: { cost?: number } };
    return { data, points: data.rateLimit?.cost ?? estimateCost(document, variables) };
  }
}

/**
 * Takes from `queue` the follow-ups of one request: those of one connection and kind (first pages
 * or next pages), in queue order, at most MAX_FOLLOW_UP_PARENTS. Next pages go first: a lookup of
 * a child may find it deleted, and a connection whose cursors are positions (GitHub's search
 * cursors decode to "cursor:<n>"; the simulator's all are) would then skip a sibling on its next
 * page.
 */
function takeBatch(queue: FollowUp[]): FollowUp[] {
  const head = queue.find((f) => f.after !== null) ?? queue[0];
  const batch: FollowUp[] = [];
  for (let i = 0; i < queue.length && batch.length < MAX_FOLLOW_UP_PARENTS;) {
    const f = queue[i];
    if (f.connection === head.connection && (f.after === null) === (head.after === null)) {
      batch.push(f);
      queue.splice(i, 1);
    } else {
      i++;
    }
  }
  return batch;
}

/** Runs every queued follow-up, and those their pages queue, until none is left. Returns the
 * points spent. */
export async function runFollowUps(ctx: FetchContext, queue: FollowUp[]): Promise<number> {
  let points = 0;
  while (queue.length > 0) {
    const batch = takeBatch(queue);
    const field = batch[0].connection.split(".")[1];
    let parents: (Json | null | undefined)[];
    if (batch[0].after === null) {
      const r = await lookup<{ nodes: (Json | null)[] }>(ctx, nestedFirstPagesQuery(batch[0].connection), { ids: batch.map((f) => f.id) });
      points += r.points;
      parents = r.data.nodes ?? [];
    } else {
      const vars: Record<string, unknown> = {};
      batch.forEach((f, i) => {
        vars[`id${i}`] = f.id;
        vars[`after${i}`] = f.after;
      });
      const r = await lookup<Record<string, Json | null>>(ctx, nestedNextPagesQuery(batch[0].connection, batch.length), vars);
      points += r.points;
      parents = batch.map((_, i) => r.data[`p${i}`]);
    }
    batch.forEach((f, i) => {
      const page = parents[i]?.[field] as NestedPage | undefined;
      if (!page) return f.gone();
      f.take(page);
      followIfMore(queue, page, f);
    });
  }
  return points;
}
