// Passing database errors during a chunk commit (a serialization failure, a deadlock) give the
// task back to its queue, without counting an attempt, and the job still ends exact. The errors
// are the database's own: a trigger on backfill_progress, installed for this test only, raises
// 40001 on the first chunk commit of the job that carries items and 40P01 on the second, inside
// engine.commit_backfill_chunk's transaction (a sequence counts them: nextval survives the
// rollback).
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, drain, expectedContent, itemsDone, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import type { Sql } from "../../functions/_shared/db.ts";

const REPOS = ["acme/api", "acme/tiny"];

async function injectCommitFaults(sql: Sql, jobId: string): Promise<void> {
  await sql`create sequence if not exists tests.e2e_commit_faults`;
  await sql`select setval('tests.e2e_commit_faults', 1, false)`;
  await sql.unsafe(`
    create or replace function tests.e2e_commit_fault() returns trigger language plpgsql as $fn$
    begin
      if new.items_done > old.items_done
         and exists (select 1 from public.backfill_tasks t where t.id = new.task_id and t.job_id = '${jobId}') then
        case nextval('tests.e2e_commit_faults')
          when 1 then raise exception 'injected: could not serialize access due to concurrent update' using errcode = '40001';
          when 2 then raise exception 'injected: deadlock detected' using errcode = '40P01';
          else null;
        end case;
      end if;
      return new;
    end $fn$`);
  await sql`create trigger e2e_commit_fault before update on public.backfill_progress
    for each row execute function tests.e2e_commit_fault()`;
}

async function removeCommitFaults(sql: Sql): Promise<void> {
  await sql`drop trigger if exists e2e_commit_fault on public.backfill_progress`;
  await sql`drop function if exists tests.e2e_commit_fault()`;
  await sql`drop sequence if exists tests.e2e_commit_faults`;
}

Deno.test("a serialization failure and a deadlock during chunk commits release the task, and the job ends exact", async () => {
  const sql = testDb(6);
  try {
    const sim = simulator();
    const { workspaceId } = await setupWorkspace(sql, "e2e-transient-db-errors", REPOS);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30 });
    await injectCommitFaults(sql, jobId);
    const reports = await drain(sql, jobId, () => workerDeps(sql, sim));

    const [{ faults }] = await sql`select last_value as faults from tests.e2e_commit_faults`;
    assert(Number(faults) >= 3, `both faults were raised and later commits went through (counter at ${faults})`);
    const [job] = await sql`select status, completed_tasks, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals({ ...job }, { status: "completed", completed_tasks: REPOS.length, failed_tasks: 0 }, `no task failed: ${JSON.stringify(job)}`);
    assert(reports.reduce((n, r) => n + r.tasksReleased, 0) >= 2, "each failed commit released its task");
    const [{ attempts }] = await sql`
      select coalesce(sum(p.attempts), 0)::int + coalesce((select sum(t.attempts) from public.backfill_tasks t where t.job_id = ${jobId}), 0)::int as attempts
      from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId}`;
    assertEquals(attempts, 0, "a passing database error counts no attempt");
    const since = await windowStartOf(sql, jobId);
    for (const repo of REPOS) await assertMatchesTruth(sql, sim, repo, since);
    const truthPrs = REPOS.reduce((n, repo) => n + expectedContent(sim, repo, since).items.pull_requests, 0);
    assertEquals(await itemsDone(sql, jobId, "pull_requests"), truthPrs, "the rolled-back chunks are counted once, when they commit");
  } finally {
    await removeCommitFaults(sql);
    await sql.end();
  }
});
