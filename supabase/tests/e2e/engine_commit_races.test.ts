// Races between chunk commits, made deterministic with a second session that holds a lock:
// - a chunk commit writes its rows before it takes the job row (so one job's chunks commit side
//   by side), and checks its claim again under the locks. A cancel that lands in between (the
//   commit has written its rows and waits for the job row a cancelling session holds) must leave
//   nothing of the chunk behind: the commit answers 'cancelled' and its rows are rolled back;
// - two jobs' first chunks of one repository insert its row at once: the second waits for the
//   first and updates it (without taking turns it failed on the node_id unique index, 23505).
import assert from "node:assert/strict";
import { blockedBy, resetEngineState, testDb } from "./_env.ts";
import type { Sql } from "../../functions/_shared/db.ts";

const repositoryRow = (id: number) => ({
  repository: { id, node_id: `R_${id}`, owner: "race", name: "repo", full_name: "race/repo", stargazer_count: 0, fork_count: 0, is_private: false },
});

const JOB = "00000000-0000-4000-8000-0000000e7c02";

Deno.test("a cancel between a chunk's row write and its locks leaves none of the chunk's rows", async () => {
  const sql = testDb(4);
  try {
    await sql`update engine.worker_settings set automatic_invocations = false, reason = 'engine e2e tests drive the worker in-process'`;
    await resetEngineState(sql);
    await sql`delete from public.workspaces where slug = 'e2e-commit-race'`;
    const [ws] = await sql`insert into public.workspaces (slug, name, tier) values ('e2e-commit-race', 'race', 'pro') returning id`;
    const [tr] = await sql`insert into public.tracked_repositories (owner, name) values ('race', 'repo') returning id`;
    await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${tr.id})`;
    await sql`insert into public.backfill_jobs (id, workspace_id, kind, window_days, data_types)
      values (${JOB}, ${ws.id}, 'manual', 7, ${["repository", "pull_requests"]})`;
    const [c] = await sql`select * from engine.claim_backfill_tasks('backfill_recent', 1, 300)`;
    const [{ outcome: first }] = await sql`select engine.commit_backfill_chunk(${c.task_id}, 'repository', ${c.msg_id}, null, null, true,
      ${sql.json(repositoryRow(7702))},
      1, 1, 1, 300, ${c.claim_id}) as outcome`;
    assert.equal(first, "committed");

    // The canceller holds the job row; the worker's commit writes its rows, then waits for it.
    const canceller = await sql.reserve();
    try {
      await canceller`begin`;
      await canceller`select 1 from public.backfill_jobs where id = ${JOB} for update`;
      const commit = sql`select engine.commit_backfill_chunk(${c.task_id}, 'pull_requests', ${c.msg_id}, null, 'cursor-1', false,
        ${sql.json({ pull_requests: [{ id: 770201, node_id: "PR_770201", repository_id: 7702, number: 1, title: "raced", state: "OPEN",
          is_draft: false, created_at: "2026-11-30T00:00:00Z", updated_at: "2026-11-30T00:00:00Z" }] })},
        1, 10, 2, 300, ${c.claim_id}) as outcome`.execute();
      // Wait until the commit is blocked on the canceller (it has written its rows by then).
      const [{ pid }] = await canceller`select pg_backend_pid() as pid`;
      await blockedBy(sql, pid, "%commit_backfill_chunk%");
      await canceller`select engine.cancel_backfill_job(${JOB}, 'cancelled while a chunk committed')`;
      await canceller`commit`;
      const [{ outcome }] = await commit;
      assert.equal(outcome, "cancelled");
    } finally {
      canceller.release();
    }
    const [{ n }] = await sql`select count(*)::int as n from public.pull_requests where repository_id = 7702`;
    assert.equal(n, 0, "the chunk's rows were rolled back with it");
    const [p] = await sql`select status, cursor, items_done::int as items from public.backfill_progress
      where task_id = ${c.task_id} and data_type = 'pull_requests'`;
    assert.deepEqual({ ...p }, { status: "cancelled", cursor: null, items: 0 });
  } finally {
    await sql`delete from public.workspaces where slug = 'e2e-commit-race'`;
    await sql.end();
  }
});

Deno.test("two jobs' first chunks of one repository take turns: the second waits for the repository, then both commit one row", async () => {
  const sql = testDb(4);
  try {
    await sql`update engine.worker_settings set automatic_invocations = false, reason = 'engine e2e tests drive the worker in-process'`;
    await resetEngineState(sql);
    await sql`delete from public.workspaces where slug like 'e2e-commit-race-%'`;
    const [tr] = await sql`insert into public.tracked_repositories (owner, name) values ('race', 'repo') returning id`;
    for (const n of [1, 2]) {
      const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${`e2e-commit-race-${n}`}, 'race', 'pro') returning id`;
      await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${tr.id})`;
      await sql`insert into public.backfill_jobs (workspace_id, kind, window_days, data_types) values (${ws.id}, 'manual', 7, ${["repository"]})`;
    }
    const claims = await sql`select * from engine.claim_backfill_tasks('backfill_recent', 2, 300)`;
    assert.equal(claims.length, 2);
    const commit = (db: Sql, c: (typeof claims)[number]) =>
      db`select engine.commit_backfill_chunk(${c.task_id}, 'repository', ${c.msg_id}, null, null, true,
        ${sql.json(repositoryRow(7703))}, 1, 1, 1, 300, ${c.claim_id}) as outcome`;
    const first = await sql.reserve();
    try {
      await first`begin`;
      const [{ outcome: a }] = await commit(first, claims[0]);
      assert.equal(a, "task_completed");
      const second = commit(sql, claims[1]).execute();
      const [{ pid }] = await first`select pg_backend_pid() as pid`;
      await blockedBy(sql, pid, "%commit_backfill_chunk%");
      // It waits for its turn on the repository, not on a row of the first chunk: the collision
      // on node_id happens when both pass ON CONFLICT's check before either inserts, which turn
      // taking rules out (a lock step like this one cannot produce it at will).
      const waits = await sql`select l.locktype from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where not l.granted and a.query like '%commit_backfill_chunk%' and ${pid} = any(pg_blocking_pids(a.pid))`;
      assert.deepEqual(waits.map((w) => w.locktype), ["advisory"]);
      await first`commit`;
      const [{ outcome: b }] = await second;
      assert.equal(b, "task_completed");
    } finally {
      first.release();
    }
    const rows = await sql`select id, node_id from public.repositories where node_id = 'R_7703'`;
    assert.deepEqual(rows.map((r) => [Number(r.id), r.node_id]), [[7703, "R_7703"]]);
  } finally {
    await sql`delete from public.workspaces where slug like 'e2e-commit-race-%'`;
    await sql.end();
  }
});

Deno.test("a chunk that updates an author does not block another chunk's content by that author (no deadlock through contributors)", async () => {
  // Two chunks of different repositories share an author. One (GraphQL) updates the author's
  // profile and is still open; the other (REST comments) writes a comment by that author, whose
  // foreign-key check takes the author's row FOR KEY SHARE. Updating the unique node_id in the
  // same statement locked the row FOR UPDATE, so the comment waited, and a chunk waiting in turn
  // for the comment chunk's new authors closed a cycle (40P01 in the 20 × 200 bench).
  const sql = testDb(4);
  const author = { id: 771100, node_id: "U_771100", login: "shared-author", avatar_url: "https://a.test/1", type: "User" };
  try {
    await sql`delete from public.repositories where id in (7711, 7712)`;
    await sql`delete from public.contributors where id = ${author.id}`;
    const repo = (id: number, name: string) => ({ ...repositoryRow(id).repository, name, full_name: `race/${name}` });
    await sql`select engine.upsert_github_rows(${sql.json({ repository: repo(7711, "authors-one"), contributors: [author] })})`;
    await sql`select engine.upsert_github_rows(${sql.json({
      repository: repo(7712, "authors-two"),
      pull_requests: [{ id: 771201, node_id: "PR_771201", repository_id: 7712, number: 1, title: "shared", state: "OPEN",
        is_draft: false, author_id: author.id, created_at: "2026-11-30T00:00:00Z", updated_at: "2026-11-30T00:00:00Z" }],
    })})`;
    const graphqlChunk = await sql.reserve();
    try {
      await graphqlChunk`begin`;
      await graphqlChunk`select engine.upsert_github_rows(${sql.json({
        contributors: [{ ...author, login: "shared-author-renamed", avatar_url: "https://a.test/2" }],
      })})`;
      const commentChunk = await sql.reserve();
      try {
        await commentChunk`set lock_timeout = '3s'`;
        const [{ n }] = await commentChunk`select engine.upsert_github_rows(${sql.json({
          issue_comments_by_number: [{ id: 771299, node_id: "IC_771299", repository_id: 7712, number: 1, body: "hi",
            author: { id: author.id, node_id: author.node_id, login: author.login, type: "User" },
            created_at: "2026-11-30T01:00:00Z", updated_at: "2026-11-30T01:00:00Z" }],
        })}) as n`;
        assert.ok(n >= 0);
        const [{ c }] = await commentChunk`select count(*)::int as c from public.issue_comments where id = 771299`;
        assert.equal(c, 1, "the comment chunk wrote its comment while the author's update was open");
      } finally {
        await commentChunk`reset lock_timeout`;
        commentChunk.release();
      }
      await graphqlChunk`commit`;
    } finally {
      graphqlChunk.release();
    }
    // A changed node_id (GitHub's old and new global id formats) is still written, by its own statement.
    await sql`select engine.upsert_github_rows(${sql.json({ contributors: [{ ...author, node_id: "U_kgDO771100", login: "shared-author-renamed", avatar_url: "https://a.test/2" }] })})`;
    const [row] = await sql`select node_id, login from public.contributors where id = ${author.id}`;
    assert.deepEqual({ ...row }, { node_id: "U_kgDO771100", login: "shared-author-renamed" });
  } finally {
    await sql`delete from public.repositories where id in (7711, 7712)`;
    await sql`delete from public.contributors where id = ${author.id}`;
    await sql.end();
  }
});
