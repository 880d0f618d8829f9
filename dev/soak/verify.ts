// The soak's end state, checked against the simulator's ground truth:
// - every job of the run is terminal;
// - for every (repository, content type) the stored ids equal the truth inside the widest window
//   a finished (completed) progress row of that data type covered. When some job also wrote rows
//   further back without finishing (cancelled, or failed for good), the stored ids must lie
//   between the two: everything of the covered window, nothing beyond the widest touched one.
//   Every job stores what was created inside its window; one that walks by update also stores
//   the PRs, issues and discussions with activity inside it, the comments updated inside it and
//   their parents (dev/expected_content.ts), which the upper bound allows;
// - each stored row IS the truth's item: compared by its whole identity (databaseId, GitHub node
//   id and natural key: number, parent, reply target, sha, day), so a row under another id, on the
//   wrong parent or with the wrong number is both missing and extra;
// - no duplicates: no GitHub node id (commits: sha, stars: day) is stored twice under different
//   primary keys;
// - every failed task carries an actionable last_error; the missing and private repositories
//   failed with the not-found message, no other repository failed;
// - the simulator counted 0 primary and 0 secondary limit violations.
import type { Simulator, TruthType } from "../github-sim/mod.ts";
import { NOT_FOUND_MESSAGE, type Sql, TERMINAL_JOB_STATUSES } from "../demo_job.ts";
import type { TruthItem } from "../github-sim/truth.ts";
import { CONTENT_TYPES, type ContentType, expectedContent } from "../expected_content.ts";

/**
 * How a content type's rows are compared with the truth: `identity` is the same string from a
 * stored row (SQL over `x`) and from a truth item, `key` the GitHub identity that must not be
 * stored twice. Items the truth does not compare (stars of a day without stars) map to null.
 */
interface Compared {
  type: string;
  label: string;
  table: string;
  where: string;
  identity: string;
  key: string;
  truth: (i: TruthItem) => string | null;
}

const node = (i: TruthItem, rest = "") => (i.databaseId === undefined ? null : `${i.databaseId} ${i.id}${rest}`);
const nested = (table: string, parent: string, label: string, type: string, where = ""): Compared => ({
  type, label, table, where, key: "x.node_id",
  identity: `x.id || ' ' || x.node_id || ' ^' || x.${parent}`,
  truth: (i) => node(i, ` ^${i.parentDatabaseId}`),
});
const numbered = (table: string, label: string, type: string): Compared => ({
  type, label, table, where: "", key: "x.node_id",
  identity: "x.id || ' ' || x.node_id || ' #' || x.number",
  truth: (i) => node(i, ` #${i.number}`),
});

export const COMPARED: Compared[] = [
  numbered("public.pull_requests", "pull requests", "pull_requests"),
  nested("public.reviews", "pull_request_id", "reviews", "reviews"),
  nested("public.review_comments", "pull_request_id", "review comments", "review_comments"),
  nested("public.issue_comments", "pull_request_id", "PR comments", "pr_comments", "and x.pull_request_id is not null"),
  numbered("public.issues", "issues", "issues"),
  nested("public.issue_comments", "issue_id", "issue comments", "issue_comments", "and x.issue_id is not null"),
  numbered("public.discussions", "discussions", "discussions"),
  {
    ...nested("public.discussion_comments", "discussion_id", "discussion comments (with replies)", "discussion_comments"),
    // A reply names the comment it answers (GitHub's replyTo), by node id.
    identity: "x.id || ' ' || x.node_id || ' ^' || x.discussion_id || ' <' || " +
      "coalesce((select p.node_id from public.discussion_comments p where p.id = x.parent_id), '')",
    truth: (i) => node(i, ` ^${i.parentDatabaseId} <${i.parentId ?? ""}`),
  },
  { type: "commits", label: "commits", table: "public.commits", where: "", key: "x.sha", identity: "x.sha", truth: (i) => i.oid ?? null },
  { type: "forks", label: "forks", table: "public.forks", where: "", key: "x.id::text", identity: "x.id::text", truth: (i) => i.databaseId === undefined ? null : String(i.databaseId) },
  // Stars are compared per day ("YYYY-MM-DD=n"); days without stars may be stored or not.
  {
    type: "stars", label: "star days", table: "public.star_history", where: "and x.stars > 0", key: "x.day::text",
    identity: "to_char(x.day, 'YYYY-MM-DD') || '=' || x.stars", truth: (i) => (i.count ? `${i.date}=${i.count}` : null),
  },
];

/** Which data type of a job brings each content type. */
const DATA_TYPE_OF: Record<string, string> = {
  pull_requests: "pull_requests",
  reviews: "pull_requests",
  review_comments: "pull_requests",
  pr_comments: "pull_requests",
  issues: "issues",
  issue_comments: "issues",
  discussions: "discussions",
  discussion_comments: "discussions",
  commits: "commits",
  forks: "forks",
  stars: "stars",
};

