// Daily star history from REST GET /repos/{owner}/{repo}/stargazers/history?since=YYYY-MM-DD
// (the stargazer listing is no longer public since mid-2026): weekly buckets with a Sunday..
// Saturday breakdown. One request covers the window; it draws on the REST budget. One row per
// UTC day that starts inside the window and is not in the future (zero days included). In
// "updated" mode (scheduled syncs, whose window starts at the last sync) the day the last sync
// ran in is read again whole: that sync stored it while it was still going on, and the upsert
// overwrites its count.
import { emptyRows, repositoryRow } from "../ingest.ts";
import { REPOSITORY_QUERY } from "../../github/queries.ts";
import { repositoryOf } from "./common.ts";
import type { Fetcher } from "./types.ts";

const DAY_MS = 86_400_000;

interface StarWeek {
  /** Sunday, "YYYY-MM-DD" (UTC). */
  week: string;
  total: number;
  days: number[];
}

/** Rows of the days in [from, to] (UTC midnights) out of the weekly buckets. */
export function starDays(weeks: StarWeek[], repositoryId: number, from: number, to: number) {
  const rows: { repository_id: number; day: string; stars: number }[] = [];
  for (const w of weeks) {
    const start = Date.parse(w.week + "T00:00:00Z");
    if (!Number.isFinite(start) || !Array.isArray(w.days)) {
      throw new TypeError(`star history: malformed week ${JSON.stringify(w).slice(0, 100)}`);
    }
    w.days.forEach((stars, k) => {
      const day = start + k * DAY_MS;
      if (day >= from && day <= to) rows.push({ repository_id: repositoryId, day: new Date(day).toISOString().slice(0, 10), stars });
    });
  }
  return rows;
}

export const fetchStars: Fetcher = async (ctx) => {
  const rows = emptyRows();
  let points = 0;
  let repositoryId = ctx.repositoryId;
  if (repositoryId === null) {
    // The REST answer does not name the repository: learn its id (and metadata) once.
    const r = await ctx.graphql<{ repository: Record<string, unknown> | null }>(
      REPOSITORY_QUERY, { owner: ctx.owner, name: ctx.name }, 1);
    points += r.points;
    rows.repository = repositoryRow(repositoryOf(r.data));
    repositoryId = rows.repository.id as number;
  }
  const round = ctx.mode === "updated" ? Math.floor : Math.ceil;
  const from = ctx.windowStart ? round(Date.parse(ctx.windowStart) / DAY_MS) * DAY_MS : -Infinity;
  const to = Math.floor(ctx.now() / DAY_MS) * DAY_MS;
  const since = Number.isFinite(from) ? `?since=${new Date(from).toISOString().slice(0, 10)}` : "";
  const path = `/repos/${encodeURIComponent(ctx.owner)}/${encodeURIComponent(ctx.name)}/stargazers/history${since}`;
  const answer = await ctx.rest<StarWeek[]>(path);
  if (!Array.isArray(answer.data)) throw new TypeError(`star history of ${ctx.owner}/${ctx.name} is not a list of weeks`);
  rows.star_history = starDays(answer.data, repositoryId, from, to);
  const items = rows.star_history.length;
  return { rows, items, nextCursor: ctx.cursor, done: true, estimatedTotal: items, points };
};
