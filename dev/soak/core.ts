// The soak core, shared by `npm run soak` (dev/soak.ts) and the short soak in `npm test`
// (supabase/tests/e2e/soak_short.test.ts): a mixed workload on a running stack, drained by
// several in-process workers that are killed at random, against an in-process simulator with
// faults and a small, fast-resetting budget; then the end state is verified (verify.ts).
//
// Why in-process workers (and the deployed worker paused): a kill at a chunk boundary needs the
// worker's beforeCommit hook, and aborting a pass mid-flight needs its connection pool in hand;
// neither exists on the deployed path. The clients' side stays real: the addon purchase goes
// through the polar-webhook function over HTTP, the other entry points are the public and
// private SQL functions pg_cron and supabase-js call, and the workers run the worker module
// the edge function runs, against the same database.
import { mulberry32 } from "../github-sim/prng.ts";
import { createSimulator, type Simulator } from "../github-sim/mod.ts";
import { createGithubClient } from "../../supabase/functions/_shared/github/graphql.ts";
import { createSql, type Sql } from "../../supabase/functions/_shared/db.ts";
import {
  cancelOne,
  createWorkspace,
  enqueueScheduled,
  EXPECTED_NOT_FOUND,
  forgetSoakData,
  planWorkspaces,
  purchaseAddon,
  soakRepos,
  type SoakWorkspace,
  startManual,
} from "./workload.ts";
import { startWorkerPool, type WorkerStats } from "./workers.ts";
import { type Verification, verify } from "./verify.ts";

export interface SoakOptions {
  dbUrl: string;
  functionsUrl: string;
  seed: number;
  /** The whole run, drain included, aims to end within this. */
  durationMs: number;
  scale: "full" | "short";
  workers?: number;
  /** Delete the run's workspaces, repositories and stored rows afterwards (shared databases). */
  cleanUp?: boolean;
  log?: (s: string) => void;
}

export interface SoakResult {
  ok: boolean;
  seed: number;
  elapsedMs: number;
  actions: Record<string, number>;
  jobIds: string[];
  workers: WorkerStats;
  counters: ReturnType<Simulator["counters"]>;
  verification: Verification;
}

/** The simulator's faults and limits during the run (the brief of issue 7, item 4). */
export const FAULTS = {
  p502: 0.025,
  p504: 0.025,
  pSecondary: 0.02,
  pHang: 0.01,
  maxHangMs: 400,
  secondaryRetryAfterSeconds: 1,
};
export const LIMITS = { limit: 300, restLimit: 200, windowSeconds: 15 };
const TOKEN = "soak-token";
const TOKEN_LABEL = "env:soak";
const RESERVE = 20;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** GitHub ids of the dataset's repositories and items (all time), for forgetting leftovers. */
async function datasetIds(sim: Simulator, repos: string[]) {
  const gh = createGithubClient({
    baseUrl: "http://sim.test",
    token: "soak-setup",
    fetch: sim.fetch as typeof fetch,
  });
  const repoIds: number[] = [];
  const nodeIds: string[] = [];
  const content: Record<string, (number | string)[]> = {
    "public.pull_requests": [],
    "public.reviews": [],
    "public.review_comments": [],
    "public.issue_comments": [],
    "public.issues": [],
    "public.discussions": [],
    "public.discussion_comments": [],
    "public.commits": [],
    "public.forks": [],
  };
  const tableOf: Record<string, string> = {
    pull_requests: "public.pull_requests",
    reviews: "public.reviews",
    review_comments: "public.review_comments",
    pr_comments: "public.issue_comments",
    issue_comments: "public.issue_comments",
    issues: "public.issues",
    discussions: "public.discussions",
    discussion_comments: "public.discussion_comments",
    commits: "public.commits",
    forks: "public.forks",
  };
  for (const full of repos) {
    const [owner, name] = full.split("/");
    const r = await gh.query<{ repository: { databaseId: number; id: string } }>(
      "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { databaseId id } }",
      { owner, name },
      5000,
    );
    repoIds.push(r.repository.databaseId);
    nodeIds.push(r.repository.id);
    for (const [type, table] of Object.entries(tableOf)) {
      for (const i of sim.truth({ repo: full, type: type as never }).items) {
        if (i.id) nodeIds.push(i.id);
        content[table].push(type === "commits" ? i.oid! : i.databaseId!);
      }
    }
  }
  return { repoIds, nodeIds, content };
}

