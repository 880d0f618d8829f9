// Scenario 7: p95 of the metrics RPCs at 50 repositories × 365 days. Seeds (generate_series)
// 50 repositories of one workspace with 365 days of star_history, forks (3 a day), commits
// (8 a day) and pull requests (2 a day) from a pool of 200 authors, and lets
// private.refresh_daily_activity_metrics derive what the RPCs read (daily_activity_metrics and
// the contributor rollups), as pg_cron does after a backfill; then calls public.get_star_fork_velocity
// and public.get_workspace_activity as a member (role authenticated + request.jwt.claims on one
// dedicated connection), periods 30 and 365, SAMPLES times each (SLOW_SAMPLES for the uncached
// activity) after a warm-up. The workspace metrics cache is emptied before each activity call,
// so it computes (its slow path); the cached path and the same calls as service_role (RLS
// bypassed) are measured too, as detail. Figure: the highest p95 of the member's uncached calls.
import { ensureUser, percentile, round, type ScenarioResult, type Sql } from "./lib.ts";

const REPOS = 50;
const DAYS = 365;
const SAMPLES = 100;
const SLOW_SAMPLES = 50; // uncached get_workspace_activity (was ~150 ms a call; ~5 ms since the rollups)
const REPO_BASE = 9_400_000_000;
const CONTRIBUTOR_BASE = 9_410_000_000;

