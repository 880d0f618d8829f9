// Scenario: many tenants sharing a token pool, in compressed time. 1,000 workspaces track 25
// repositories each: 20 of their own and 5 of 500 popular ones (20,000 repositories, 25,000
// tracked pairs); every workspace starts a job (repository + pull requests, 30 days) at once.
// The simulator's budget window is scaled down (LIMIT points per WINDOW_SECONDS per token), so
// the run is bound by the tokens, as a real one is by 5,000 points an hour. Phases of
// PHASE_SECONDS with 1, 2, 4 and 8 fresh tokens; in each, PASSES in-process worker passes run at
// once, registered as invocations and sized by engine.worker_slots(), as deployed passes are.
// Measured per phase: GraphQL points per second (the throughput), tasks finished, database
// commits per second and connections in use; queue depth over time; at the end, the share of
// tasks each workspace was given (fairness).
import { createSimulator, type RepoSpec } from "../dev/github-sim/mod.ts";
import { createGithubClient } from "../supabase/functions/_shared/github/graphql.ts";
import { createRestClient } from "../supabase/functions/_shared/github/rest.ts";
import { sqlBudget } from "../supabase/functions/_shared/engine/budget.ts";
import { runWorker } from "../supabase/functions/_shared/engine/worker.ts";
import { resetEngineState } from "../supabase/tests/e2e/_env.ts";
import { type BenchEnv, connectDb, round, type ScenarioResult, sleep, type Sql } from "./lib.ts";

const WORKSPACES = 1000;
const OWN_REPOS = 20;
const POPULAR = 500;
const SHARED_PER_WORKSPACE = 5;
const LIMIT = 60;
const WINDOW_SECONDS = 10;
const PHASE_SECONDS = Number(Deno.env.get("BENCH_SCALE_PHASE_SECONDS") ?? "20");
const TOKEN_STEPS = [1, 2, 4, 8];
const PASSES = 4;
const POOL = 10;

const repoName = (i: number) => ({ owner: `scale-o${Math.floor(i / OWN_REPOS)}`, name: `r${i}` });
const REPOS: RepoSpec[] = Array.from({ length: WORKSPACES * OWN_REPOS }, (_, i) => ({
  ...repoName(i),
  prs: 3,
  issues: 0,
  discussions: 0,
  commits: 0,
  forks: 0,
  starsPerDay: 0,
  days: 30,
}));

async function setUp(sql: Sql): Promise<void> {
  await sql`update engine.worker_settings set automatic_invocations = false, reason = 'bench scale drives the worker in-process'`;
  await resetEngineState(sql);
  await sql`delete from public.workspaces where slug like 'bench-scale-%'`;
  await sql`delete from engine.github_tokens where label like 'bench-scale-%'`;
  // Their Vault secrets too: a run on a reused stack creates them again under the same names.
  await sql`delete from vault.secrets where name like 'bench-scale-%'`;
  await sql`
    insert into public.tracked_repositories (owner, name)
    select 'scale-o' || (i / ${OWN_REPOS}), 'r' || i from generate_series(0, ${REPOS.length - 1}) i`;
  await sql`
    insert into public.workspaces (slug, name, tier)
    select 'bench-scale-' || w, 'Scale ' || w, 'pro' from generate_series(0, ${WORKSPACES - 1}) w`;
  // Own repositories, then SHARED_PER_WORKSPACE of the popular ones (spread so each is shared).
  await sql`
    insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
    select ws.id, tr.id
    from (select w, w * ${OWN_REPOS} + k as r from generate_series(0, ${WORKSPACES - 1}) w, generate_series(0, ${OWN_REPOS - 1}) k
          union
          select w, (w * 7 + k * 101) % ${POPULAR} from generate_series(0, ${WORKSPACES - 1}) w,
            generate_series(0, ${SHARED_PER_WORKSPACE - 1}) k) p
    join public.workspaces ws on ws.slug = 'bench-scale-' || p.w
    join public.tracked_repositories tr on lower(tr.full_name) = 'scale-o' || (p.r / ${OWN_REPOS}) || '/r' || p.r
    on conflict do nothing`;
  // Fresh statistics, or the fan-out plans as for empty tables (minutes instead of seconds).
  await sql`analyze public.tracked_repositories, public.workspace_tracked_repositories, public.workspaces`;
  // One job per workspace, inserted together: the fan-out sends one message per tracked pair.
  await sql`
    insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
    select id, 'manual', 30, array['repository', 'pull_requests'] from public.workspaces
    where slug like 'bench-scale-%' order by slug`;
}

