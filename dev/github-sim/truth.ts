/**
 * Ground truth: which items exist in a time window, so tests can compare a database with it.
 *
 * Window rules (since inclusive, until exclusive; either may be omitted):
 * - pull_requests, issues, discussions, forks: by `createdAt` in [since, until);
 * - commits: by `committedDate` in [since, until);
 * - reviews, review_comments, pr_comments, issue_comments, discussion_comments: every nested item
 *   of a parent (PR, issue, discussion) inside the window, whatever the item's own date;
 *   discussion_comments include replies, with `parentId` = the comment they reply to;
 * - stars: per UTC day whose date is in [since, until), with the count of stars added that day;
 * - contributors: distinct non-ghost authors of the PRs, issues and commits in the window.
 *
 * Items deleted at runtime (deletions.ts) are gone from the truth, with their children: it is
 * GitHub's state after the deletion.
 *
 * `updatedSince` (inclusive) further keeps only the PRs, issues and discussions last updated at
 * or after it (what an incremental sync fetches), and only their nested items; items of those
 * kinds and comments carry `updatedAt` so a test can also pick comments updated since.
 */
import type { Dataset } from "./dataset.ts";
import type { RepoData } from "./repo_data.ts";
import { DAY_MS } from "./dataset.ts";
import { iso } from "./resolvers.ts";

export const TRUTH_TYPES = [
  "pull_requests",
  "reviews",
  "review_comments",
  "pr_comments",
  "issues",
  "issue_comments",
  "discussions",
  "discussion_comments",
  "commits",
  "forks",
  "stars",
  "contributors",
] as const;
export type TruthType = typeof TRUTH_TYPES[number];

export interface TruthQuery {
  /** "owner/name" (an old name of a renamed repository resolves to it). */
  repo: string;
  type: TruthType;
  since?: string | number | Date;
  until?: string | number | Date;
  /** PRs, issues and discussions updated at or after this (and their nested items). */
  updatedSince?: string | number | Date;
}

export interface TruthItem {
  databaseId?: number;
  id?: string;
  /** Commits. */
  oid?: string;
  /** Stars: the UTC day (YYYY-MM-DD) and stars added that day. */
  date?: string;
  count?: number;
  /** PRs, issues, discussions. */
  number?: number;
  createdAt?: string;
  /** PRs, issues, discussions, reviews and comments. */
  updatedAt?: string;
  /** Nested items: the parent's databaseId and node id. */
  parentDatabaseId?: number;
  parentNodeId?: string;
  /** Discussion replies: node id of the comment replied to (null for top-level comments). */
  parentId?: string | null;
  login?: string;
}

export interface TruthResult {
  repo: string;
  type: TruthType;
  since: string | null;
  until: string | null;
  updatedSince: string | null;
  /** Number of items; for stars, the number of stars (the sum of the daily counts). */
  count: number;
  items: TruthItem[];
}

function toMs(value: string | number | Date | undefined): number | null {
  if (value === undefined || value === null || value === "") return null;
  const ms = value instanceof Date
    ? value.getTime()
    : typeof value === "number"
    ? value
    : Date.parse(value);
  if (Number.isNaN(ms)) throw new TypeError(`truth: invalid time "${value}"`);
  return ms;
}

