// The main job `npm start` runs on the local stack (the logic lives in demo_job.ts, shared with
// the end-to-end test): a demo workspace of simulator repositories of varied size and its owner,
// a signed addon purchase sent to the REAL polar-webhook function, then the real engine path
// (webhook → job row → fan-out trigger → pgmq → worker kicked by net.http_post through the
// gateway → chunks) watched from the public.backfill_* views: live bars per repository and data
// type on a terminal (cli-progress), plain progress lines otherwise. Then a summary and the
// comparison of the database with the simulator's ground truth.
//
// Window: the addon's full 365 days (that is what the purchase starts). Over the repositories
// below the real worker path takes about a second on a 2-core machine, so neither a smaller
// window nor smaller repositories are needed.
//
// Repositories: only the acme/* ones of the default dataset. The simulator gives PR
// conversation comments and issue comments (both `IssueComment` on GitHub, one id space, one
// table here) overlapping databaseId ranges across repositories: e.g. 3 PR comments of
// globex/docs (1609448–1609450) carry the ids of issue comments of acme/web, so a workspace
// holding both can never equal the ground truth (the later upsert takes the row over). The
// acme/* ranges do not collide. See the report in the commit that added this file.
import process from "node:process";
import cliProgress from "npm:cli-progress@3.12.0";
import { readFunctionsEnv } from "./stack/functions-env.ts";
import {
  compareWithTruth,
  connectDb,
  createDemoWorkspace,
  findAddonJob,
  finishedVerdict,
  recordAddonCheckout,
  sendAddonPurchase,
  simulatorHas,
  type Snapshot,
  type StackUrls,
  summarize,
  type Summary,
  TRUTH_TYPES,
  type TruthRow,
  verdict,
  watchJob,
} from "./demo_job.ts";

/** Varied sizes from the simulator's default dataset (dev/github-sim/dataset.ts DEFAULT_REPOS):
 * acme/web is the big one (300 PRs, 200 issues over 450 days) with PRs of 120–199 reviews and
 * comments (nested overflow, fetched through node(id) follow-ups); acme/api medium, acme/tiny a
 * handful, acme/empty nothing at all; acme/missing does not exist and must fail alone with its
 * actionable message. */
export const DEMO_REPOS = ["acme/web", "acme/api", "acme/tiny", "acme/empty", "acme/missing"];
export const DEMO_MISSING = ["acme/missing"];
export const DEMO_SLUG = "demo";
export const DEMO_OWNER = "owner@demo.local";

const TYPE_LABEL: Record<string, string> = {
  repository: "metadata",
  pull_requests: "pull requests",
  issues: "issues",
};

export interface DemoOptions {
  interactive: boolean;
  signal: AbortSignal;
  /** How long the job may take before the demo gives up. */
  timeoutMs?: number;
  /** `npm start -- --repos owner/name,…`: these repositories instead of DEMO_REPOS. */
  repos?: string[];
}