/** k fresh pool tokens (Vault secrets, one account each), their windows pre-seeded with LIMIT. */
async function addTokens(sql: Sql, phase: number, k: number): Promise<string[]> {
  await sql`update engine.github_tokens set enabled = false where label like 'bench-scale-%'`;
  const values: string[] = [];
  for (let i = 0; i < k; i++) {
    const value = `scale-token-${phase}-${i}`;
    const [{ id }] = await sql`
      insert into engine.github_tokens (label, vault_secret_id, account)
      values (${`bench-scale-${phase}-${i}`}, vault.create_secret(${value}, ${`bench-scale-${phase}-${i}`}), ${`bench-scale-${phase}-${i}`})
      returning id`;
    await sql`insert into engine.rate_limit_budgets (token_id, resource, limit_points, remaining)
      values (${id}, 'graphql', ${LIMIT}, ${LIMIT})`;
    values.push(value);
  }
  return values;
}

interface Sample {
  t: number;
  queued: number;
  visible: number;
  connections: number;
}

async function sample(sql: Sql, t0: number): Promise<Sample> {
  const [s] = await sql`
    select (select count(*) from pgmq.q_backfill_recent)::int + (select count(*) from pgmq.q_backfill_bulk)::int as queued,
      (select count(*) from pgmq.q_backfill_recent where vt <= now())::int
        + (select count(*) from pgmq.q_backfill_bulk where vt <= now())::int as visible,
      (select count(*) from pg_stat_activity where datname = current_database() and backend_type = 'client backend')::int as connections`;
  return { t: round((Date.now() - t0) / 1000, 1), ...s } as Sample;
}

async function commits(sql: Sql): Promise<number> {
  const [{ n }] = await sql`select xact_commit::bigint as n from pg_stat_database where datname = current_database()`;
  return Number(n);
}

async function tasksDone(sql: Sql): Promise<number> {
  const [{ n }] = await sql`select count(*)::int as n from public.backfill_tasks where status in ('completed', 'failed')`;
  return n;
}

/** PASSES passes at once until the phase ends, each registered and sized like a deployed one. */
async function runPhase(workerSql: Sql, sim: ReturnType<typeof createSimulator>, stopAt: number): Promise<{ passes: number; errors: string[] }> {
  let passes = 0;
  const errors: string[] = [];
  const budgetOf = (resource: "graphql" | "core") => sqlBudget(workerSql, { reserve: 0, resource });
  const loop = async () => {
    while (Date.now() < stopAt - 500) {
      const [{ id }] = await workerSql`select engine.start_worker_invocation() as id`;
      const [{ slots }] = await workerSql`select engine.worker_slots() as slots`;
      const r = await runWorker({
        sql: workerSql,
        github: (token) => createGithubClient({ baseUrl: "http://sim.test", token, fetch: sim.fetch as typeof fetch }),
        rest: (token) => createRestClient({ baseUrl: "http://sim.test", token, fetch: sim.fetch as typeof fetch }),
        budget: budgetOf("graphql"),
        restBudget: budgetOf("core"),
        invocationId: id,
        config: {
          concurrency: slots,
          timeBudgetMs: Math.max(1000, stopAt - Date.now()),
          retryDelaySeconds: 0,
          budgetReserve: 0,
          cpuBudgetMs: 1e9, // the simulator shares this process: passes end by time here
        },
      }).catch((e) => {
        errors.push((e as Error).message);
        return null;
      });
      await workerSql`select engine.end_worker_invocation(${id}, ${workerSql.json((r ?? {}) as never)})`;
      passes++;
      if (!r || r.tasksClaimed === 0 || r.stoppedBy === "budget") await sleep(200);
    }
  };
  await Promise.all(Array.from({ length: PASSES }, loop));
  return { passes, errors };
}

/** Jain's index of the tasks each workspace was given: 1 when all got the same. */
async function fairness(sql: Sql): Promise<{ jain: number; min: number; max: number; workspaces_served: number }> {
  const rows = await sql<{ n: number }[]>`
    select count(t.id) filter (where t.started_at is not null)::int as n
    from public.workspaces w left join public.backfill_tasks t on t.workspace_id = w.id
    where w.slug like 'bench-scale-%' group by w.id`;
  const xs = rows.map((r) => r.n);
  const sum = xs.reduce((a, b) => a + b, 0);
  const sq = xs.reduce((a, b) => a + b * b, 0);
  return {
    jain: sq > 0 ? round((sum * sum) / (xs.length * sq), 3) : 0,
    min: Math.min(...xs),
    max: Math.max(...xs),
    workspaces_served: xs.filter((x) => x > 0).length,
  };
}

