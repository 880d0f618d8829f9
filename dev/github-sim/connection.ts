/**
 * Relay connections over a positional list: opaque stable cursors, GitHub's pageInfo, and a
 * count of the nodes actually served (for the counters).
 */
import { decodeCursor, encodeCursor } from "./ids.ts";

/** An error GitHub reports with a top-level `type` (NOT_FOUND, FORBIDDEN, …). */
export class SimError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = "SimError";
  }
}

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface ServeCounter {
  nodesServed: number;
}

function position(cursor: string | null | undefined): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const pos = decodeCursor(cursor);
  if (pos === null) {
    throw new SimError(
      "INVALID_CURSOR_ARGUMENTS",
      `\`${cursor}\` does not appear to be a valid cursor.`,
    );
  }
  return pos;
}

/** A connection over `total` items; `get(p)` builds the item at position p (0-based). */
export function connection<T>(
  args: PageArgs,
  total: number,
  get: (position: number) => T,
  counter: ServeCounter,
) {
  const afterPos = position(args.after);
  const beforePos = position(args.before);
  let start = afterPos === undefined ? 0 : Math.min(total, afterPos + 1);
  let end = beforePos === undefined ? total : Math.max(start, Math.min(total, beforePos));
  if (typeof args.first === "number") end = Math.min(end, start + Math.max(0, args.first));
  if (typeof args.last === "number") start = Math.max(start, end - Math.max(0, args.last));
  let items: T[] | undefined;
  const slice = () => {
    if (!items) {
      items = [];
      for (let p = start; p < end; p++) items.push(get(p));
      counter.nodesServed += items.length;
    }
    return items;
  };
  return {
    totalCount: total,
    pageInfo: {
      hasNextPage: end < total,
      hasPreviousPage: start > 0,
      startCursor: end > start ? encodeCursor(start) : null,
      endCursor: end > start ? encodeCursor(end - 1) : null,
    },
    get nodes() {
      return slice();
    },
    get edges() {
      return slice().map((node, k) => ({ cursor: encodeCursor(start + k), node }));
    },
  };
}
