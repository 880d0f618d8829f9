// Scenario 3: the initial backfill of 20 repositories × 200 PRs with 200 ms simulated latency,
// on the real deployed path: the stack's simulator gets 20 repositories (4 owners × 5, 240 PRs
// each, all inside the window) and latencyMs 200; a workspace owner calls
// public.bulk_add_repositories, whose initial job (repository + the last 200 PRs, fully
// hydrated) fans out to pgmq and kicks the deployed backfill-worker function with its default
// settings. Seconds from the RPC call until the job is terminal.
import { DEFAULT_REPOS, type RepoSpec } from "../dev/github-sim/mod.ts";
import { TERMINAL_JOB_STATUSES } from "../dev/demo_job.ts";
import {
  asUser,
  type BenchEnv,
  ensureUser,
  round,
  type ScenarioResult,
  configureStackSimulator,
  simControl,
  simCounters,
  type Sql,
  until,
} from "./lib.ts";

const OWNERS = ["bench-alpha", "bench-beta", "bench-gamma", "bench-delta"];
const PRS_PER_REPO = 240;
const LATENCY_MS = 200;

export const INITIAL_REPOS: RepoSpec[] = OWNERS.flatMap((owner) =>
  [1, 2, 3, 4, 5].map((i) => ({
    owner,
    name: `service-${i}`,
    prs: PRS_PER_REPO,
    days: 60,
    issues: 10,
    discussions: 0,
    commits: 20,
    forks: 2,
  }))
);

export async function initialBackfill(sql: Sql, env: BenchEnv): Promise<ScenarioResult> {
  const names = INITIAL_REPOS.map((r) => `${r.owner}/${r.name}`);
  await configureStackSimulator(sql, env.GITHUB_API_URL, {
    repos: [...DEFAULT_REPOS, ...INITIAL_REPOS],
    latencyMs: LATENCY_MS,
    jitterMs: 0,
  });
  await simControl(env.GITHUB_API_URL, "reset");
  try {
    const slug = "bench-initial-20x200";
    await sql`update engine.worker_settings set automatic_invocations = true, reason = null, updated_at = now()`;
    await sql`delete from public.workspaces where slug = ${slug}`;
    await sql`delete from public.repositories where lower(full_name) = any(${
      names.map((n) => n.toLowerCase())
    })`;
    const ownerId = await ensureUser(sql, "bench-owner@example.test");
    const [ws] =
      await sql`insert into public.workspaces (slug, name, tier) values (${slug}, 'Bench initial', 'pro') returning id, retention_days`;
    await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${ws.id}, ${ownerId}, 'owner')`;

    const t0 = performance.now();
    const added = await asUser(sql, ownerId, async (tx) => {
      const [r] = await tx`select public.bulk_add_repositories(${ws.id}, ${names}, true) as r`;
      return r.r as { added: number; job_id?: string };
    });
    const job = await until(
      "the initial job to finish",
      async () => {
        const [j] =
          await sql`select id, status, created_at, finished_at, points_used::int as points_used, window_days,
          max_prs_per_repo, data_types from public.backfill_jobs where workspace_id = ${ws.id} and kind = 'initial'
        order by created_at desc limit 1`;
        return j && TERMINAL_JOB_STATUSES.includes(j.status) ? j : null;
      },
      240_000,
      100,
    );
    const seconds = (performance.now() - t0) / 1000;
    const [{ prs }] =
      await sql`select count(*)::int as prs from public.pull_requests p join public.repositories r on r.id = p.repository_id
      where lower(r.full_name) = any(${names.map((n) => n.toLowerCase())})`;
    const [chunks] = await sql`
      select count(*)::int as tasks, count(*) filter (where t.status = 'completed')::int as completed
      from public.backfill_tasks t where t.job_id = ${job.id}`;
    const counters = await simCounters(env.GITHUB_API_URL) as unknown as {
      requests: { graphql: number; rest: number };
      pointsSpent: number;
    };
    const notes: string[] = [];
    if (job.status !== "completed") notes.push(`the initial job ended ${job.status}`);
    if (prs !== names.length * 200) {
      notes.push(`${prs} pull requests stored, expected ${names.length * 200}`);
    }
    return {
      figures: { initial_20x200_seconds: round(seconds, 1) },
      detail: {
        path:
          "bulk_add_repositories (as the owner) → initial job → pgmq → kicked backfill-worker (deployed, default config)",
        repositories: names.length,
        prs_per_repo_in_simulator: PRS_PER_REPO,
        latency_ms: LATENCY_MS,
        added: added.added,
        job_status: job.status,
        data_types: job.data_types,
        max_prs_per_repo: job.max_prs_per_repo,
        window_days: job.window_days,
        prs_stored: prs,
        tasks: chunks,
        job_seconds_db: round((job.finished_at.getTime() - job.created_at.getTime()) / 1000, 1),
        graphql_requests: counters.requests.graphql,
        rest_requests: counters.requests.rest,
        points: counters.pointsSpent,
      },
      notes,
    };
  } finally {
    await configureStackSimulator(sql, env.GITHUB_API_URL, { repos: DEFAULT_REPOS, latencyMs: 0 });
  }
}