const fmtMs = (
  ms: number | null,
) => (ms === null ? "–" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

/** Live bars: one for the job, one per repository and data type (created as they appear). */
function barsView(started: number) {
  const multi = new cliProgress.MultiBar({
    stream: process.stdout,
    format: " {label} {bar} {value}/{total} {state}",
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    autopadding: true,
    fps: 10,
  }, cliProgress.Presets.shades_classic);
  const jobBar = multi.create(1, 0, {
    label: pad("job (all repositories)", 28),
    state: "starting",
  });
  const bars = new Map<string, ReturnType<typeof multi.create>>();
  return {
    update(s: Snapshot) {
      const eta = s.job.eta_seconds !== null ? ` · ETA ${s.job.eta_seconds} s` : "";
      jobBar.setTotal(Math.max(1, s.job.estimated_total, s.job.items_done));
      jobBar.update(s.job.items_done, {
        state: `${s.job.status} ${s.job.percent.toFixed(0)}% · ${s.job.points_used} points · ${
          fmtMs(Date.now() - started)
        }${eta}`,
      });
      for (const p of s.progress) {
        const key = `${p.task_id}/${p.data_type}`;
        const total = Math.max(
          p.estimated_total ?? 0,
          p.items_done,
          p.status === "completed" ? p.items_done : 1,
        );
        const label = pad(`${p.full_name} ${TYPE_LABEL[p.data_type] ?? p.data_type}`, 28);
        const why = p.last_error ?? "";
        const state = p.status === "failed"
          ? `failed: ${why.length > 40 ? why.slice(0, 40) + "…" : why}`
          : p.status;
        let bar = bars.get(key);
        if (!bar) {
          bar = multi.create(total, p.items_done, { label, state });
          bars.set(key, bar);
        }
        bar.setTotal(total);
        bar.update(p.items_done, { label, state });
      }
    },
    stop() {
      multi.stop();
    },
  };
}

/** Plain lines for logs and pipes: one every `everyMs`, plus one when the job ends. */
function linesView(started: number, everyMs = 2000) {
  let last = 0;
  let lastStatus = "";
  return {
    update(s: Snapshot) {
      const now = Date.now();
      const terminal = !["pending", "running"].includes(s.job.status);
      if (now - last < everyMs && s.job.status === lastStatus && !terminal) return;
      last = now;
      lastStatus = s.job.status;
      const perRepo = new Map<string, { done: number; total: number; failed: boolean }>();
      for (const p of s.progress) {
        const r = perRepo.get(p.full_name) ?? { done: 0, total: 0, failed: false };
        r.done += p.items_done;
        r.total += Math.max(p.estimated_total ?? 0, p.items_done);
        r.failed ||= p.status === "failed";
        perRepo.set(p.full_name, r);
      }
      const repos = [...perRepo].map(([n, r]) =>
        `${n} ${r.failed ? "failed" : `${r.done}/${r.total}`}`
      ).join(", ");
      console.log(
        `[${pad(fmtMs(now - started), 7)}] job ${s.job.status} ${s.job.percent.toFixed(1)}% ` +
          `(${s.job.items_done}/${s.job.estimated_total} items, ${s.job.points_used} points) · ${repos}`,
      );
    },
    stop() {},
  };
}

function printSummary(s: Summary) {
  const j = s.job;
  console.log(`\nSummary of backfill job ${j.id}`);
  console.log(
    `  status            ${j.status} (${j.completed_tasks} of ${j.total_tasks} repositories completed, ${j.failed_tasks} failed)`,
  );
  console.log(`  window            ${j.window_days} days (since ${s.windowStart})`);
  console.log(
    `  duration          ${fmtMs(s.durationMs)} from purchase to the job's end` +
      (j.started_at && j.finished_at
        ? ` (${fmtMs(j.finished_at.getTime() - j.started_at.getTime())} of worker time)`
        : ""),
  );
  console.log(`  points used       ${j.points_used} GraphQL points`);
  console.log(
    `  items per type    ` +
      Object.entries(s.itemsPerDataType).map(([t, n]) => `${TYPE_LABEL[t] ?? t} ${n}`).join(", "),
  );
  console.log(
    `  rows stored       ` +
      TRUTH_TYPES.map((t) => `${t.label} ${s.rowsPerType[t.type]}`).join(", "),
  );
  if (s.largestPr) {
    const l = s.largestPr;
    console.log(
      `  largest PR        ${l.repo}#${l.number}: ${l.reviews} reviews, ${l.comments} conversation comments ` +
        "(nested pages beyond the first came through node(id) follow-ups)",
    );
  }
  if (s.skippedTypes.length > 0) {
    console.log(`  not fetched yet   ${s.skippedTypes.join(", ")} (the engine marks them skipped)`);
  }
  if (s.failures.length === 0) console.log("  failures          none");
  for (const f of s.failures) console.log(`  failure           ${f.repo}: ${f.message}`);
}

function printTruth(rows: TruthRow[], since: string) {
  console.log(
    `\nDatabase vs the simulator's ground truth (ids compared; activity inside the window since ${since})`,
  );
  const byRepo = new Map<string, TruthRow[]>();
  for (const r of rows) byRepo.set(r.repo, [...(byRepo.get(r.repo) ?? []), r]);
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

/** Runs the demo; true when the job finished as expected and the database equals the truth. */
export async function runDemo(urls: StackUrls, opts: DemoOptions): Promise<boolean> {
  const sql = connectDb(urls.dbUrl);
  // GITHUB_API_URL in the functions' secrets: the stack runs no simulator and the worker talks to
  // that API (api.github.com), so there is no ground truth to compare with.
  const realGithub = (await readFunctionsEnv()).GITHUB_API_URL || null;
  const repos = opts.repos?.length ? opts.repos : DEMO_REPOS;
  const timeoutMs = opts.timeoutMs ?? (realGithub ? 30 * 60_000 : 180_000);
  try {
    const ws = await createDemoWorkspace(sql, DEMO_SLUG, repos, DEMO_OWNER);
    console.log(
      `\nDemo workspace "${ws.slug}" (${ws.workspaceId}), owner ${DEMO_OWNER}, tracking ${
        repos.join(", ")
      }` + (realGithub ? ` on ${realGithub}` : ""),
    );
    const started = Date.now();
    const sent = await sendAddonPurchase(urls.functionsUrl, ws.workspaceId, await recordAddonCheckout(sql, ws.workspaceId));
    console.log(
      `Sent a signed Polar subscription.active for the Extended Data Retention addon (${sent.subscriptionId}) ` +
        `to ${urls.functionsUrl}/polar-webhook → ${sent.status} ${sent.body}`,
    );
    if (sent.status !== 200) return false;
    const job = await findAddonJob(sql, ws.workspaceId);
    console.log(
      `The purchase created addon backfill job ${job.id} (${job.window_days} days, ${job.total_tasks} repositories); ` +
        `the fan-out trigger queued its tasks and kicked the worker.\n`,
    );

    const view = opts.interactive ? barsView(started) : linesView(started);
    let final: Snapshot | null;
    try {
      final = await watchJob(sql, job.id, {
        timeoutMs,
        signal: opts.signal,
        intervalMs: opts.interactive ? 200 : 500,
        onSnapshot: (s) => view.update(s),
      });
    } finally {
      view.stop();
    }
    if (opts.signal.aborted) return false;
    if (!final) {
      console.log(`\n✗ the job did not finish within ${fmtMs(timeoutMs)}`);
    }
    const summary = await summarize(sql, job.id, repos);
    printSummary(summary);
    if (!final) return false;
    if (realGithub) {
      const v = finishedVerdict(summary);
      console.log(
        `\nGround-truth comparison skipped: GitHub is ${realGithub}, not the simulator.`,
      );
      if (v.ok) console.log(`✓ the job finished ${summary.job.status}`);
      else for (const p of v.problems) console.log(`✗ ${p}`);
      return v.ok;
    }
    // With --repos on the simulator, the names it does not know are expected to fail alone.
    const missing = opts.repos?.length
      ? (await Promise.all(
        repos.map(async (r) => (await simulatorHas(urls.githubApiUrl, r)) ? null : r),
      ))
        .filter((r): r is string => r !== null)
      : DEMO_MISSING;
    const present = repos.filter((r) => !missing.includes(r));
    const truth = await compareWithTruth(sql, urls.githubApiUrl, present, summary.windowStart);
    printTruth(truth, summary.windowStart);
    const v = verdict(summary, truth, missing);
    if (v.ok) {
      console.log(
        `\n✓ the database equals the ground truth for every repository and type` +
          (missing.length
            ? `; ${missing.join(", ")} failed alone with its actionable message`
            : ""),
      );
    } else {
      console.log(`\n✗ ${v.problems.length} problem(s):`);
      for (const p of v.problems) console.log(`  - ${p}`);
    }
    return v.ok;
  } finally {
    await sql.end({ timeout: 2 });
  }
}
