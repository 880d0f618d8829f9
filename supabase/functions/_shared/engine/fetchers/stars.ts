// Daily star history from REST GET /repos/{owner}/{repo}/stargazers/history (the stargazer
// listing is no longer public since mid-2026): weekly buckets with a Sunday..Saturday breakdown,
// read the way GitHub serves them (DESIGN.md §4): `week` the Unix epoch seconds of the week's
// Sunday 00:00 UTC (a "YYYY-MM-DD" date is read too), newest week first (oldest first is
// tolerated), 30 weeks a page with a Link header, no `since` (undocumented, so not sent). One page
// per chunk, each one REST request on the core budget; the walk ends at the first page whose
// oldest week starts at or before the window start, or at the last page. One row per UTC day that
// starts inside the window and is not in the future (zero days included). In "updated" mode
// (scheduled syncs, whose window starts at the last sync) the day the last sync ran in is read
// again whole: that sync stored it while it was still going on, and the upsert overwrites its count.
//
// An answer the reader cannot read (not a list, a week without 7 days, a 202 while GitHub computes
// it) throws GithubError "unreadable", naming the repository and the data type, with its start.
import { excerptOf, GithubError } from "../../github/graphql.ts";
import { emptyRows, repositoryRow } from "../ingest.ts";
import { REPOSITORY_QUERY } from "../../github/queries.ts";
import { repositoryOf } from "./common.ts";
import type { Fetcher, FetchContext } from "./types.ts";

const DAY_MS = 86_400_000;

/** Where the walk stands: the next page (the Link header's), the order seen so far and the
 * week start beyond which weeks were already read (pages shift by a week when one begins). */
interface StarCursor {
  next: string;
  order: "newest_first" | "oldest_first" | null;
  /** Newest first: the oldest week start read; oldest first: the newest. */
  edge: number | null;
}

