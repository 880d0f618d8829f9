// What end-to-end tests need from the running stack. `npm test` sets these from the stack it
// brings up; by hand, export the KEY=value lines `npm run stack:up` prints.
import { createSql, type Sql } from "../../functions/_shared/db.ts";

export function stackEnv(
  name: "DB_URL" | "API_URL" | "FUNCTIONS_URL" | "ANON_KEY" | "SERVICE_ROLE_KEY" | "GITHUB_API_URL" | "POLAR_API_URL" | "JWT_SECRET",
): string {
  const v = Deno.env.get(name);
  if (!v) {
    throw new Error(
      `${name} is not set: end-to-end tests need a running stack. Run them with \`npm test\`, or ` +
        "`npm run stack:up` and export the KEY=value lines it prints.",
    );
  }
  return v;
}

// Tests reach Postgres directly, not through the transaction pooler: prepared statements work.
export function testDb(max = 2): Sql {
  return createSql(stackEnv("DB_URL"), { max, prepare: true });
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * End-to-end tests share one database and run one after another. A test that runs the engine
 * starts from an empty engine, so rows, queue messages and rate-limit budgets an earlier test
 * left cannot leak into its comparison with the ground truth (every simulator dataset numbers
 * its repositories and items alike, so leftovers would even carry the same GitHub ids).
 * Workspaces, users and billing rows are kept: tests create their own with unique slugs.
 */
export async function resetEngineState(sql: ReturnType<typeof testDb>): Promise<void> {
  // A deployed worker kicked by an earlier test may still be committing a chunk: its share locks
  // and this TRUNCATE's exclusive ones, taken in different table orders, can deadlock, and
  // whichever side Postgres aborts, trying again after it is the answer (TRUNCATE is all or nothing).
  for (let attempt = 1;; attempt++) {
    try {
      await sql`
        truncate public.repositories, public.tracked_repositories, public.backfill_jobs,
          public.contributors, public.notifications, engine.rate_limit_budgets,
          private.daily_activity_dirty_days
        cascade`;
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== "40P01" || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
  await sql`select pgmq.purge_queue(q) from unnest(array['backfill_recent', 'backfill_bulk']) q`;
}

/** Waits until a statement matching `like` is blocked by the session `pid`; returns early when
 * `settled()` says the awaited statement already finished (it did not need to wait). */
export async function blockedBy(
  sql: ReturnType<typeof testDb>,
  pid: number,
  like: string,
  settled: () => boolean = () => false,
): Promise<void> {
  for (let i = 0; !settled(); i++) {
    const [{ blocked }] = await sql`select count(*)::int as blocked from pg_stat_activity
      where ${pid} = any(pg_blocking_pids(pid)) and query like ${like}`;
    if (blocked > 0) return;
    if (i > 400) throw new Error(`no statement like ${like} waited for session ${pid}, nor did it finish`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
