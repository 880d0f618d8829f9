/**
 * `GET /repos/{owner}/{repo}/stargazers/history`: the public replacement for stargazer listing
 * (GitHub changelog 2026-09-04, "New API endpoint provides privacy-safe star history data"):
 * "data organized by week with the total stars added and a day-by-day breakdown". Its reference
 * page is thin, so the default shape is what its clients read (see README.md "Star history"):
 *
 * - `week`: Unix epoch seconds of the week's Sunday 00:00 UTC, as `/stats/commit_activity`
 *   documents ("week: The Unix timestamp for the start of the week", days "starting on Sunday");
 * - `days`: stars added Sunday..Saturday; `total`: their sum;
 * - newest week first, 30 weeks a page, `page`/`per_page` and a `Link` header; a page past the
 *   end is `[]`; the current week carries its days still to come as 0;
 * - `since`/`until` are not documented, so they are ignored.
 *
 * Every other plausible reading is an option (`StarHistoryOptions`), so a client can be tested
 * under each.
 */
import { type Dataset, DAY_MS } from "./dataset.ts";
import type { RepoData } from "./repo_data.ts";
import { lastPageOf, linkHeader, pageRequest } from "./paging.ts";

export interface StarHistoryOptions {
  /** `week` as epoch seconds (default) or as a "YYYY-MM-DD" string (the simulator's first shape). */
  starHistoryWeekFormat: "epoch" | "date";
  /** Newest week first (default) or oldest first (the order `/stats/commit_activity` uses). */
  starHistoryOrder: "newest_first" | "oldest_first";
  /** Pages with `Link` (default), or every week in one answer without `Link`. */
  starHistoryPaging: "link" | "none";
  /** Largest honoured `per_page` (default 100, GitHub's usual cap; one client reports 30). */
  starHistoryMaxPerPage: number;
  /** Honour the undocumented `since`/`until` (YYYY-MM-DD, inclusive): weeks overlapping the
   * range, days outside it zeroed; a bad value answers 422. Default false: ignored. */
  starHistorySinceParam: boolean;
  /** An unreadable answer: `"object"` (or true) a 200 `{message}` object instead of a list,
   * `"no_days"` weeks without `days`, `"computing"` a 202 `{}` as GitHub's statistics endpoints
   * answer while they compute. Default false. */
  starHistoryMalformed: false | true | "object" | "no_days" | "computing";
  /** Repositories ("owner/name") the malformed answer applies to; null (default): all. */
  starHistoryMalformedRepos: string[] | null;
}

export const STAR_HISTORY_DEFAULTS: StarHistoryOptions = {
  starHistoryWeekFormat: "epoch",
  starHistoryOrder: "newest_first",
  starHistoryPaging: "link",
  starHistoryMaxPerPage: 100,
  starHistorySinceParam: false,
  starHistoryMalformed: false,
  starHistoryMalformedRepos: null,
};

export interface StarWeek {
  week: number | string;
  total: number;
  days: number[];
}

const DOCS = "https://docs.github.com/rest";
const WEEK_MS = 7 * DAY_MS;

function parseDay(url: URL, name: string): number | null | undefined {
  const v = url.searchParams.get(name);
  if (!v) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v + "T00:00:00Z"))) {
    return undefined;
  }
  return Date.parse(v + "T00:00:00Z");
}

/** Every week (Sunday-aligned, oldest first) holding a day of the repository's star counts. */
function allWeeks(repo: RepoData, from: number | null, to: number | null) {
  const { firstDay, counts } = repo.starsByDay();
  const lastDay = firstDay + (counts.length - 1) * DAY_MS;
  const lo = Math.max(firstDay, from ?? firstDay);
  const hi = Math.min(lastDay, to ?? lastDay);
  const weeks: { start: number; days: number[] }[] = [];
  if (lo > hi) return weeks;
  const first = lo - new Date(lo).getUTCDay() * DAY_MS;
  // The current week is served whole: its days still to come are 0.
  const end = to === null ? lastDay - new Date(lastDay).getUTCDay() * DAY_MS + 6 * DAY_MS : hi;
  for (let start = first; start <= end; start += WEEK_MS) {
    const days = [0, 0, 0, 0, 0, 0, 0];
    for (let k = 0; k < 7; k++) {
      const day = start + k * DAY_MS;
      if (day < lo || day > hi) continue;
      days[k] = counts[Math.round((day - firstDay) / DAY_MS)] ?? 0;
    }
    weeks.push({ start, days });
  }
  return weeks;
}

function render(
  w: { start: number; days: number[] },
  o: StarHistoryOptions,
  noDays: boolean,
): Record<string, unknown> {
  const week = o.starHistoryWeekFormat === "date"
    ? new Date(w.start).toISOString().slice(0, 10)
    : w.start / 1000;
  const total = w.days.reduce((a, b) => a + b, 0);
  return noDays ? { week, total } : { week, total, days: w.days };
}

function malformedMode(repo: RepoData, o: StarHistoryOptions) {
  if (!o.starHistoryMalformed) return null;
  const repos = o.starHistoryMalformedRepos;
  if (repos && !repos.some((r) => r.toLowerCase() === repo.nameWithOwner.toLowerCase())) {
    return null;
  }
  return o.starHistoryMalformed === true ? "object" : o.starHistoryMalformed;
}

/** One page of a repository's star history. */
export function starHistory(ds: Dataset, ordinal: number, url: URL, o: StarHistoryOptions) {
  const repo = ds.repo(ordinal);
  const mode = malformedMode(repo, o);
  if (mode === "object") {
    return Response.json({
      message: "Star history is not available for this repository right now.",
      documentation_url: DOCS,
    });
  }
  if (mode === "computing") return Response.json({}, { status: 202 });
  let since: number | null | undefined = null;
  let until: number | null | undefined = null;
  if (o.starHistorySinceParam) {
    since = parseDay(url, "since");
    until = parseDay(url, "until");
    if (since === undefined || until === undefined) {
      return Response.json({
        message: "Invalid request. `since` and `until` must be dates like 2026-11-15.",
        documentation_url: DOCS,
        status: "422",
      }, { status: 422 });
    }
  }
  const weeks = allWeeks(repo, since, until);
  if (o.starHistoryOrder === "newest_first") weeks.reverse();
  const noDays = mode === "no_days";
  if (o.starHistoryPaging === "none") {
    return Response.json(weeks.map((w) => render(w, o, noDays)));
  }
  const { page, perPage } = pageRequest(url, 30, o.starHistoryMaxPerPage);
  const slice = weeks.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  const last = lastPageOf(weeks.length, perPage);
  const link = linkHeader(url, repo.databaseId, "stargazers/history", page, last);
  if (link) headers.link = link;
  return Response.json(slice.map((w) => render(w, o, noDays)), { headers });
}
