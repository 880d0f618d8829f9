// Scenario 1: GraphQL cost of fully hydrated pull requests (reviews, review comments,
// conversation comments, labels) and items per point of every data type. The worker runs
// in-process against an in-process simulator over the default dataset's acme/web and
// globex/engine for 365 days, one job per data type, so each type's points are its own.
import { createSimulator, DEFAULT_REPOS } from "../dev/github-sim/mod.ts";
import {
  createJob,
  drain,
  expectedContent,
  itemsDone,
  setupWorkspace,
  windowStartOf,
  workerDeps,
} from "../supabase/tests/e2e/engine_helpers.ts";
import { clearSimulatorRepos, round, type ScenarioResult, type Sql } from "./lib.ts";

const REPOS = ["acme/web", "globex/engine"];
const DATA_TYPES = [
  "repository",
  "pull_requests",
  "issues",
  "discussions",
  "commits",
  "stars",
  "forks",
];

/** Rows stored for a PR job: the PRs and everything nested under them. */
async function prRows(sql: Sql): Promise<Record<string, number>> {
  const lower = REPOS.map((r) => r.toLowerCase());
  const [c] = await sql`
    with r as (select id from public.repositories where lower(full_name) = any(${lower}))
    select (select count(*) from public.pull_requests where repository_id in (select id from r))::int as pull_requests,
           (select count(*) from public.reviews where repository_id in (select id from r))::int as reviews,
           (select count(*) from public.review_comments where repository_id in (select id from r))::int as review_comments,
           (select count(*) from public.issue_comments where repository_id in (select id from r)
              and pull_request_id is not null)::int as pr_comments,
           (select count(*) from public.issues where repository_id in (select id from r))::int as issues,
           (select count(*) from public.issue_comments where repository_id in (select id from r)
              and issue_id is not null)::int as issue_comments`;
  return c;
}

export async function prsPerPoint(sql: Sql): Promise<ScenarioResult> {
  const sim = createSimulator({ seed: 42, repos: DEFAULT_REPOS });
  const perType: Record<string, unknown> = {};
  let prsPerPointFigure: number | null = null;
  const notes: string[] = [];
  for (const type of DATA_TYPES) {
    // A fresh workspace per type: the repositories' stored content is deleted first.
    await clearSimulatorRepos(sql, sim);
    const { workspaceId } = await setupWorkspace(sql, "bench-prs-per-point", REPOS);
    sim.reset();
    const jobId = await createJob(sql, workspaceId, { windowDays: 365, dataTypes: [type] });
    const started = performance.now();
    await drain(
      sql,
      jobId,
      () => workerDeps(sql, sim, { config: { concurrency: 2, timeBudgetMs: 60_000 } }),
    );
    const seconds = (performance.now() - started) / 1000;
    const [{ skipped }] = await sql`
      select bool_and(p.status = 'skipped') as skipped from public.backfill_progress p
      join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId}`;
    if (skipped) {
      perType[type] = null;
      notes.push(`${type}: not fetched by the worker yet (progress skipped)`);
      continue;
    }
    const [job] =
      await sql`select status, points_used::int as points_used from public.backfill_jobs where id = ${jobId}`;
    if (job.status !== "completed") {
      // The figure of a job that did not store everything says little: say what went wrong.
      const failed = await sql`
        select tr.full_name, t.status, coalesce(t.last_error, '(no error recorded)') as error
        from public.backfill_tasks t join public.tracked_repositories tr on tr.id = t.tracked_repository_id
        where t.job_id = ${jobId} and t.status <> 'completed' order by tr.full_name`;
      notes.push(
        `${type}: the job ended ${job.status}: ${
          failed.map((f) => `${f.full_name} ${f.status}: ${f.error}`).join("; ") || "no task failed"
        }`,
      );
    }
    const c = sim.counters();
    const points = c.pointsSpent;
    const items = await itemsDone(sql, jobId, type);
    const entry: Record<string, unknown> = {
      items,
      points,
      job_points_used: job.points_used,
      graphql_requests: c.requests.graphql,
      rest_requests: c.requests.rest,
      items_per_point: points > 0 ? round(items / points, 1) : null,
      seconds: round(seconds, 1),
      job_status: job.status,
    };
    if (type === "pull_requests" || type === "issues") {
      const rows = await prRows(sql);
      const nested: Record<string, number> = type === "pull_requests"
        ? {
          pull_requests: rows.pull_requests,
          reviews: rows.reviews,
          review_comments: rows.review_comments,
          pr_comments: rows.pr_comments,
        }
        : { issues: rows.issues, issue_comments: rows.issue_comments };
      const all = Object.values(nested).reduce((a, b) => a + b, 0);
      entry.rows = nested;
      entry.rows_per_point = points > 0 ? round(all / points, 1) : null;
      // 100% of nested items: the database equals what the simulator's ground truth says the job
      // stores (activity inside the window, supabase/tests/e2e/engine_helpers.ts expectedContent).
      const since = await windowStartOf(sql, jobId);
      const truthTypes = type === "pull_requests"
        ? ["pull_requests", "reviews", "review_comments", "pr_comments"] as const
        : ["issues", "issue_comments"] as const;
      const truth = Object.fromEntries(
        truthTypes.map((t) => [
          t,
          REPOS.reduce((a, r) => a + expectedContent(sim, r, since, [type]).ids[t].length, 0),
        ]),
      );
      entry.truth = truth;
      entry.complete = truthTypes.every((t) => nested[t] === truth[t]);
      if (!entry.complete) {
        notes.push(
          `${type}: stored rows ${JSON.stringify(nested)} differ from the ground truth ${
            JSON.stringify(truth)
          }`,
        );
      }
      if (type === "pull_requests") {
        prsPerPointFigure = points > 0 ? round(rows.pull_requests / points, 1) : null;
      }
    }
    perType[type] = entry;
  }
  return {
    figures: { prs_per_point: prsPerPointFigure },
    detail: { repos: REPOS, window_days: 365, per_type: perType },
    notes,
  };
}