export interface CoverageRow {
  repo: string;
  type: string;
  /** Start of the widest window a completed progress row covered (null: none). */
  covered: string | null;
  /** Start of the widest window any progress row wrote into (null: none). */
  touched: string | null;
  expected: number;
  stored: number;
  rows: number;
  missing: string[];
  extra: string[];
  /** GitHub identities (node id, sha, day) stored more than once, with how often. */
  duplicates: string[];
  ok: boolean;
}

export interface Verification {
  coverage: CoverageRow[];
  jobs: { kind: string; status: string; n: number }[];
  problems: string[];
  failedTasks: { repo: string; message: string }[];
  violations: { total: number; primary: number; secondary: number };
}

export async function verify(
  sql: Sql,
  sim: Simulator,
  jobIds: string[],
  repos: string[],
  expectedNotFound: string[],
): Promise<Verification> {
  const problems: string[] = [];

  const jobs =
    await sql`select kind, status, count(*)::int as n from public.backfill_jobs where id = any(${jobIds}::uuid[])
    group by 1, 2 order by 1, 2`;
  const open =
    await sql`select id, kind, status from public.backfill_jobs where id = any(${jobIds}::uuid[])
    and not (status = any(${TERMINAL_JOB_STATUSES}))`;
  for (const j of open) problems.push(`job ${j.id} (${j.kind}) is still ${j.status}`);
  if (jobs.reduce((a, j) => a + j.n, 0) !== jobIds.length) {
    problems.push(`only ${jobs.length} of ${jobIds.length} jobs exist`);
  }

  const tasks = await sql`
    select lower(tr.full_name) as repo, t.status, t.last_error, t.job_id
    from public.backfill_tasks t join public.tracked_repositories tr on tr.id = t.tracked_repository_id
    where t.job_id = any(${jobIds}::uuid[])`;
  const failedTasks: { repo: string; message: string }[] = [];
  for (const t of tasks) {
    const notFound = expectedNotFound.includes(t.repo);
    if (t.status === "failed") {
      failedTasks.push({ repo: t.repo, message: t.last_error ?? "" });
      if (
        !t.last_error || t.last_error.trim().length < 20 ||
        !t.last_error.toLowerCase().includes(t.repo)
      ) {
        problems.push(
          `a failed task of ${t.repo} has no actionable error (last_error: ${
            JSON.stringify(t.last_error)
          })`,
        );
      } else if (notFound && !t.last_error.includes(NOT_FOUND_MESSAGE(t.repo))) {
        problems.push(`${t.repo} failed with an unexpected message: ${t.last_error}`);
      } else if (!notFound) {
        problems.push(`${t.repo} failed in job ${t.job_id}: ${t.last_error}`);
      }
    } else if (notFound && t.status === "completed") {
      problems.push(
        `${t.repo} does not exist for the token, yet its task in job ${t.job_id} completed`,
      );
    }
  }
  const [{ n: silent }] = await sql`
    select count(*)::int as n from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
    where t.job_id = any(${jobIds}::uuid[]) and p.status = 'failed' and coalesce(p.last_error, '') = ''`;
  if (silent > 0) problems.push(`${silent} failed progress rows carry no last_error`);

  // Each job's window comes from what it asked for, not from the rows the engine wrote: its
  // creation less its window_days, or for a scheduled sync the last sync its source names (never
  // further back than its window_days).
  const windows = await sql`
    with asked as (
      select p.*, j.kind,
             case when j.source #>> array['repositories', t.tracked_repository_id::text, 'since'] is not null
                  then greatest((j.source #>> array['repositories', t.tracked_repository_id::text, 'since'])::timestamptz,
                                j.created_at - make_interval(days => greatest(j.window_days, 1)))
                  else j.created_at - make_interval(days => greatest(j.window_days, 1)) end as asked_since,
             tr.full_name
      from public.backfill_progress p
      join public.backfill_tasks t on t.id = p.task_id
      join public.backfill_jobs j on j.id = t.job_id
      join public.tracked_repositories tr on tr.id = t.tracked_repository_id
      where t.job_id = any(${jobIds}::uuid[]))
    select lower(full_name) as repo, data_type,
           min(asked_since) filter (where status = 'completed') as covered,
           min(asked_since) filter (where status = 'completed' or items_done > 0 or cursor is not null) as touched,
           bool_or(status = 'completed') as done,
           min(asked_since) filter (where kind = 'scheduled'
             and (status = 'completed' or items_done > 0 or cursor is not null)) as touched_incrementally
    from asked
    group by 1, 2`;
  const windowOf = (repo: string, dataType: string) =>
    windows.find((w) => w.repo === repo && w.data_type === dataType) as Window | undefined;

  const coverage: CoverageRow[] = [];
  for (const repo of repos.filter((r) => !expectedNotFound.includes(r))) {
    const [r] = await sql`select id from public.repositories where lower(full_name) = ${repo}`;
    if (windowOf(repo, "repository")?.done && !r) {
      problems.push(`${repo}: no repository row, though its metadata was fetched`);
    }
    for (const t of COMPARED) {
      const c = await compareType(sql, sim, repo, r?.id ?? null, t, windowOf(repo, DATA_TYPE_OF[t.type]));
      coverage.push(c);
      if (!c.ok) problems.push(coverageProblem(repo, t.label, c));
    }
  }

  const violations = sim.counters().violations;
  if (violations.total > 0) {
    problems.push(
      `the simulator counted ${violations.primary} primary and ${violations.secondary} secondary limit violations`,
    );
  }
  return {
    coverage,
    jobs: jobs.map((j) => ({ kind: j.kind, status: j.status, n: j.n })),
    problems,
    failedTasks,
    violations,
  };
}