/** The week start (UTC ms) of a bucket, null when it is neither epoch seconds nor a date. */
export function weekStart(week: unknown): number | null {
  if (typeof week === "number" && Number.isFinite(week)) return week * 1000;
  if (typeof week === "string" && /^\d+$/.test(week)) return Number(week) * 1000;
  if (typeof week === "string" && /^\d{4}-\d{2}-\d{2}$/.test(week)) {
    const ms = Date.parse(`${week}T00:00:00Z`);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

interface Week {
  start: number;
  days: number[];
}

function unreadable(ctx: FetchContext, what: string, answer: unknown): GithubError {
  return new GithubError("unreadable",
    `star history of ${ctx.owner}/${ctx.name} (data type stars): GitHub answered ${what}, which the star history reader ` +
      `cannot read: ${excerptOf(answer)}. Retry later; if it persists, GitHub changed the endpoint's shape: report it`,
    { excerpt: excerptOf(answer) });
}

/** The weeks of one page, checked: a list of {week, days: 7 counts}. */
function readWeeks(ctx: FetchContext, answer: unknown): Week[] {
  if (!Array.isArray(answer)) throw unreadable(ctx, "something other than a list of weeks", answer);
  return answer.map((w) => {
    const start = weekStart((w as { week?: unknown } | null)?.week);
    const days = (w as { days?: unknown } | null)?.days;
    const counts = Array.isArray(days) && days.length === 7 && days.every((d) => Number.isInteger(d) && d >= 0);
    if (start === null || !counts) throw unreadable(ctx, "a week without a week start and 7 daily counts", w);
    return { start, days: days as number[] };
  });
}

/** Rows of the days in [from, to] (UTC midnights) out of the weekly buckets. */
function starDays(weeks: Week[], repositoryId: number, from: number, to: number) {
  const rows: { repository_id: number; day: string; stars: number }[] = [];
  for (const w of weeks) {
    w.days.forEach((stars, k) => {
      const day = w.start + k * DAY_MS;
      if (day >= from && day <= to) rows.push({ repository_id: repositoryId, day: new Date(day).toISOString().slice(0, 10), stars });
    });
  }
  return rows;
}

/** The order of a page's weeks, when it has two to compare. */
function orderOf(weeks: Week[]): StarCursor["order"] {
  if (weeks.length < 2) return null;
  return weeks[0].start > weeks[weeks.length - 1].start ? "newest_first" : "oldest_first";
}

/** The weeks of a page not read on an earlier one: when a new week begins between two pages,
 * each page starts one week later and repeats the previous page's last week. */
function freshWeeks(weeks: Week[], order: StarCursor["order"], edge: number | null): Week[] {
  if (edge === null || order === null) return weeks;
  return weeks.filter((w) => (order === "oldest_first" ? w.start > edge : w.start < edge));
}

function edgeAfter(starts: number[], order: StarCursor["order"], edge: number | null): number | null {
  if (order === null || starts.length === 0) return edge;
  return order === "oldest_first" ? Math.max(edge ?? -Infinity, ...starts) : Math.min(edge ?? Infinity, ...starts);
}

function parseStarCursor(cursor: string | null): StarCursor | null {
  if (cursor === null || !cursor.startsWith("{")) return null;
  const c = JSON.parse(cursor) as Partial<StarCursor>;
  if (typeof c.next !== "string") throw new RangeError(`star history cursor ${cursor}: no next page`);
  return { next: c.next, order: c.order ?? null, edge: c.edge ?? null };
}

export const fetchStars: Fetcher = async (ctx) => {
  const rows = emptyRows();
  let points = 0;
  let repositoryId = ctx.repositoryId;
  if (repositoryId === null) {
    // The REST answer does not name the repository: learn its id (and metadata) once.
    const r = await ctx.graphql<{ repository: Record<string, unknown> | null }>(REPOSITORY_QUERY, { owner: ctx.owner, name: ctx.name }, 1);
    points += r.points;
    rows.repository = repositoryRow(repositoryOf(r.data));
    repositoryId = rows.repository.id as number;
  }
  const round = ctx.mode === "updated" ? Math.floor : Math.ceil;
  const from = ctx.windowStart ? round(Date.parse(ctx.windowStart) / DAY_MS) * DAY_MS : -Infinity;
  const to = Math.floor(ctx.now() / DAY_MS) * DAY_MS;
  const cursor = parseStarCursor(ctx.cursor);
  const path = cursor?.next ?? `/repos/${encodeURIComponent(ctx.owner)}/${encodeURIComponent(ctx.name)}/stargazers/history`;
  let answer;
  try {
    answer = await ctx.rest<unknown>(path);
  } catch (e) {
    if (!(e instanceof GithubError) || e.kind !== "unreadable") throw e;
    throw new GithubError("unreadable",
      `star history of ${ctx.owner}/${ctx.name} (data type stars): GitHub answered ${e.details.status ?? "2xx"} ` +
        `(${e.details.status === 202 ? "Accepted: it is still computing the statistics" : "nothing readable"}): ` +
        `${e.details.excerpt ?? ""}. Retry in a few minutes`,
      { ...e.details });
  }
  const weeks = readWeeks(ctx, answer.data);
  const order = cursor?.order ?? orderOf(weeks);
  const starts = weeks.map((w) => w.start);
  rows.star_history = starDays(freshWeeks(weeks, order, cursor?.edge ?? null), repositoryId, from, to);
  const items = rows.star_history.length;
  // Newest first, a page reaching back to the window start ends the walk; oldest first (or while
  // the order is unknown), only the last page does: the newest weeks come last.
  const reachedStart = order === "newest_first" && starts.length > 0 && Math.min(...starts) <= from;
  const done = weeks.length === 0 || !answer.next || reachedStart;
  const days = Number.isFinite(from) ? Math.max(0, Math.round((to - from) / DAY_MS) + 1) : null;
  return {
    rows,
    items,
    nextCursor: done ? ctx.cursor : JSON.stringify({ next: answer.next!, order, edge: edgeAfter(starts, order, cursor?.edge ?? null) } satisfies StarCursor),
    done,
    estimatedTotal: done ? ctx.itemsDone + items : days,
    points,
  };
};
