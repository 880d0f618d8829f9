// The soak's end state, checked against the simulator's ground truth:
// - every job of the run is terminal;
// - for every (repository, content type) the stored ids equal the truth inside the widest window
//   a finished (completed) progress row of that data type covered. When some job also wrote rows
//   further back without finishing (cancelled, or failed for good), the stored ids must lie
//   between the two: everything of the covered window, nothing beyond the widest touched one.
//   Every job stores what was created inside its window; one that walks by update also stores
//   the PRs, issues and discussions with activity inside it, the comments updated inside it and
//   their parents (dev/expected_content.ts), which the upper bound allows;
// - no duplicates (stored rows = distinct ids);
// - every failed task carries an actionable last_error; the missing and private repositories
//   failed with the not-found message, no other repository failed;
// - the simulator counted 0 primary and 0 secondary limit violations.
import type { Simulator, TruthType } from "../github-sim/mod.ts";
import { CONTENT_TYPES, type ContentType, expectedContent } from "../expected_content.ts";
import {
  NOT_FOUND_MESSAGE,
  type Sql,
  TERMINAL_JOB_STATUSES,
  TRUTH_TYPES,
  truthId,
} from "../demo_job.ts";

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

  const windows = await sql`
    select lower(tr.full_name) as repo, p.data_type,
           min(p.window_start) filter (where p.status = 'completed') as covered,
           min(p.window_start) filter (where p.status = 'completed' or p.items_done > 0 or p.cursor is not null) as touched,
           bool_or(p.status = 'completed') as done,
           min(p.window_start) filter (where j.kind = 'scheduled'
             and (p.status = 'completed' or p.items_done > 0 or p.cursor is not null)) as touched_incrementally
    from public.backfill_progress p
    join public.backfill_tasks t on t.id = p.task_id
    join public.backfill_jobs j on j.id = t.job_id
    join public.tracked_repositories tr on tr.id = t.tracked_repository_id
    where t.job_id = any(${jobIds}::uuid[])
    group by 1, 2`;
  const windowOf = (repo: string, dataType: string) =>
    windows.find((w) => w.repo === repo && w.data_type === dataType);
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

  const coverage: CoverageRow[] = [];
  for (const repo of repos.filter((r) => !expectedNotFound.includes(r))) {
    const [r] = await sql`select id from public.repositories where lower(full_name) = ${repo}`;
    const meta = windowOf(repo, "repository");
    if (meta?.done && !r) {
      problems.push(`${repo}: no repository row, though its metadata was fetched`);
    }
    for (const t of TRUTH_TYPES) {
      const w = windowOf(repo, DATA_TYPE_OF[t.type]);
      const covered = iso(w?.covered ?? null);
      const touched = iso(w?.touched ?? null);
      const truth = (since: string | null) =>
        since === null ? new Set<string>() : new Set(
          sim.truth({ repo, type: t.type as TruthType, since }).items.map((i) => truthId(t.type, i))
            .filter((x) => x !== null) as string[],
        );
      const lower = truth(covered);
      const upper = truth(touched);
      if (touched !== null && CONTENT_TYPES.includes(t.type as ContentType)) {
        const activity = expectedContent((type) => sim.truth({ repo, type }).items, touched).ids[t.type as ContentType];
        for (const id of activity) upper.add(String(id));
      }
      // A scheduled (incremental) sync legitimately reaches past its window start: PRs, issues
      // and discussions UPDATED since (with their nested items), commits from 14 days earlier
      // (merged commits keep older dates), and the whole first day of star history.
      const incremental = iso(w?.touched_incrementally ?? null);
      if (incremental !== null) {
        const extraSince = t.type === "commits"
          ? new Date(Date.parse(incremental) - 14 * 86_400_000).toISOString()
          : t.type === "stars"
          ? `${incremental.slice(0, 10)}T00:00:00.000Z`
          : null;
        const more = extraSince !== null
          ? sim.truth({ repo, type: t.type as TruthType, since: extraSince }).items
          : ["commits", "stars", "forks"].includes(t.type)
          ? []
          : sim.truth({ repo, type: t.type as TruthType, updatedSince: incremental }).items;
        for (const i of more) {
          const id = truthId(t.type, i);
          if (id !== null) upper.add(id);
        }
      }
      const idSql = "id" in t ? t.id : "id";
      const storedRows = r
        ? (await sql.unsafe(
          `select (${idSql})::text as id from ${t.table} where repository_id = $1 ${t.where}`,
          [r.id],
        )).map((x) => String(x.id))
        : [];
      const stored = new Set(storedRows);
      const missing = [...lower].filter((id) => !stored.has(id));
      const extra = [...stored].filter((id) => !upper.has(id));
      const ok = missing.length === 0 && extra.length === 0 && storedRows.length === stored.size;
      coverage.push({
        repo,
        type: t.type,
        covered,
        touched,
        expected: lower.size,
        stored: stored.size,
        rows: storedRows.length,
        missing,
        extra,
        ok,
      });
      if (!ok) {
        problems.push(
          `${repo} ${t.label}: ${stored.size} stored (${storedRows.length} rows) vs ${lower.size} in the truth since ${
            covered ?? "–"
          }` +
            (missing.length
              ? `; missing ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}`
              : "") +
            (extra.length
              ? `; beyond every window ${extra.slice(0, 5).join(", ")}${
                extra.length > 5 ? ", …" : ""
              }`
              : "") +
            (storedRows.length !== stored.size ? "; duplicates" : ""),
        );
      }
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