export async function scale(sql: Sql, env: BenchEnv): Promise<ScenarioResult> {
  const setupStarted = performance.now();
  const sim = createSimulator({ seed: 42, repos: REPOS, limit: LIMIT, windowSeconds: WINDOW_SECONDS, restLimit: 1e9 });
  await setUp(sql);
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const [{ tasks }] = await sql`select count(*)::int as tasks from public.backfill_tasks`;
  const workerSql = connectDb(env.DB_URL, POOL);
  const t0 = Date.now();
  const samples: Sample[] = [];
  const sampler = setInterval(() => void sample(sql, t0).then((s) => samples.push(s)).catch(() => {}), 2000);
  const phases: Record<string, unknown>[] = [];
  const notes: string[] = [];
  try {
    for (const [phase, k] of TOKEN_STEPS.entries()) {
      await addTokens(sql, phase, k);
      const points0 = sim.counters().pointsSpent, commits0 = await commits(sql), done0 = await tasksDone(sql);
      const started = Date.now();
      let maxConnections = 0;
      const connWatch = setInterval(() => void sample(sql, t0).then((s) => maxConnections = Math.max(maxConnections, s.connections)).catch(() => {}), 500);
      const run = await runPhase(workerSql, sim, started + PHASE_SECONDS * 1000);
      clearInterval(connWatch);
      const seconds = (Date.now() - started) / 1000;
      const points = sim.counters().pointsSpent - points0;
      phases.push({
        tokens: k,
        seconds: round(seconds, 1),
        points,
        points_per_second: round(points / seconds, 2),
        ideal_points_per_second: round((k * LIMIT) / WINDOW_SECONDS, 2),
        tasks_finished: (await tasksDone(sql)) - done0,
        db_commits_per_second: Math.round(((await commits(sql)) - commits0) / seconds),
        max_connections: maxConnections,
        worker_passes: run.passes,
      });
      if (run.errors.length) notes.push(`${k} token(s): ${run.errors.length} pass(es) threw: ${[...new Set(run.errors)].slice(0, 3).join("; ")}`);
    }
  } finally {
    clearInterval(sampler);
    await workerSql.end({ timeout: 5 });
  }
  const fair = await fairness(sql);
  const c = sim.counters();
  const first = phases[0].points_per_second as number;
  const last = phases[phases.length - 1];
  const linearity = first > 0 ? (last.points_per_second as number) / ((last.tokens as number) * first) : 0;
  // Leave nothing queued for later scenarios, and the pool as it was.
  await sql`update public.backfill_tasks set status = 'cancelled' where status in ('pending', 'running')`;
  await sql`select pgmq.purge_queue(q) from unnest(array['backfill_recent', 'backfill_bulk']) q`;
  await sql`delete from engine.github_tokens where label like 'bench-scale-%'`;
  // Their Vault secrets too: a run on a reused stack creates them again under the same names.
  await sql`delete from vault.secrets where name like 'bench-scale-%'`;
  await sql`delete from public.workspaces where slug like 'bench-scale-%'`;
  notes.push(
    `points/s by tokens: ${phases.map((p) => `${p.tokens}: ${p.points_per_second} (ideal ${p.ideal_points_per_second})`).join(", ")}; ` +
      `fairness (Jain) ${fair.jain}, tasks per workspace ${fair.min}–${fair.max}`,
  );
  return {
    figures: { scale_linearity: round(linearity, 2), scale_fairness: fair.jain },
    detail: {
      workspaces: WORKSPACES,
      repositories: REPOS.length,
      tracked_pairs: tasks,
      popular_shared: POPULAR,
      compressed_limit: `${LIMIT} points per ${WINDOW_SECONDS} s per token`,
      passes_at_once: PASSES,
      worker_pool_connections: POOL,
      setup_seconds: round(setupSeconds, 1),
      phases,
      linearity: "points/s with the most tokens ÷ (tokens × points/s with one token)",
      fairness: { ...fair, figure: "Jain's index of tasks started per workspace (1 = equal shares)" },
      queue_depth: samples,
      violations: c.violations,
    },
    notes,
  };
}
