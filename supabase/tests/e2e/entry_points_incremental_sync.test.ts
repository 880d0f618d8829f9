// A scheduled sync is incremental: after a first backfill, the due sync that pg_cron would enqueue
// (private.enqueue_due_syncs) fetches exactly the PRs and issues updated since the last sync —
// including ones created long before it — with all reviews of those PRs, the comments updated
// since and the parents of those comments not stored yet, and records the sync on the workspace.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { createJob, drain, expectedContent, forgetRepositories, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import type { RepoSpec, Simulator } from "../../../dev/github-sim/mod.ts";
import type { Sql } from "../../functions/_shared/db.ts";

const REPO = "inc/web";
const REPOS: RepoSpec[] = [
  { owner: "inc", name: "web", prs: 90, issues: 60, days: 30, reviewsPerPr: 2, commentsPerPr: 2, reviewCommentsPerPr: 2,
    discussions: 0, commits: 10, forks: 2, starsPerDay: 1 },
];
const STALE = "(stale: stored before the sync)";
const DAY = 86_400_000;

const sorted = (xs: (number | string)[]) => xs.map(Number).sort((a, b) => a - b);

/** Marks every stored PR, issue, review and comment of the repository, so the ones a later sync
 * fetched again are those no longer marked. */
async function markStored(sql: Sql, repoId: number): Promise<void> {
  await sql`update public.pull_requests set title = ${STALE} where repository_id = ${repoId}`;
  await sql`update public.issues set title = ${STALE} where repository_id = ${repoId}`;
  await sql`update public.reviews set body = ${STALE} where repository_id = ${repoId}`;
  await sql`update public.review_comments set body = ${STALE} where repository_id = ${repoId}`;
  await sql`update public.issue_comments set body = ${STALE} where repository_id = ${repoId}`;
}

