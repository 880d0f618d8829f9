// One lock order for everything that writes content and its metrics: chunk commits (upserts of
// rows of the same repositories and days), the metrics refresh, the retention clean-up and the
// sweeper run side by side for a while, and no statement is aborted as a deadlock (40P01).
// Before the dirty-days queue, a commit marking a day the refresh was taking waited for it while
// the refresh waited for the commit's lock on the repository row.
import assert from "node:assert/strict";
import { resetEngineState, testDb } from "./_env.ts";

const REPOS = [9401, 9402];
const RUN_MS = 6_000;

function rows(round: number, worker: number) {
  // Every writer touches the same repositories and the same few days, in its own order.
  const repos = worker % 2 === 0 ? REPOS : [...REPOS].reverse();
  const days = [1, 2, 3].map((d) => new Date(Date.UTC(2026, 10, 20 + ((d + worker) % 3))).toISOString());
  return repos.map((repo) => ({
    repository: { id: repo, node_id: `R_${repo}`, owner: "lock", name: `r${repo}`, full_name: `lock/r${repo}`,
      stargazer_count: round, fork_count: 0, is_private: false },
    commits: days.map((at, i) => ({ repository_id: repo, sha: (`${worker}${round}${i}`.padStart(40, "a")).slice(-40),
      committed_at: at, additions: 1, deletions: 0, changed_files: 1 })),
    pull_requests: days.map((at, i) => ({ id: repo * 1000 + i, node_id: `PR_${repo}_${i}`, repository_id: repo,
      number: i + 1, title: `t${round}`, state: "OPEN", is_draft: false, created_at: at,
      updated_at: new Date(Date.parse(at) + round * 1000).toISOString() })),
  }));
}

Deno.test("chunk commits, the metrics refresh, retention and the sweeper running together never deadlock", async () => {
  const sql = testDb(10);
  try {
    await resetEngineState(sql);
    const deadlocks: string[] = [];
    const runs: Record<string, number> = {};
    const until = Date.now() + RUN_MS;
    const loop = async (name: string, body: (i: number) => Promise<unknown>) => {
      runs[name] = 0;
      for (let i = 0; Date.now() < until; i++) {
        try {
          await body(i);
          runs[name]++;
        } catch (e) {
          if ((e as { code?: string }).code === "40P01") deadlocks.push(`${name}: ${(e as Error).message}`);
          else throw e;
        }
      }
    };
    await Promise.all([
      // A chunk is one repository's rows in one transaction, as engine.commit_backfill_chunk writes
      // them: its repository's turn first, then the upsert.
      ...[0, 1, 2, 3].map((w) =>
        loop(`commit ${w}`, async (i) => {
          for (const chunk of rows(i, w)) {
            await sql.begin(async (tx) => {
              await tx`select engine.take_repository_turn(${chunk.repository.id})`;
              await tx`select engine.upsert_github_rows(${tx.json(chunk as never)})`;
            });
          }
        })
      ),
      loop("refresh", () => sql`select private.refresh_daily_activity_metrics(20000)`),
      loop("refresh 2", () => sql`select private.refresh_daily_activity_metrics(50)`),
      loop("retention", () => sql`select private.delete_expired_content(100)`),
      loop("sweeper", () => sql`select engine.sweep_stuck_backfill_tasks()`),
    ]);
    assert.deepEqual(deadlocks, [], "no statement was aborted as a deadlock");
    for (const [name, n] of Object.entries(runs)) assert.ok(n > 0, `${name} ran (${n} times)`);
  } finally {
    await resetEngineState(sql).catch(() => {});
    await sql.end();
  }
});
