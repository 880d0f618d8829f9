// The soak's summary: what the workload did, what the simulator saw, and the comparison of the
// database with the ground truth per repository and type.
import { TRUTH_TYPES } from "../demo_job.ts";
import { FAULTS, LIMITS, type SoakResult } from "./core.ts";

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);

export function printSummary(r: SoakResult, print: (s: string) => void = console.log) {
  const v = r.verification;
  const w = r.workers;
  const c = r.counters;
  print(`\nSoak summary (seed ${r.seed}, ${(r.elapsedMs / 1000).toFixed(0)} s)`);
  print(
    `  client actions     ${
      Object.entries(r.actions).map(([k, n]) => `${k} ${n}`).join(", ")
    } → ${r.jobIds.length} jobs`,
  );
  print(`  jobs ended         ${v.jobs.map((j) => `${j.kind} ${j.status} ${j.n}`).join(", ")}`);
  print(
    `  worker passes      ${w.passes} (${w.passesIdle} idle), killed: ${w.crashes} at a chunk boundary, ${w.aborts} mid-flight` +
      (w.leakedByKills ? ` (${w.leakedByKills} rejections leaked by postgres.js from destroyed pools)` : ""),
  );
  print(
    `  completed passes   ${w.report.tasksClaimed} tasks claimed, ${w.report.chunksCommitted} chunks committed, ` +
      `${w.report.tasksReleased} released, ${w.report.budgetWaits} budget waits, ${w.report.pointsUsed} points`,
  );
  print(
    `  simulator          ${c.requests.total} requests (${c.requests.graphql} GraphQL, ${c.requests.rest} REST), ` +
      `${c.pointsSpent} points; outcomes ${
        Object.entries(c.outcomes).map(([k, n]) => `${k} ${n}`).join(", ")
      }`,
  );
  print(
    `  faults, limits     ${
      Object.entries({ ...FAULTS, ...LIMITS }).map(([k, n]) => `${k} ${n}`).join(", ")
    }`,
  );
  print(
    `  violations         primary ${v.violations.primary}, secondary ${v.violations.secondary}`,
  );
  const failures = new Map<string, number>();
  for (const f of v.failedTasks) {
    failures.set(`${f.repo}: ${f.message}`, (failures.get(`${f.repo}: ${f.message}`) ?? 0) + 1);
  }
  for (const [m, n] of failures) print(`  failed task ×${n}    ${m}`);

  const types = TRUTH_TYPES.map((t) => t.type);
  const short: Record<string, string> = {
    pull_requests: "PRs",
    reviews: "reviews",
    review_comments: "rev.cmt",
    pr_comments: "PR cmt",
    issues: "issues",
    issue_comments: "iss.cmt",
    discussions: "disc",
    discussion_comments: "disc.cmt",
    commits: "commits",
    forks: "forks",
    stars: "star days",
  };
  print(`\n  stored = ground truth inside the widest finished window (✓), per repository and type`);
  print(`  ${pad("repository", 14)}${types.map((t) => lpad(short[t] ?? t, 10)).join("")}`);
  const repos = [...new Set(v.coverage.map((x) => x.repo))];
  for (const repo of repos) {
    const cells = types.map((t) => {
      const row = v.coverage.find((x) => x.repo === repo && x.type === t)!;
      return lpad(`${row.stored}${row.ok ? "✓" : "✗"}`, 10);
    });
    print(`  ${pad(repo, 14)}${cells.join("")}`);
  }
  const days = (
    iso: string | null,
  ) => (iso ? `${Math.round((Date.now() - Date.parse(iso)) / 86_400_000)} d` : "–");
  print(`  widest finished window (days back) per data type:`);
  for (const repo of repos) {
    const of = (t: string) =>
      days(v.coverage.find((x) => x.repo === repo && x.type === t)?.covered ?? null);
    print(
      `    ${pad(repo, 12)} PRs ${of("pull_requests")}, issues ${of("issues")}, discussions ${
        of("discussions")
      }, ` +
        `commits ${of("commits")}, forks ${of("forks")}, stars ${of("stars")}`,
    );
  }
  if (v.problems.length === 0) {
    print(
      `\n✓ every job terminal, database = ground truth for every (repository, type), no duplicates, ` +
        `every failure recorded with an actionable message, 0 limit violations`,
    );
  } else {
    print(`\n✗ ${v.problems.length} problem(s):`);
    for (const p of v.problems) print(`  - ${p}`);
  }
}
