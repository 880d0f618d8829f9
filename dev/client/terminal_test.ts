import assert from "node:assert/strict";
import type { JobView, RepoLine } from "./progress.ts";
import { renderJob, TYPE_LABEL } from "./terminal.ts";

const MESSAGE = "repository acme/missing was not found or is not visible to the configured token: " +
  "check the name or grant access, then retry";

function repo(name: string, extra: Partial<RepoLine>): RepoLine {
  return {
    taskId: 1,
    name,
    status: "running",
    percent: 0,
    typesDone: 0,
    typesCounted: 7,
    itemsDone: 0,
    current: null,
    error: null,
    note: null,
    ...extra,
  };
}

function job(repos: RepoLine[], extra: Partial<JobView> = {}): JobView {
  return {
    jobId: "3ed89ad3-d0dc-414d-af3d-75db3ada72c4",
    kind: "addon",
    windowDays: 365,
    status: "running",
    percent: 41,
    totalRepositories: repos.length,
    completedRepositories: repos.filter((r) => r.status === "completed").length,
    failedRepositories: repos.filter((r) => r.status === "failed").length,
    itemsDone: 1234,
    pointsUsed: 56,
    etaSeconds: 4,
    title: null,
    repos,
    ...extra,
  };
}

const demo = () =>
  job([
    repo("acme/web", { percent: 69, typesDone: 4, current: { dataType: "pull_requests", done: 250, estimate: 300 }, itemsDone: 900 }),
    repo("acme/api", { status: "completed", percent: 100, typesDone: 7, itemsDone: 334 }),
    repo("acme/tiny", { status: "pending" }),
    repo("acme/empty", { percent: 14, typesDone: 1, current: { dataType: "issues", done: 12, estimate: null } }),
    repo("acme/missing", { status: "failed", percent: null, error: MESSAGE }),
  ]);

const width = (l: string) => [...l].length;

Deno.test("one line per repository under three lines for the job, each line within 80 columns", () => {
  const lines = renderJob(demo(), 12_300);
  assert.equal(lines[0], "Job 3ed89ad3 (addon, 365 days) · running · 12 s");
  assert.equal(lines[1], "████████░░░░░░░░░░░░  41% · 1 of 5 repositories done, 1 failed · ETA 4 s");
  assert.equal(lines[2], "1,234 items stored · 56 GraphQL points");
  for (const name of ["acme/web", "acme/api", "acme/tiny", "acme/empty", "acme/missing"]) {
    assert.equal(lines.filter((l) => l.startsWith(name + " ")).length, 1, `one line for ${name}`);
  }
  for (const l of lines) assert.ok(width(l) <= 80, `"${l}" is ${width(l)} columns`);
  assert.ok(lines.length <= 24);
});

Deno.test("a repository's percent agrees with the counts beside it", () => {
  const lines = renderJob(demo(), 0);
  const web = lines.find((l) => l.startsWith("acme/web"))!;
  const m = /(\d+)%\s+(\d+)\/(\d+) types · pull requests (\d+)\/(\d+)$/.exec(web);
  assert.ok(m, web);
  const [pct, done, counted, items, estimate] = m.slice(1).map(Number);
  // The same rule as the views: (types done + the current type's fraction) / types, rounded down.
  assert.equal(pct, Math.floor(((done + items / estimate) / counted) * 100));
});

Deno.test("a type without an estimate shows its count alone, never a made-up total like 0/1", () => {
  const lines = renderJob(demo(), 0);
  const empty = lines.find((l) => l.startsWith("acme/empty"))!;
  assert.match(empty, /issues 12 so far$/);
  assert.ok(!lines.some((l) => /\b0\/1\b/.test(l)), lines.join("\n"));
  assert.match(lines.find((l) => l.startsWith("acme/tiny"))!, /queued$/);
});

Deno.test("a failed repository's message appears once, whole, below the repositories", () => {
  const lines = renderJob(demo(), 0);
  assert.match(lines.find((l) => l.startsWith("acme/missing "))!, /✗ +failed \(message below\)$/);
  const text = lines.join("\n");
  assert.equal(text.split("was not found").length - 1, 1);
  const at = lines.findIndex((l) => l.startsWith("acme/missing: "));
  const block = lines.slice(at).join(" ").replace(/\s+/g, " ");
  assert.ok(block.includes(`acme/missing: ${MESSAGE}`), block);
});

Deno.test("forty repositories with long names and messages still fit 80 × 24, failures and running ones first", () => {
  const repos = Array.from({ length: 40 }, (_, i) =>
    repo(`an-organisation-with-a-long-name/repository-${i}`, {
      taskId: i,
      status: i % 10 === 3 ? "failed" : i % 3 === 0 ? "running" : "completed",
      percent: i % 10 === 3 ? null : i % 3 === 0 ? 50 : 100,
      error: i % 10 === 3 ? MESSAGE + " ".repeat(3) + MESSAGE : null,
      current: i % 3 === 0 ? { dataType: "commits", done: 5000, estimate: 10000 } : null,
    }));
  const lines = renderJob(job(repos, { title: "Backfill completed: 4 of 40 repositories failed; retry them from the job page" }), 1000);
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  for (const l of lines) assert.ok(width(l) <= 80, `"${l}" is ${width(l)} columns`);
  assert.match(lines.join("\n"), /… \d+ more repositories \(\d+ done, \d+ running, 0 queued\)/);
  assert.ok(lines.some((l) => l.startsWith("an-organisation-with-a-…") && l.includes("failed (message below)")));
});

Deno.test("a repository waiting for a retry says so, with the engine's message once below", () => {
  const note = "fetching stars of acme/api failed (HTTP 502); attempt 1 of 5, retried automatically in 30 s";
  const lines = renderJob(job([repo("acme/api", { typesDone: 5, percent: 71, note })]), 0);
  assert.match(lines.find((l) => l.startsWith("acme/api "))!, /71% {2}5\/7 types · waiting to retry \(message below\)$/);
  assert.equal(lines.slice(lines.findIndex((l) => l.startsWith("acme/api (retrying): "))).join(" ").replace(/\s+/g, " "),
    `acme/api (retrying): ${note}`);
});

Deno.test("one item is an item", () => {
  const lines = renderJob(job([repo("acme/empty", { status: "completed", percent: 100, typesDone: 7, itemsDone: 1 })]), 0);
  assert.match(lines.find((l) => l.startsWith("acme/empty"))!, /done · 1 item$/);
});

Deno.test("every data type has a label", () => {
  assert.deepEqual(Object.keys(TYPE_LABEL).sort(), ["commits", "discussions", "forks", "issues", "pull_requests", "repository", "stars"]);
});