async function seed(sql: Sql, workspaceId: string): Promise<number> {
  const lo = REPO_BASE + 1, hi = REPO_BASE + REPOS;
  await sql`insert into public.contributors (id, node_id, login)
    select ${CONTRIBUTOR_BASE}::bigint + i, 'U_benchmetrics' || i, 'bench-metrics-user-' || i from generate_series(1, 200) i
    on conflict (id) do nothing`;
  await sql`insert into public.repositories (id, node_id, owner, name, full_name)
    select ${REPO_BASE}::bigint + r, 'R_benchmetrics' || r, 'bench-metrics', 'repo-' || r, 'bench-metrics/repo-' || r
    from generate_series(1, ${REPOS}) r`;
  await sql`insert into public.tracked_repositories (owner, name, repository_id, status)
    select 'bench-metrics', 'repo-' || r, ${REPO_BASE}::bigint + r, 'active' from generate_series(1, ${REPOS}) r
    on conflict ((lower(full_name))) do update set repository_id = excluded.repository_id, status = 'active'`;
  await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, data_retention_days)
    select ${workspaceId}, t.id, 365 from public.tracked_repositories t where t.owner = 'bench-metrics'`;
  await sql`insert into public.star_history (repository_id, day, stars)
    select ${REPO_BASE}::bigint + r, current_date - d, (r + d) % 9 from generate_series(1, ${REPOS}) r, generate_series(0, ${
    DAYS - 1
  }) d`;
  await sql`insert into public.forks (id, repository_id, full_name, owner_login, created_at)
    select ${REPO_BASE}::bigint * 10 + (r * 10000 + d * 10 + k), ${REPO_BASE}::bigint + r, 'forker-' || k || '/repo-' || r || '-' || d, 'forker-' || k,
           (current_date - d)::timestamptz + make_interval(hours => k * 5)
    from generate_series(1, ${REPOS}) r, generate_series(0, ${
    DAYS - 1
  }) d, generate_series(1, 3) k`;
  await sql`insert into public.commits (repository_id, sha, author_id, committed_at, additions, deletions, changed_files)
    select ${REPO_BASE}::bigint + r, lpad(to_hex(r * 100000 + d * 10 + k), 40, '0'), ${CONTRIBUTOR_BASE}::bigint + 1 + (r * 7 + d + k) % 200,
           (current_date - d)::timestamptz + make_interval(hours => k * 2), 50, 12, 3
    from generate_series(1, ${REPOS}) r, generate_series(0, ${
    DAYS - 1
  }) d, generate_series(1, 8) k`;
  await sql`insert into public.pull_requests (id, node_id, repository_id, number, title, state, author_id, created_at)
    select ${REPO_BASE}::bigint * 10 + (r * 10000 + d * 10 + k), 'PR_benchmetrics' || r || '_' || d || '_' || k, ${REPO_BASE}::bigint + r,
           d * 10 + k, 'bench', 'MERGED', ${CONTRIBUTOR_BASE}::bigint + 1 + (r + d * 3 + k) % 200,
           (current_date - d)::timestamptz + make_interval(hours => k * 7)
    from generate_series(1, ${REPOS}) r, generate_series(0, ${
    DAYS - 1
  }) d, generate_series(1, 2) k`;
  // The rollups the RPCs read come from the content, through the refresh pg_cron runs. A cron run
  // may hold some of these days meanwhile (skip locked): wait until none is left.
  const refreshStarted = performance.now();
  for (;;) {
    await sql`select private.refresh_daily_activity_metrics(20000)`;
    const [{ n }] = await sql`select count(*)::int as n from private.daily_activity_dirty_days
      where repository_id between ${lo} and ${hi}`;
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const refreshSeconds = (performance.now() - refreshStarted) / 1000;
  await sql`analyze public.daily_activity_metrics, public.star_history, public.forks, public.commits, public.pull_requests,
    private.daily_contributors, private.repository_contributors`;
  return refreshSeconds;
}

async function cleanup(sql: Sql): Promise<void> {
  await sql`delete from public.workspaces where slug = 'bench-metrics'`;
  await sql`delete from public.tracked_repositories where owner = 'bench-metrics'`;
  await sql`delete from public.repositories where id between ${REPO_BASE + 1} and ${
    REPO_BASE + REPOS
  }`;
  await sql`delete from private.daily_activity_dirty_days where repository_id between ${
    REPO_BASE + 1
  } and ${REPO_BASE + REPOS}`;
}

export async function metricsP95(sql: Sql): Promise<ScenarioResult> {
  await cleanup(sql);
  const userId = await ensureUser(sql, "bench-metrics-member@example.test");
  const [ws] =
    // 365 days of retention (the Extended Data Retention addon): the 365-day periods are readable.
    await sql`insert into public.workspaces (slug, name, tier, retention_days) values ('bench-metrics', 'Bench metrics', 'team', 365) returning id`;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${ws.id}, ${userId}, 'member')`;
  const seedStarted = performance.now();
  const refreshSeconds = await seed(sql, ws.id);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const member = await sql.reserve();
  const service = await sql.reserve();
  const timings: Record<string, { p50: number; p95: number; max: number }> = {};
  try {
    await member`select set_config('request.jwt.claims', ${
      JSON.stringify({ sub: userId, role: "authenticated" })
    }, false)`;
    await member`set role authenticated`;
    await service`select set_config('request.jwt.claims', ${
      JSON.stringify({ role: "service_role" })
    }, false)`;
    await service`set role service_role`;
    const time = async (name: string, call: () => Promise<unknown>, emptyCache = false) => {
      const xs: number[] = [];
      const samples = emptyCache ? SLOW_SAMPLES : SAMPLES;
      for (let i = 0; i < 10 + samples; i++) {
        if (emptyCache) {
          await sql`delete from public.workspace_metrics_cache where workspace_id = ${ws.id}`;
        }
        const t0 = performance.now();
        await call();
        if (i >= 10) xs.push(performance.now() - t0);
      }
      timings[name] = {
        p50: round(percentile(xs, 50), 2),
        p95: round(percentile(xs, 95), 2),
        max: round(Math.max(...xs), 2),
      };
    };
    for (const period of [30, 365]) {
      await time(
        `get_star_fork_velocity(${period})`,
        () => member`select * from public.get_star_fork_velocity(${ws.id}, ${period})`,
      );
      await time(
        `get_workspace_activity(${period})`,
        () => member`select public.get_workspace_activity(${ws.id}, ${period})`,
        true,
      );
    }
    // The same calls without RLS (service_role bypasses it): how much of the time the policies cost.
    for (const period of [365]) {
      await time(
        `get_star_fork_velocity(${period}) service_role`,
        () => service`select * from public.get_star_fork_velocity(${ws.id}, ${period})`,
      );
      await time(
        `get_workspace_activity(${period}) service_role`,
        () => service`select public.get_workspace_activity(${ws.id}, ${period})`,
        true,
      );
    }
    // The cached path: what members get between hourly refreshes.
    await sql`select private.refresh_workspace_metrics_cache(${ws.id})`;
    const cached: Record<string, unknown> = {};
    for (const period of [30, 365]) {
      await time(
        `get_workspace_activity(${period}) cached`,
        () => member`select public.get_workspace_activity(${ws.id}, ${period})`,
      );
      cached[period] = timings[`get_workspace_activity(${period}) cached`];
    }
    // Sanity: the member sees the seeded numbers.
    const [v] =
      await member`select current_total from public.get_star_fork_velocity(${ws.id}, 365) where metric = 'forks'`;
    if (Number(v.current_total) !== REPOS * DAYS * 3) {
      throw new Error(
        `get_star_fork_velocity saw ${v.current_total} forks in 365 days, expected ${
          REPOS * DAYS * 3
        }`,
      );
    }
    // Sanity: the rollups give what the raw rows give (stars, distinct contributors).
    await sql`delete from public.workspace_metrics_cache where workspace_id = ${ws.id}`;
    for (const period of [30, 365]) {
      const [a] = await member`select public.get_workspace_activity(${ws.id}, ${period}) as m`;
      const lo = REPO_BASE + 1, hi = REPO_BASE + REPOS, back = period - 1;
      const [raw] = await sql`select
          (select coalesce(sum(stars), 0)::int from public.star_history
            where repository_id between ${lo} and ${hi} and day >= current_date - ${back}::int) as stars,
          (select count(distinct x)::int from (
            select author_id as x from public.commits where repository_id between ${lo} and ${hi}
              and committed_at >= (current_date - ${back}::int)::timestamp at time zone 'utc'
            union select author_id from public.pull_requests where repository_id between ${lo} and ${hi}
              and created_at >= (current_date - ${back}::int)::timestamp at time zone 'utc') y) as contributors`;
      const got = a.m as { stars: number; contributors: number };
      if (Number(got.stars) !== raw.stars || Number(got.contributors) !== raw.contributors) {
        throw new Error(
          `get_workspace_activity(${period}) saw ${got.stars} stars and ${got.contributors} contributors, the raw rows ${raw.stars} and ${raw.contributors}`,
        );
      }
    }
  } finally {
    // Back to the pool as postgres, without the claims.
    for (const conn of [member, service]) {
      await conn`reset role`.catch(() => {});
      await conn`select set_config('request.jwt.claims', '', false)`.catch(() => {});
      conn.release();
    }
    await cleanup(sql);
  }
  const uncached = Object.entries(timings).filter(([k]) =>
    !k.endsWith("cached") && !k.endsWith("service_role")
  );
  const p95 = Math.max(...uncached.map(([, t]) => t.p95));
  return {
    figures: { metrics_p95_ms: round(p95, 1) },
    detail: {
      repositories: REPOS,
      days: DAYS,
      samples_per_call: SAMPLES,
      seed_seconds: round(seedSeconds, 1),
      refresh_seconds: round(refreshSeconds, 1),
      seeded: {
        star_history: REPOS * DAYS,
        forks: REPOS * DAYS * 3,
        commits: REPOS * DAYS * 8,
        pull_requests: REPOS * DAYS * 2,
      },
      figure:
        "highest p95 over get_star_fork_velocity and get_workspace_activity (cache emptied before each call), periods 30 and 365, as a member, client-side round trip on loopback",
      timings_ms: timings,
    },
    notes: [],
  };
}
