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

const JOB_A = "00000000-0000-4000-8000-0000000c1a0a";
const JOB_B = "00000000-0000-4000-8000-0000000c1a0b";

Deno.test("a claim of several tasks never waits for a job row once it holds one: the locked job's task is left for the next claim", async () => {
  const sql = testDb(4);
  const slugs = ["e2e-claim-batch-a", "e2e-claim-batch-b"];
  try {
    await sql`update engine.worker_settings set automatic_invocations = false, reason = 'engine e2e tests drive the worker in-process'`;
    await resetEngineState(sql);
    await sql`delete from public.workspaces where slug = any(${slugs})`;
    await sql`delete from public.tracked_repositories where owner = 'claim-batch'`;
    // Two workspaces, one job and one repository each; A's message is older, so it comes first.
    for (const [slug, job] of [[slugs[0], JOB_A], [slugs[1], JOB_B]]) {
      const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${slug}, ${slug}, 'pro') returning id`;
      const [tr] = await sql`insert into public.tracked_repositories (owner, name) values ('claim-batch', ${slug}) returning id`;
      await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${tr.id})`;
      await sql`insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types) values (${job}, ${ws.id}, 'manual', 7, ${["repository"]})`;
    }
    // Another transaction (a chunk commit of job B, say) holds job B's row.
    const holder = await sql.reserve();
    try {
      await holder`begin`;
      await holder`select 1 from public.backfill_jobs where id = ${JOB_B} for update`;
      const [{ pid }] = await holder`select pg_backend_pid() as pid`;
      // Waiting for it while holding job A's row is how two such claims deadlock.
      let settled = false;
      const claim = sql`select * from engine.claim_backfill_tasks('backfill_recent', 2, 300)`.execute().finally(() => settled = true);
      await blockedBy(sql, pid, "%claim_backfill_tasks%", () => settled).catch(() => {});
      assert.ok(settled, "the claim came back without waiting for job B's row");
      const rows = await claim;
      assert.deepEqual(rows.map((r) => r.job_id), [JOB_A], "it claimed job A's task and left job B's");
      await holder`commit`;
    } finally {
      await holder`rollback`.catch(() => {}); // a failed assertion must not leave job B locked
      holder.release();
    }
    // Job B's message is visible again: the next claim takes it.
    const next = await sql`select * from engine.claim_backfill_tasks('backfill_recent', 2, 300)`;
    assert.deepEqual(next.map((r) => r.job_id), [JOB_B]);
    const turns = await sql`select w.slug from engine.workspace_claim_turns t join public.workspaces w on w.id = t.workspace_id
      where w.slug = any(${slugs}) order by w.slug`;
    assert.deepEqual(turns.map((t) => t.slug), slugs, "each workspace's claim turn was recorded");
  } finally {
    await sql`delete from public.workspaces where slug = any(${slugs})`;
    await sql`delete from public.tracked_repositories where owner = 'claim-batch'`;
    await sql.end();
  }
});
