// What `npm start` prints once the job ended: the final status as the owner reads it from the
// views (supabase-js), then, as an operator, the rows stored and the comparison with the GitHub
// simulator's ground truth.
import { TYPE_LABEL } from "./client/terminal.ts";
import type { readJobStatus } from "./client/watch.ts";
import { type Summary, TRUTH_TYPES, type TruthRow } from "./demo_job.ts";

const fmtMs = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

export function printFinalStatus(s: Awaited<ReturnType<typeof readJobStatus>>, elapsedMs: number): void {
  const j = s.job;
  if (!j) {
    console.log("\nbackfill_job_status has no row for the job: is the owner still a member?");
    return;
  }
  console.log(`\nFinal status from the views (backfill_job_status, _repository_status, _data_type_status)`);
  console.log(`  job               ${j.job_id}`);
  console.log(`  status            ${j.status}, ${j.percent}%`);
  console.log(`  repositories      ${j.completed_tasks} of ${j.total_tasks} completed, ${j.failed_tasks} failed`);
  console.log(`  window            ${j.window_days} days`);
  const worker = j.started_at && j.finished_at
    ? ` (${fmtMs(new Date(j.finished_at).getTime() - new Date(j.started_at).getTime())} of worker time)`
    : "";
  console.log(`  duration          ${fmtMs(elapsedMs)} from the purchase${worker}`);
  console.log(`  points used       ${j.points_used} GraphQL points`);
  const perType = new Map<string, number>();
  const skipped = new Set<string>();
  for (const t of s.types) {
    if (t.status === "skipped") skipped.add(t.data_type);
    else perType.set(t.data_type, (perType.get(t.data_type) ?? 0) + t.items_done);
  }
  console.log(`  items per type    ${[...perType].map(([t, n]) => `${TYPE_LABEL[t] ?? t} ${n}`).join(", ")}`);
  if (skipped.size) console.log(`  not fetched       ${[...skipped].join(", ")} (skipped by the engine)`);
  const failures = s.repos.filter((r) => r.status === "failed");
  if (failures.length === 0) console.log("  failures          none");
  for (const f of failures) console.log(`  failure           ${f.full_name}: ${f.last_error ?? "(no message)"}`);
}

/** Rows stored per type (and the largest PR); with `truth`, the comparison per repository. */
export function printRowsAndTruth(s: Summary, truth: TruthRow[] | null): void {
  console.log(`\nStored rows (SQL): ` + TRUTH_TYPES.map((t) => `${t.label} ${s.rowsPerType[t.type]}`).join(", "));
  if (s.largestPr) {
    const l = s.largestPr;
    console.log(`  largest PR ${l.repo}#${l.number}: ${l.reviews} reviews, ${l.comments} conversation comments ` +
      "(nested pages beyond the first came through node(id) follow-ups)");
  }
  if (!truth) return;
  console.log(`\nDatabase vs the simulator's ground truth (ids compared; activity inside the window since ${s.windowStart})`);
  const byRepo = new Map<string, TruthRow[]>();
  for (const r of truth) byRepo.set(r.repo, [...(byRepo.get(r.repo) ?? []), r]);
  for (const [repo, rs] of byRepo) {
    const cells = rs.map((r) => {
      const label = TRUTH_TYPES.find((t) => t.type === r.type)!.label;
      return r.ok
        ? `${label} ${r.stored} ✓`
        : `${label} ${r.stored}/${r.expected} ✗ (${r.missing.length} missing, ${r.extra.length} unexpected)`;
    });
    console.log(`  ${pad(repo, 14)} ${cells.join(" · ")}`);
  }
}
