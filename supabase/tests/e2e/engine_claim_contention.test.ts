// Two slots claiming at once in one workspace: fair_claim_candidates offers each workspace's
// oldest visible message, and while the first claimer's transaction holds it (skip locked), the
// second must be offered the workspace's next message. Before p_skip it was offered the same one
// again, up to the scan bound, and came back with nothing: the slot took the queue for empty
// and ended (one pass of the 20 × 200 bench claimed 2 tasks, the other 18).
import assert from "node:assert/strict";
import { blockedBy, resetEngineState, testDb } from "./_env.ts";

const JOB = "00000000-0000-4000-8000-0000000c1a01";

Deno.test("a second claimer in one workspace takes the next message while the first claim is still open", async () => {
  const sql = testDb(4);
  try {
    await sql`update engine.worker_settings set automatic_invocations = false, reason = 'engine e2e tests drive the worker in-process'`;
    await resetEngineState(sql);
    await sql`delete from public.workspaces where slug = 'e2e-claim-contention'`;
    await sql`delete from public.tracked_repositories where owner = 'contention'`;
    const [ws] = await sql`insert into public.workspaces (slug, name, tier) values ('e2e-claim-contention', 'contention', 'pro') returning id`;
    for (const name of ["one", "two", "three"]) {
      const [tr] = await sql`insert into public.tracked_repositories (owner, name) values ('contention', ${name}) returning id`;
      await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${tr.id})`;
    }
    await sql`insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
      values (${JOB}, ${ws.id}, 'manual', 7, ${["repository"]})`;
    const [{ n: queued }] = await sql`select count(*)::int as n from public.backfill_tasks where job_id = ${JOB} and msg_id is not null`;
    assert.equal(queued, 3, "the job fanned out one message per repository");

    const first = await sql.reserve();
    try {
      await first`begin`;
      const [a] = await first`select * from engine.claim_backfill_tasks('backfill_recent', 1, 300)`;
      assert.ok(a, "the first claimer got a task");
      const [{ pid }] = await first`select pg_backend_pid() as pid`;

      // The second claim runs while the first transaction is open: it may wait for the job row
      // the first holds, but it must not come back empty.
      let settled = false;
      const second = sql`select * from engine.claim_backfill_tasks('backfill_recent', 1, 300)`.execute()
        .finally(() => settled = true);
      await blockedBy(sql, pid, "%claim_backfill_tasks%", () => settled);
      await first`commit`;
      const rows = await second;
      assert.equal(rows.length, 1, "the second claimer got a task, not an empty queue");
      assert.notEqual(rows[0].task_id, a.task_id);
      assert.notEqual(rows[0].msg_id, a.msg_id);
    } finally {
      first.release();
    }
    const [{ running }] = await sql`select count(*)::int as running from public.backfill_tasks where job_id = ${JOB} and status = 'running'`;
    assert.equal(running, 2);
  } finally {
    await sql`delete from public.workspaces where slug = 'e2e-claim-contention'`;
    await sql`delete from public.tracked_repositories where owner = 'contention'`;
    await sql.end();
  }
});
