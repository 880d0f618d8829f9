/**
 * REST endpoints: star history and rate_limit.
 *
 * Star history follows the public replacement for stargazer listing announced for September 2026
 * (see /work/shared/DESIGN.md §4: `GET /repos/{owner}/{repo}/stargazers/history`, weekly buckets
 * with stars added and a day-by-day breakdown, no identities). Its bucket shape mirrors GitHub's
 * documented "Get the last year of commit activity" (`GET /repos/{owner}/{repo}/stats/commit_activity`,
 * docs.github.com/rest/metrics/statistics): weeks start on Sunday, `days` runs Sunday..Saturday,
 * `total` is the week's sum — except that `week` is a date ("YYYY-MM-DD", UTC) instead of a Unix
 * timestamp. Optional `since`/`until` (YYYY-MM-DD, both inclusive) keep the weeks that overlap the
 * range and zero the days outside it.
 */
import { type Dataset, DAY_MS } from "./dataset.ts";
import type { BudgetView } from "./limits.ts";

export interface StarWeek {
  week: string;
  total: number;
  days: number[];
}

const DOCS = "https://docs.github.com/rest";

export function notFound(): Response {
  return Response.json({ message: "Not Found", documentation_url: `${DOCS}`, status: "404" }, {
    status: 404,
  });
}

export function starHistory(ds: Dataset, ordinal: number, url: URL): Response {
  const repo = ds.repo(ordinal);
  const parseDay = (name: string) => {
    const v = url.searchParams.get(name);
    if (!v) return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v + "T00:00:00Z"))) {
      return undefined;
    }
    return Date.parse(v + "T00:00:00Z");
  };
  const since = parseDay("since");
  const until = parseDay("until");
  if (since === undefined || until === undefined) {
    return Response.json({
      message: "Invalid request. `since` and `until` must be dates like 2026-11-15.",
      documentation_url: DOCS,
      status: "422",
    }, { status: 422 });
  }
  const { firstDay, counts } = repo.starsByDay();
  const lastDay = firstDay + (counts.length - 1) * DAY_MS;
  const from = Math.max(firstDay, since ?? firstDay);
  const to = Math.min(lastDay, until ?? lastDay);
  const weeks: StarWeek[] = [];
  if (from <= to) {
    const weekday = new Date(from).getUTCDay();
    for (let weekStart = from - weekday * DAY_MS; weekStart <= to; weekStart += 7 * DAY_MS) {
      const days = [0, 0, 0, 0, 0, 0, 0];
      for (let k = 0; k < 7; k++) {
        const day = weekStart + k * DAY_MS;
        if (day < from || day > to) continue;
        days[k] = counts[Math.round((day - firstDay) / DAY_MS)] ?? 0;
      }
      weeks.push({
        week: new Date(weekStart).toISOString().slice(0, 10),
        total: days.reduce((a, b) => a + b, 0),
        days,
      });
    }
  }
  return Response.json(weeks);
}

export function rateLimitBody(core: BudgetView, graphql: BudgetView) {
  const shape = (b: BudgetView) => ({
    limit: b.limit,
    used: b.used,
    remaining: b.remaining,
    reset: Math.floor(b.resetAt / 1000),
  });
  return {
    resources: { core: shape(core), graphql: shape(graphql) },
    rate: shape(core),
  };
}