/** Index range [lo, hi) of a sorted array inside [since, until). */
function window(times: Float64Array, since: number | null, until: number | null): [number, number] {
  const bound = (value: number) => {
    let lo = 0, hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [since === null ? 0 : bound(since), until === null ? times.length : bound(until)];
}

export function truth(ds: Dataset, query: TruthQuery): TruthResult {
  if (!TRUTH_TYPES.includes(query.type)) {
    throw new TypeError(
      `truth: unknown type "${query.type}"; expected one of ${TRUTH_TYPES.join(", ")}`,
    );
  }
  const repo = ds.repoByName(query.repo);
  if (!repo) throw new RangeError(`truth: no repository "${query.repo}" in the dataset`);
  const since = toMs(query.since);
  const until = toMs(query.until);
  const updatedSince = toMs(query.updatedSince);
  const items = collect(repo, query.type, since, until, updatedSince);
  const count = query.type === "stars"
    ? items.reduce((a, i) => a + (i.count ?? 0), 0)
    : items.length;
  return {
    repo: repo.nameWithOwner,
    type: query.type,
    since: since === null ? null : iso(since),
    until: until === null ? null : iso(until),
    updatedSince: updatedSince === null ? null : iso(updatedSince),
    count,
    items,
  };
}

function range(
  repo: RepoData,
  kind: "pr" | "issue" | "discussion" | "commit" | "fork",
  since: number | null,
  until: number | null,
  updatedSince: number | null = null,
) {
  const [lo, hi] = window(repo.timesOf(kind, repo.countOf(kind)), since, until);
  const out: number[] = [];
  for (let i = lo; i < hi; i++) {
    if (kind === "commit" || kind === "fork") {
      out.push(i);
      continue;
    }
    if (repo.isDeleted(kind, i)) continue;
    if (updatedSince !== null && repo.updatedAtOf(kind, i) < updatedSince) continue;
    out.push(i);
  }
  return out;
}

function collect(
  repo: RepoData,
  type: TruthType,
  since: number | null,
  until: number | null,
  updatedSince: number | null,
): TruthItem[] {
  const prs = () => range(repo, "pr", since, until, updatedSince).map((i) => repo.pr(i));
  switch (type) {
    case "pull_requests":
      return prs().map((p) => ({
        databaseId: p.databaseId,
        id: p.id,
        number: p.number,
        createdAt: iso(p.createdAt),
        updatedAt: iso(p.updatedAt),
      }));
    case "reviews":
      return prs().flatMap((p) =>
        repo.prDetail(p.index).reviews.map((r) => ({
          databaseId: r.databaseId,
          id: r.id,
          updatedAt: iso(r.updatedAt),
          parentDatabaseId: p.databaseId,
          parentNodeId: p.id,
        }))
      );
    case "review_comments":
      return prs().flatMap((p) =>
        repo.prDetail(p.index).threads.flatMap((t) => t.comments).map((c) => ({
          databaseId: c.databaseId,
          id: c.id,
          updatedAt: iso(c.updatedAt),
          parentDatabaseId: p.databaseId,
          parentNodeId: p.id,
        }))
      );
    case "pr_comments":
      return prs().flatMap((p) =>
        repo.prDetail(p.index).comments.map((c) => ({
          databaseId: c.databaseId,
          id: c.id,
          updatedAt: iso(c.updatedAt),
          parentDatabaseId: p.databaseId,
          parentNodeId: p.id,
        }))
      );
    case "issues":
      return range(repo, "issue", since, until, updatedSince).map((i) => {
        const x = repo.issue(i);
        return {
          databaseId: x.databaseId,
          id: x.id,
          number: x.number,
          createdAt: iso(x.createdAt),
          updatedAt: iso(x.updatedAt),
        };
      });
    case "issue_comments":
      return range(repo, "issue", since, until, updatedSince).flatMap((i) => {
        const x = repo.issue(i);
        return repo.issueComments(i).map((c) => ({
          databaseId: c.databaseId,
          id: c.id,
          updatedAt: iso(c.updatedAt),
          parentDatabaseId: x.databaseId,
          parentNodeId: x.id,
        }));
      });
    case "discussions":
      return range(repo, "discussion", since, until, updatedSince).map((i) => {
        const d = repo.discussion(i);
        return {
          databaseId: d.databaseId,
          id: d.id,
          number: d.number,
          createdAt: iso(d.createdAt),
          updatedAt: iso(d.updatedAt),
        };
      });
    case "discussion_comments":
      return range(repo, "discussion", since, until, updatedSince).flatMap((i) => {
        const d = repo.discussion(i);
        return repo.discussionComments(i).flatMap((c) => [c, ...c.replies]).map((c) => ({
          databaseId: c.databaseId,
          id: c.id,
          updatedAt: iso(c.updatedAt),
          parentId: c.replyToId,
          parentDatabaseId: d.databaseId,
          parentNodeId: d.id,
        }));
      });
    case "commits":
      return range(repo, "commit", since, until).map((i) => {
        const c = repo.commit(i);
        return { oid: c.oid, id: c.id, createdAt: iso(c.committedDate) };
      });
    case "forks":
      return range(repo, "fork", since, until).map((i) => {
        const f = repo.fork(i);
        return { databaseId: f.databaseId, id: f.id, createdAt: iso(f.createdAt) };
      });
    case "stars": {
      const { firstDay, counts } = repo.starsByDay();
      const out: TruthItem[] = [];
      for (let d = 0; d < counts.length; d++) {
        const day = firstDay + d * DAY_MS;
        if ((since !== null && day < since) || (until !== null && day >= until)) continue;
        out.push({ date: iso(day).slice(0, 10), count: counts[d] });
      }
      return out;
    }
    case "contributors": {
      const seen = new Map<string, TruthItem>();
      const add = (u: { login: string; databaseId: number; id: string } | null) => {
        if (u && !seen.has(u.login)) {
          seen.set(u.login, { login: u.login, databaseId: u.databaseId, id: u.id });
        }
      };
      for (const p of prs()) add(p.author);
      for (const i of range(repo, "issue", since, until, updatedSince)) add(repo.issue(i).author);
      for (const i of range(repo, "commit", since, until)) add(repo.commit(i).author.user);
      return [...seen.values()].sort((a, b) => a.databaseId! - b.databaseId!);
    }
  }
}