Deno.test("a scheduled sync fetches exactly the PRs and issues updated since the last sync", async () => {
  const sql = testDb(4);
  const sim: Simulator = simulator(REPOS);
  try {
    await forgetRepositories(sql, sim, [REPO]);
    const { workspaceId, tracked } = await setupWorkspace(sql, "e2e-incremental-sync", [REPO]);
    const deps = () => workerDeps(sql, sim);

    // The first backfill: what was created in the last 4 days.
    const first = await createJob(sql, workspaceId, { windowDays: 4, dataTypes: ["repository", "pull_requests", "issues"] });
    await drain(sql, first, deps);
    assert.equal(await jobStatus(sql, first), "completed");
    const firstWindow = await windowStartOf(sql, first);
    const [{ id: repoId }] = await sql`select id from public.repositories where full_name = ${REPO}`;
    await markStored(sql, Number(repoId));

    // Last synced 3 days ago and due now; nothing else is due, so the cron's call enqueues only it.
    const [{ t }] = await sql`select now() - interval '3 days' as t`;
    const lastSync = new Date(t).toISOString();
    // The sync asks from the last sync's whole second less 2 minutes (GitHub's clock vs ours).
    const since = new Date(Math.floor(Date.parse(lastSync) / 1000) * 1000 - 120_000).toISOString();
    await sql`update public.workspace_tracked_repositories set next_sync_at = now() + interval '1 day'
      where workspace_id <> ${workspaceId} and (next_sync_at is null or next_sync_at <= now())`;
    await sql`update public.workspace_tracked_repositories
      set last_sync_at = ${lastSync}, next_sync_at = now() - interval '1 minute', last_sync_status = 'success'
      where workspace_id = ${workspaceId}`;
    const [{ n }] = await sql`select private.enqueue_due_syncs(200) as n`;
    assert.equal(n, 1, "one repository is due");
    const [job] = await sql`select id, source from public.backfill_jobs where workspace_id = ${workspaceId} and kind = 'scheduled'`;
    assert.equal(Date.parse(job.source.repositories[tracked[REPO]].since), Date.parse(since), "the job carries the last sync, less the margin");
    const windows = await sql`
      select p.data_type, p.window_start from public.backfill_progress p join public.backfill_tasks bt on bt.id = p.task_id
      where bt.job_id = ${job.id} and p.data_type <> 'repository'`;
    assert.ok(windows.length >= 2);
    for (const w of windows) assert.equal(new Date(w.window_start).getTime(), Date.parse(since), `${w.data_type} starts at the last sync, less the margin`);

    await drain(sql, job.id, deps);
    assert.equal(await jobStatus(sql, job.id), "completed");

    const truth = (type: "pull_requests" | "issues" | "reviews", q: { since?: string; updatedSince?: string }) =>
      sim.truth({ repo: REPO, type, ...q }).items;
    const ids = (items: { databaseId?: number }[]) => sorted(items.map((i) => i.databaseId!));
    const fetched = async (table: string, column: string, extra = sql``) =>
      sorted((await sql`select id from ${sql(table)} where repository_id = ${repoId} and ${sql(column)} is distinct from ${STALE} ${extra}`)
        .map((r) => r.id));
    const before = expectedContent(sim, REPO, firstWindow).ids;
    const sync = expectedContent(sim, REPO, since).ids;
    // Fetched again: what the walk by update reads, and the parents of comments updated since
    // that the first backfill had not stored (a stored parent is not fetched again).
    const again = (walked: number[], wanted: number[], stored: number[]) =>
      sorted([...new Set([...walked, ...wanted.filter((x) => !stored.includes(x))])]);

    // Exactly the PRs and issues updated since the last sync were fetched (again).
    const updatedPrs = truth("pull_requests", { updatedSince: since });
    const prsAgain = again(ids(updatedPrs), sync.pull_requests, before.pull_requests);
    assertEquals(await fetched("public.pull_requests", "title"), prsAgain, "PRs updated since the last sync");
    assertEquals(await fetched("public.issues", "title"), again(ids(truth("issues", { updatedSince: since })), sync.issues, before.issues),
      "issues updated since the last sync");
    assert.ok(updatedPrs.some((p) => Date.parse(p.createdAt!) < Date.parse(firstWindow)),
      "some PRs updated since were created before the first backfill's window (and before the last sync)");
    // Every review of those PRs (the reviews connection is complete).
    const fetchedPrs = new Set(prsAgain);
    assertEquals(await fetched("public.reviews", "body"), ids(truth("reviews", {}).filter((r) => fetchedPrs.has(r.parentDatabaseId!))),
      "reviews of the updated PRs");

    // The database holds the first backfill's items and the updated ones, nothing else.
    const union = (a: number[], b: number[]) => sorted([...new Set([...a, ...b])]);
    assertEquals(sorted((await sql`select id from public.pull_requests where repository_id = ${repoId}`).map((r) => r.id)),
      union(before.pull_requests, sync.pull_requests), "PRs stored");
    assertEquals(sorted((await sql`select id from public.issues where repository_id = ${repoId}`).map((r) => r.id)),
      union(before.issues, sync.issues), "issues stored");

    // Comments updated since the last sync came from the REST lists, whatever their parent.
    assertEquals(await fetched("public.review_comments", "body"), sync.review_comments, "review comments updated since");
    assertEquals(await fetched("public.issue_comments", "body", sql`and pull_request_id is not null`), sync.pr_comments,
      "PR conversation comments updated since");
    assertEquals(await fetched("public.issue_comments", "body", sql`and issue_id is not null`), sync.issue_comments,
      "issue comments updated since");

    // The sync is recorded from the task's start, so the next one picks up from there.
    const [w] = await sql`select w.last_sync_at, w.last_sync_status, w.next_sync_at > now() as later, t.started_at
      from public.workspace_tracked_repositories w
      join public.backfill_tasks t on t.tracked_repository_id = w.tracked_repository_id and t.job_id = ${job.id}
      where w.workspace_id = ${workspaceId}`;
    assert.equal(w.last_sync_status, "success");
    assert.equal(new Date(w.last_sync_at).getTime(), new Date(w.started_at).getTime());
    assert.ok(w.later, "the next sync is scheduled");
    assert.ok(Date.now() - new Date(w.last_sync_at).getTime() < DAY);
    assert.equal(sim.counters().violations.total, 0);
  } finally {
    await sql.end();
  }
});