/** The two workspaces whose repositories together cover the fewest: the addon's 365 days then
 * leave other repositories to narrower windows (initial, manual, scheduled), so exactness is
 * checked at windows of every width, not only at 365 days. */
function narrowestPair(workspaces: SoakWorkspace[]): SoakWorkspace[] {
  let best: SoakWorkspace[] = workspaces.slice(0, 2);
  let size = Infinity;
  for (let i = 0; i < workspaces.length; i++) {
    for (let j = i + 1; j < workspaces.length; j++) {
      const n = new Set([...workspaces[i].repos, ...workspaces[j].repos]).size;
      if (n < size) [best, size] = [[workspaces[i], workspaces[j]], n];
    }
  }
  return best;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const t = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
  const random = mulberry32(o.seed);
  const specs = soakRepos(o.scale);
  const allRepos = specs.map((s) => `${s.owner}/${s.name}`.toLowerCase());
  const existing = allRepos.filter((r) => !EXPECTED_NOT_FOUND.includes(r));
  const sim = createSimulator({ seed: o.seed, repos: specs });
  const sql: Sql = createSql(o.dbUrl, { max: 4 });
  const [{ automatic_invocations: wasOn }] =
    await sql`select automatic_invocations from engine.worker_settings`;
  const jobIds: string[] = [];
  const actions: Record<string, number> = {
    initial: 0,
    addon: 0,
    manual: 0,
    scheduled: 0,
    cancel: 0,
  };
  const actionProblems: string[] = [];
  let pool: ReturnType<typeof startWorkerPool> | null = null;
  let ids: Awaited<ReturnType<typeof datasetIds>> | null = null;
  try {
    ids = await datasetIds(sim, existing);
    // Faults and the small budget from here on; the setup query above is not part of the run.
    sim.configure({ ...FAULTS, ...LIMITS, faultSeed: o.seed });
    sim.reset();

    await sql`update engine.worker_settings set automatic_invocations = false,
      reason = 'npm run soak drives the worker in-process', updated_at = now()`;
    await forgetSoakData(sql, ids);
    await sql`delete from engine.github_tokens where label = ${TOKEN_LABEL}`;
    const [{ id: tokenId }] =
      await sql`select engine.ensure_env_github_token(${TOKEN_LABEL}) as id`;
    await sql`insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining)
      values (${tokenId}, 'graphql', ${LIMITS.limit}, ${LIMITS.limit}), (${tokenId}, 'core', ${LIMITS.restLimit}, ${LIMITS.restLimit})`;

    const workspaces: SoakWorkspace[] = [];
    for (const plan of planWorkspaces(random, allRepos)) {
      const { ws, jobId } = await createWorkspace(sql, plan);
      workspaces.push(ws);
      jobIds.push(jobId);
      actions.initial++;
      log(`${t()}  ${ws.slug} (${ws.tier}) bulk-adds ${ws.repos.join(", ")} → initial job`);
    }
    const mine = workspaces.map((w) => w.id);

    pool = startWorkerPool({
      dbUrl: o.dbUrl,
      sim,
      random: mulberry32(o.seed + 1),
      workers: o.workers ?? 4,
      token: TOKEN,
      tokenLabel: TOKEN_LABEL,
      budgetReserve: RESERVE,
      pCrash: 0.03,
      pAbort: 0.25,
      log,
      config: {
        concurrency: 3,
        pageSize: 20,
        minPageSize: 3,
        requestTimeoutMs: 2_000,
        retryDelaySeconds: 1,
        visibilityTimeoutSeconds: 8,
        budgetReserve: RESERVE,
      },
    });

    // Client actions during the first part of the run; the rest is left for draining.
    const actionsEnd = started + o.durationMs - Math.min(30_000, o.durationMs * 0.3);
    const addonAt = [0.1, 0.45].map((f) => started + f * (actionsEnd - started));
    const addonTargets = narrowestPair(workspaces);
    while (Date.now() < actionsEnd) {
      await sleep(800 + random() * 1700);
      const ws = workspaces[Math.floor(random() * workspaces.length)];
      const dice = random();
      try {
        if (addonAt.length > 0 && Date.now() >= addonAt[0]) {
          addonAt.shift();
          const target = addonTargets.shift()!;
          const id = await purchaseAddon(sql, o.functionsUrl, target, new Set(jobIds));
          jobIds.push(id);
          actions.addon++;
          log(
            `${t()}  ${target.slug}: signed Polar purchase of the addon → polar-webhook → addon job (365 days, all types)`,
          );
        } else if (dice < 0.55) {
          jobIds.push(await startManual(sql, ws, random));
          actions.manual++;
          log(`${t()}  ${ws.slug}: start_manual_backfill → manual job`);
        } else if (dice < 0.85) {
          const made = await enqueueScheduled(sql, ws, mine);
          jobIds.push(...made);
          actions.scheduled += made.length;
          log(`${t()}  ${ws.slug}: due → enqueue_due_syncs → ${made.length} scheduled job(s)`);
        } else {
          const id = await cancelOne(sql, jobIds, random);
          if (id) {
            actions.cancel++;
            log(`${t()}  cancel_backfill(${id.slice(0, 8)})`);
          }
        }
      } catch (e) {
        actionProblems.push(`a client action failed: ${(e as Error).message}`);
        log(`${t()}  ✗ ${(e as Error).message}`);
      }
    }

    // Drain: until every job of the run is terminal (or well past the planned duration).
    const hardEnd = started + o.durationMs + 90_000;
    let lastReport = 0;
    while (Date.now() < hardEnd) {
      const [{ open }] = await sql`select count(*)::int as open from public.backfill_jobs
        where id = any(${jobIds}::uuid[]) and status in ('pending', 'running')`;
      if (open === 0) break;
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        const s = pool.stats;
        log(
          `${t()}  draining: ${open} of ${jobIds.length} jobs open · ${s.passes} passes, ${s.crashes} crashes, ${s.aborts} aborts, ` +
            `${s.report.chunksCommitted} chunks, ${sim.counters().requests.total} requests`,
        );
      }
      await sleep(500);
    }
    const workerStats = pool.stats;
    await pool.stop();
    pool = null;
    log(`${t()}  workers stopped; verifying`);

    const verification = await verify(sql, sim, jobIds, allRepos, EXPECTED_NOT_FOUND);
    verification.problems.unshift(
      ...actionProblems,
      ...workerStats.unexpectedErrors.map((e) =>
        `a worker pass died of something else than an injected kill: ${e}`
      ),
    );
    return {
      ok: verification.problems.length === 0,
      seed: o.seed,
      elapsedMs: Date.now() - started,
      actions,
      jobIds,
      workers: workerStats,
      counters: sim.counters(),
      verification,
    };
  } finally {
    if (pool) await pool.stop().catch(() => {});
    if (o.cleanUp && ids) {
      await forgetSoakData(sql, ids).catch((e) => log(`cleaning up the soak's rows failed: ${e}`));
      await sql`delete from engine.github_tokens where label = ${TOKEN_LABEL}`.catch(() => {});
    }
    await sql`update engine.worker_settings set automatic_invocations = ${wasOn}, reason = null, updated_at = now()`
      .catch(() => {});
    await sql.end({ timeout: 5 });
  }
}
