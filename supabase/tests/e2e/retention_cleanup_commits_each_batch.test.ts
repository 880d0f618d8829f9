// The daily retention clean-up is a procedure that COMMITs after every batch
// (private.run_retention_cleanup), CALLed outside a transaction as pg_cron calls it. Proof that
// each batch is committed on its own: while the third batch waits on a row another session has
// locked, a third session already sees the first two batches' deletions and their
// engine.retention_deletions rows; once the lock goes, the call finishes the work.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { eventually, stackEnv, testDb } from "./_env.ts";
import { createSql } from "../../functions/_shared/db.ts";

const REPO_ID = 880_001;
const SLUG = "e2e-retention-batches";

Deno.test("the retention CALL commits each batch: two are visible to others while the third waits", async () => {
  const sql = testDb(2);
  const caller = createSql(stackEnv("DB_URL"), { max: 1, connection: { application_name: "e2e-retention-call" } });
  const locker = createSql(stackEnv("DB_URL"), { max: 1 });
  let releaseLock = () => {};
  try {
    // Expired content other tests left would share the batches: the clean-up takes it first.
    await sql`call private.run_retention_cleanup(5000, 2000)`;
    await sql`delete from public.repositories where id = ${REPO_ID}`;
    await sql`delete from public.workspaces where slug = ${SLUG}`;
    await sql`delete from public.tracked_repositories where lower(full_name) = 'e2e-retention/batches'`;
    const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${SLUG}, ${SLUG}, 'free') returning id, retention_days`;
    assertEquals(ws.retention_days, 30, "a free workspace keeps 30 days");
    await sql`insert into public.repositories (id, node_id, owner, name, full_name)
      values (${REPO_ID}, ${"R_" + REPO_ID}, 'e2e-retention', 'batches', 'e2e-retention/batches')`;
    const [t] = await sql`insert into public.tracked_repositories (owner, name, repository_id, status)
      values ('e2e-retention', 'batches', ${REPO_ID}, 'active') returning id`;
    await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${t.id})`;
    // Ten commits and one fork from 40 days ago (expired), one commit of today (kept).
    await sql`insert into public.commits (repository_id, sha, committed_at)
      select ${REPO_ID}, lpad(to_hex(g), 40, '0'), now() - interval '40 days' - make_interval(mins => g) from generate_series(1, 10) g`;
    await sql`insert into public.commits (repository_id, sha, committed_at) values (${REPO_ID}, ${"f".repeat(40)}, now())`;
    await sql`insert into public.forks (id, repository_id, full_name, created_at)
      values (${REPO_ID * 10}, ${REPO_ID}, 'someone/batches', now() - interval '40 days')`;

    // Batches of 5: commits 5, commits 5, then the fork, which another session holds.
    const locked = new Promise<void>((resolve, reject) => {
      locker.begin(async (tx) => {
        await tx`select 1 from public.forks where id = ${REPO_ID * 10} for update`;
        resolve();
        await new Promise<void>((r) => releaseLock = r);
      }).catch(reject);
    });
    await locked;
    const [{ pid }] = await caller`select pg_backend_pid() as pid`;
    const call = caller`call private.run_retention_cleanup(5, 100)`.execute();

    await eventually("the clean-up's third batch to wait for the locked fork", async () => {
      const [r] = await sql`select cardinality(pg_blocking_pids(${pid}::int)) > 0 as blocked`;
      return r.blocked;
    }, 20_000);
    const seen = await sql`
      select table_name, rows_deleted, retention_days from engine.retention_deletions
      where repository_id = ${REPO_ID} order by id`;
    assertEquals(seen.map((r) => ({ ...r })), [
      { table_name: "commits", rows_deleted: 5, retention_days: 30 },
      { table_name: "commits", rows_deleted: 5, retention_days: 30 },
    ], `another session sees the two committed batches while the third is in flight; saw ${JSON.stringify(seen)}`);
    const [{ commits }] = await sql`select count(*)::int as commits from public.commits where repository_id = ${REPO_ID}`;
    assertEquals(commits, 1, "and their deletions: only today's commit is left");

    releaseLock();
    await call;
    const done = await sql`
      select table_name, sum(rows_deleted)::int as rows from engine.retention_deletions
      where repository_id = ${REPO_ID} group by 1 order by 1`;
    assertEquals(done.map((r) => ({ ...r })), [{ table_name: "commits", rows: 10 }, { table_name: "forks", rows: 1 }]);
    const [left] = await sql`select (select count(*)::int from public.forks where repository_id = ${REPO_ID}) as forks,
      (select array_agg(sha) from public.commits where repository_id = ${REPO_ID}) as commits`;
    assertEquals({ ...left }, { forks: 0, commits: ["f".repeat(40)] }, "expired rows are gone, today's commit is kept");
  } finally {
    releaseLock();
    await sql`delete from public.repositories where id = ${REPO_ID}`;
    await sql`delete from public.workspaces where slug = ${SLUG}`;
    await sql`delete from engine.retention_deletions where repository_id = ${REPO_ID}`;
    await Promise.all([sql.end(), caller.end(), locker.end()]);
  }
});

Deno.test("the retention job's own command, CALLed as pg_cron does, deletes expired rows and records them", async () => {
  const sql = testDb(1);
  try {
    const [job] = await sql`select command, schedule from cron.job where jobname = 'retention-cleanup'`;
    assert(job, "the retention-cleanup pg_cron job exists");
    assertEquals(job.schedule, "17 3 * * *", "it runs daily at 03:17 UTC");
    await sql`delete from public.repositories where id = ${REPO_ID + 1}`;
    await sql`delete from public.workspaces where slug = ${SLUG + "-cron"}`;
    const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${SLUG + "-cron"}, 'cron', 'free') returning id`;
    await sql`insert into public.repositories (id, node_id, owner, name, full_name)
      values (${REPO_ID + 1}, ${"R_" + (REPO_ID + 1)}, 'e2e-retention', 'cron', 'e2e-retention/cron')`;
    await sql`delete from public.tracked_repositories where lower(full_name) = 'e2e-retention/cron'`;
    const [t] = await sql`insert into public.tracked_repositories (owner, name, repository_id, status)
      values ('e2e-retention', 'cron', ${REPO_ID + 1}, 'active') returning id`;
    await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${t.id})`;
    await sql`insert into public.commits (repository_id, sha, committed_at) values (${REPO_ID + 1}, ${"e".repeat(40)}, now() - interval '31 days')`;

    await sql.unsafe(job.command); // outside a transaction: the procedure commits
    const [r] = await sql`select (select count(*)::int from public.commits where repository_id = ${REPO_ID + 1}) as left,
      (select sum(rows_deleted)::int from engine.retention_deletions where repository_id = ${REPO_ID + 1}) as recorded`;
    assertEquals({ ...r }, { left: 0, recorded: 1 });
  } finally {
    await sql`delete from public.repositories where id = ${REPO_ID + 1}`;
    await sql`delete from public.workspaces where slug = ${SLUG + "-cron"}`;
    await sql`delete from engine.retention_deletions where repository_id = ${REPO_ID + 1}`;
    await sql.end();
  }
});
