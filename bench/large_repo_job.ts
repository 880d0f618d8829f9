// Scenario: a whole 365-day addon job (every data type) on a repository shaped like a large
// open-source project (LARGE_OSS_REPO: ≈15,000 PRs, 60,000 reviews, 150,000 comments, 5,000
// issues, 500 discussions, 20,000 commits, 50,000 stars, 5,000 forks). The worker runs in-process
// against an in-process simulator without rate limits, to completion. Figures: GitHub items stored
// per GraphQL point for the whole job, and the hours the job would take on one token at GitHub's
// real limits (5,000 points and 5,000 REST requests an hour, spent side by side).
import { createSimulator, LARGE_OSS_REPO } from "../dev/github-sim/mod.ts";
import { createJob, drain, setupWorkspace, workerDeps } from "../supabase/tests/e2e/engine_helpers.ts";
import { clearSimulatorRepos, round, type ScenarioResult, type Sql } from "./lib.ts";

const DATA_TYPES = ["repository", "pull_requests", "issues", "discussions", "commits", "stars", "forks"];
const POINTS_PER_HOUR = 5000;
const REST_PER_HOUR = 5000;

/** Every GitHub item the job stored, by kind (stars: the stargazers counted in star history). */
async function storedItems(sql: Sql, name: string): Promise<Record<string, number>> {
  const [c] = await sql`
    with r as (select id from public.repositories where lower(full_name) = ${name.toLowerCase()})
    select (select count(*) from public.pull_requests where repository_id in (select id from r))::int as pull_requests,
      (select count(*) from public.reviews where repository_id in (select id from r))::int as reviews,
      (select count(*) from public.review_comments where repository_id in (select id from r))::int as review_comments,
      (select count(*) from public.issue_comments where repository_id in (select id from r))::int as issue_and_pr_comments,
      (select count(*) from public.issues where repository_id in (select id from r))::int as issues,
      (select count(*) from public.discussions where repository_id in (select id from r))::int as discussions,
      (select count(*) from public.discussion_comments where repository_id in (select id from r))::int as discussion_comments,
      (select count(*) from public.commits where repository_id in (select id from r))::int as commits,
      (select count(*) from public.forks where repository_id in (select id from r))::int as forks,
      (select coalesce(sum(stars), 0) from public.star_history where repository_id in (select id from r))::int as stars`;
  return c;
}

export async function largeRepoJob(sql: Sql): Promise<ScenarioResult> {
  const sim = createSimulator({
    seed: 42,
    repos: [LARGE_OSS_REPO],
    limit: 1e9,
    restLimit: 1e9,
    pointsPerMinute: 1e9,
    restPointsPerMinute: 1e9,
  });
  const name = `${LARGE_OSS_REPO.owner}/${LARGE_OSS_REPO.name}`;
  await clearSimulatorRepos(sql, sim);
  const { workspaceId } = await setupWorkspace(sql, "bench-large-repo", [name]);
  const jobId = await createJob(sql, workspaceId, { windowDays: 365, dataTypes: DATA_TYPES });
  const started = performance.now();
  const reports = await drain(sql, jobId, () => workerDeps(sql, sim, { config: { concurrency: 1, timeBudgetMs: 60_000 } }), 40);
  const seconds = (performance.now() - started) / 1000;
  const [job] = await sql`select status, points_used::int as points_used, items_done::bigint as items_done
    from public.backfill_jobs where id = ${jobId}`;
  const c = sim.counters() as unknown as { pointsSpent: number; requests: { graphql: number; rest: number } };
  const items = await storedItems(sql, name);
  const total = Object.values(items).reduce((a, b) => a + b, 0);
  const points = c.pointsSpent;
  const hours = Math.max(points / POINTS_PER_HOUR, c.requests.rest / REST_PER_HOUR);
  const notes: string[] = [];
  if (job.status !== "completed") notes.push(`the job ended ${job.status}`);
  notes.push(
    `${total.toLocaleString("en")} items for ${points.toLocaleString("en")} points and ${
      c.requests.rest.toLocaleString("en")
    } REST requests: ${round(hours, 2)} h on one token at 5,000 points + 5,000 REST an hour (${round(seconds, 0)} s here, unlimited)`,
  );
  await sql`select public.cancel_backfill(${jobId})`.catch(() => {});
  return {
    figures: { large_repo_items_per_point: round(total / points, 1), large_repo_hours_one_token: round(hours, 2) },
    detail: {
      repo: LARGE_OSS_REPO,
      data_types: DATA_TYPES,
      job_status: job.status,
      items_stored: items,
      items_total: total,
      job_items_done: Number(job.items_done),
      graphql_points: points,
      graphql_requests: c.requests.graphql,
      rest_requests: c.requests.rest,
      hours_on_one_token: {
        graphql: round(points / POINTS_PER_HOUR, 2),
        rest: round(c.requests.rest / REST_PER_HOUR, 2),
        figure: "the larger of the two: the budgets are separate and spent side by side",
      },
      run_seconds: round(seconds, 1),
      worker_passes: reports.length,
      chunks: reports.reduce((a, r) => a + r.chunksCommitted, 0),
    },
    notes,
  };
}