interface Window {
  done: boolean;
  covered: Date | null;
  touched: Date | null;
  touched_incrementally: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** One content type of one repository: stored rows against the truth inside the windows. */
async function compareType(sql: Sql, sim: Simulator, repo: string, repoId: string | null, t: Compared, w: Window | undefined): Promise<CoverageRow> {
  const covered = iso(w?.covered ?? null);
  const touched = iso(w?.touched ?? null);
  const identities = (items: TruthItem[]) => items.map(t.truth).filter((x): x is string => x !== null);
  const truth = (since: string | null) =>
    new Set(since === null ? [] : identities(sim.truth({ repo, type: t.type as TruthType, since }).items));
  const lower = truth(covered);
  const upper = truth(touched);
  for (const id of identities(incrementalReach(sim, repo, t.type, iso(w?.touched_incrementally ?? null)))) upper.add(id);
  if (touched !== null && CONTENT_TYPES.includes(t.type as ContentType)) {
    // Activity inside the touched window: items updated since, comments and their parents.
    const all = (type: string) => sim.truth({ repo, type: type as TruthType }).items;
    const active = new Set(expectedContent(all, touched).ids[t.type as ContentType]);
    for (const id of identities(all(t.type).filter((i) => active.has(i.databaseId!)))) upper.add(id);
  }
  const storedRows = repoId === null ? [] : await sql.unsafe<{ identity: string; key: string }[]>(
    `select (${t.identity}) as identity, (${t.key}) as key from ${t.table} x where x.repository_id = $1 ${t.where}`,
    [repoId],
  );
  const stored = new Set(storedRows.map((x) => x.identity));
  const perKey = new Map<string, number>();
  for (const x of storedRows) perKey.set(x.key, (perKey.get(x.key) ?? 0) + 1);
  const duplicates = [...perKey].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
  const missing = [...lower].filter((id) => !stored.has(id));
  const extra = [...stored].filter((id) => !upper.has(id));
  return {
    repo, type: t.type, covered, touched, expected: lower.size, stored: stored.size, rows: storedRows.length,
    missing, extra, duplicates, ok: missing.length === 0 && extra.length === 0 && duplicates.length === 0,
  };
}

/**
 * What a scheduled (incremental) sync since `since` legitimately stores beyond its window start:
 * PRs, issues and discussions UPDATED since (with their nested items), commits from 14 days
 * earlier (merged commits keep older dates), and the whole first day of star history.
 */
function incrementalReach(sim: Simulator, repo: string, type: string, since: string | null): TruthItem[] {
  if (since === null) return [];
  const truth = (q: { since?: string; updatedSince?: string }) => sim.truth({ repo, type: type as TruthType, ...q }).items;
  if (type === "commits") return truth({ since: new Date(Date.parse(since) - 14 * 86_400_000).toISOString() });
  if (type === "stars") return truth({ since: `${since.slice(0, 10)}T00:00:00.000Z` });
  if (type === "forks") return [];
  return truth({ updatedSince: since });
}

const some = (xs: string[]) => xs.slice(0, 5).join(", ") + (xs.length > 5 ? ", …" : "");

function coverageProblem(repo: string, label: string, c: CoverageRow): string {
  return `${repo} ${label}: ${c.stored} stored (${c.rows} rows) vs ${c.expected} in the truth since ${c.covered ?? "–"}` +
    (c.missing.length ? `; missing ${some(c.missing)}` : "") +
    (c.extra.length ? `; not the truth's (beyond every window, or another id, number or parent) ${some(c.extra)}` : "") +
    (c.duplicates.length ? `; duplicates ${some(c.duplicates)}` : "");
}
