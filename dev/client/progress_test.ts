import assert from "node:assert/strict";
import {
  BackfillProgress,
  type DataTypeStatusRow,
  type JobStatusRow,
  type ProgressPayload,
  type RepositoryStatusRow,
} from "./progress.ts";

const JOB = "00000000-0000-4000-8000-000000000001";

function typeRow(taskId: number, name: string, dataType: string, status: string, done: number, estimate: number | null) {
  return {
    job_id: JOB,
    task_id: taskId,
    full_name: name,
    tracked_repository_id: `tr-${taskId}`,
    data_type: dataType,
    status,
    items_done: done,
    estimated_total: estimate,
    last_error: null,
  } as unknown as DataTypeStatusRow;
}

function repoRow(taskId: number, name: string, status: string, lastError: string | null = null) {
  return { job_id: JOB, task_id: taskId, full_name: name, status, last_error: lastError } as unknown as RepositoryStatusRow;
}

const jobRow = (status: string, extra: Partial<JobStatusRow> = {}) =>
  ({ job_id: JOB, kind: "manual", window_days: 30, status, total_tasks: 2, points_used: 7, eta_seconds: 3, ...extra }) as JobStatusRow;

function progress(taskId: number, dataType: string, done: number, estimate: number | null, isDone = false): ProgressPayload {
  return {
    job_id: JOB,
    task_id: taskId,
    tracked_repository_id: `tr-${taskId}`,
    data_type: dataType,
    items_done: done,
    estimated_total: estimate,
    done: isDone,
    job_items_done: done,
    job_items_estimated: estimate ?? 0,
    job_completed_tasks: 0,
    job_total_tasks: 2,
  };
}

/** acme/web: metadata done, PRs 150 of 300, issues not started; acme/gone failed on its metadata. */
function loaded(): BackfillProgress {
  const p = new BackfillProgress(JOB);
  p.load(jobRow("running"), [repoRow(1, "acme/web", "running"), repoRow(2, "acme/gone", "failed", "not found")], [
    typeRow(1, "acme/web", "repository", "completed", 1, 1),
    typeRow(1, "acme/web", "pull_requests", "running", 150, 300),
    typeRow(1, "acme/web", "issues", "pending", 0, null),
    typeRow(1, "acme/web", "stars", "skipped", 0, null),
    typeRow(2, "acme/gone", "repository", "failed", 0, null),
    typeRow(2, "acme/gone", "pull_requests", "failed", 0, null),
  ]);
  return p;
}

Deno.test("percent is the mean of the non-skipped types' fractions, rounded down; a failed repository's types count as ended in the job", () => {
  const v = loaded().view();
  const web = v.repos.find((r) => r.name === "acme/web")!;
  // (1 + 150/300 + 0) / 3 = 50%: skipped stars do not count.
  assert.equal(web.percent, 50);
  assert.deepEqual([web.typesDone, web.typesCounted, web.itemsDone], [1, 3, 151]);
  // Job: (1 + 0.5 + 0 + 1 + 1) / 5 = 70%.
  assert.equal(v.percent, 70);
  const gone = v.repos.find((r) => r.name === "acme/gone")!;
  assert.deepEqual([gone.status, gone.percent, gone.error], ["failed", null, "not found"]);
  assert.equal(v.failedRepositories, 1);
});

Deno.test("99.9% done shows 99%, not 100%", () => {
  const p = new BackfillProgress(JOB);
  p.load(jobRow("running", { total_tasks: 1 }), [repoRow(1, "a/b", "running")], [typeRow(1, "a/b", "pull_requests", "running", 999, 1000)]);
  assert.equal(p.view().repos[0].percent, 99);
  assert.equal(p.view().percent, 99);
});

Deno.test("broadcasts advance the counts and an older view read never takes them back", () => {
  const p = loaded();
  p.applyProgress(progress(1, "pull_requests", 250, 300));
  p.load(jobRow("running"), [repoRow(1, "acme/web", "pending")], [typeRow(1, "acme/web", "pull_requests", "running", 150, 300)]);
  const web = p.view().repos.find((r) => r.name === "acme/web")!;
  assert.deepEqual(web.current, { dataType: "pull_requests", done: 250, estimate: 300 });
  assert.equal(web.status, "running");
});

Deno.test("a type reported without an estimate has none (null), not a made-up total", () => {
  const p = loaded();
  p.applyProgress(progress(1, "pull_requests", 300, 300, true));
  p.applyProgress(progress(1, "issues", 40, null));
  const web = p.view().repos.find((r) => r.name === "acme/web")!;
  assert.deepEqual(web.current, { dataType: "issues", done: 40, estimate: null });
  // (1 + 1 + 0) / 3: an issue count without an estimate adds nothing yet.
  assert.equal(web.percent, 66);
});

Deno.test("a repository is done when every type it fetches is completed", () => {
  const p = loaded();
  p.applyProgress(progress(1, "pull_requests", 300, 300, true));
  p.applyProgress(progress(1, "issues", 20, 20, true));
  const web = p.view().repos.find((r) => r.name === "acme/web")!;
  assert.deepEqual([web.status, web.percent, web.current], ["completed", 100, null]);
});

Deno.test("a broadcast that arrives before the first read is kept, and the read names its repository", () => {
  const p = new BackfillProgress(JOB);
  p.applyProgress(progress(1, "repository", 1, 1, true));
  // Only the metadata is known: the repository is not taken for done before the read lists its types.
  assert.equal(p.view().repos[0].status, "running");
  p.load(jobRow("running", { total_tasks: 1 }), [repoRow(1, "acme/web", "running")], [
    typeRow(1, "acme/web", "repository", "running", 0, null),
    typeRow(1, "acme/web", "pull_requests", "pending", 0, null),
  ]);
  const [web] = p.view().repos;
  assert.deepEqual([web.name, web.typesDone, web.percent], ["acme/web", 1, 50]);
});

Deno.test("a pending repository's last error is its note until a chunk commits again", () => {
  const p = loaded();
  p.load(null, [repoRow(1, "acme/web", "pending", "HTTP 502; attempt 1 of 5, retried automatically in 30 s")], []);
  assert.equal(p.view().repos.find((r) => r.name === "acme/web")!.note, "HTTP 502; attempt 1 of 5, retried automatically in 30 s");
  p.applyProgress(progress(1, "pull_requests", 200, 300));
  assert.equal(p.view().repos.find((r) => r.name === "acme/web")!.note, null);
});

Deno.test("broadcasts of another job are ignored", () => {
  const p = loaded();
  assert.equal(p.applyProgress({ ...progress(1, "pull_requests", 300, 300, true), job_id: "another" }), false);
  assert.equal(p.applyFinished({ job_id: "another", status: "completed", title: "x" }), false);
  assert.equal(p.view().percent, 70);
});

Deno.test("backfill_finished ends the job at 100% with its title; a later stale read keeps it ended", () => {
  const p = loaded();
  p.applyFinished({ job_id: JOB, status: "completed_with_errors", title: "Backfill completed: 1 of 2 repositories failed" });
  p.load(jobRow("running"), [], []);
  const v = p.view();
  assert.deepEqual([v.status, v.percent, v.etaSeconds, v.title], [
    "completed_with_errors",
    100,
    null,
    "Backfill completed: 1 of 2 repositories failed",
  ]);
});
