// The main job `npm start` runs on the local stack, as a client app would run it: the demo
// workspace's owner signs in (a local access token: dev/stack/users.ts), buys the Extended Data
// Retention addon with supabase-js (functions.invoke('polar-checkout')), pays on the checkout
// page as the buyer's browser would (the stack's Polar simulator, which then posts its signed
// deliveries to polar-webhook), follows the addon job on the workspace's private Realtime topic
// and reads the final status from the views — all through supabase-js. Then, as an operator, the
// database is compared with the GitHub simulator's ground truth (dev/demo_job.ts).
//
// Window: the addon's full 365 days (that is what the purchase starts). Repositories: only the
// acme/* ones of the default dataset. The simulator gives PR conversation comments and issue
// comments (both `IssueComment` on GitHub, one id space, one table here) overlapping databaseId
// ranges across repositories: e.g. 3 PR comments of globex/docs carry the ids of issue comments
// of acme/web, so a workspace holding both can never equal the ground truth. The acme/* ranges
// do not collide.
import { renderJob } from "./client/terminal.ts";
import type { JobView } from "./client/progress.ts";
import { CheckoutRefused, createAddonCheckout, payCheckout } from "./client/checkout.ts";
import { clientFor, type Client, followJob, newestJob, openBackfillFeed, readJobStatus } from "./client/watch.ts";
import { printFinalStatus, printRowsAndTruth } from "./demo_report.ts";
import {
  compareWithTruth,
  connectDb,
  createDemoWorkspace,
  finishedVerdict,
  simulatorHas,
  summarize,
  verdict,
} from "./demo_job.ts";
import { readFunctionsEnv } from "./stack/functions-env.ts";
import { userToken } from "./stack/users.ts";

/** Varied sizes from the simulator's default dataset (dev/github-sim/dataset.ts DEFAULT_REPOS):
 * acme/web is the big one (300 PRs, 200 issues over 450 days) with PRs of 120–199 reviews and
 * comments (nested overflow, fetched through node(id) follow-ups); acme/api medium, acme/tiny a
 * handful, acme/empty nothing at all; acme/missing does not exist and must fail alone with its
 * actionable message. */
export const DEMO_REPOS = ["acme/web", "acme/api", "acme/tiny", "acme/empty", "acme/missing"];
export const DEMO_MISSING = ["acme/missing"];
export const DEMO_SLUG = "demo";
export const DEMO_OWNER = "owner@demo.local";

export interface DemoStack {
  dbUrl: string;
  apiUrl: string;
  anonKey: string;
  jwtSecret: string;
  functionsUrl: string;
  githubApiUrl: string;
  /** Polar's API the functions use; `polarSimulated` when it is the stack's simulator. */
  polarApiUrl: string;
  polarSimulated: boolean;
}

export interface DemoOptions {
  interactive: boolean;
  signal: AbortSignal;
  /** How long the job may take before the demo gives up. */
  timeoutMs?: number;
  /** `npm start -- --repos owner/name,…`: these repositories instead of DEMO_REPOS. */
  repos?: string[];
  /** The progress page's address for this workspace and token (printed on a terminal). */
  pageUrl?: (workspaceId: string, accessToken: string) => string;
}

const fmtMs = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** Redraws the picture in place, at most 10 times a second (the last picture always drawn). */
function liveTerminal(started: number) {
  let drawn = 0;
  let last = 0;
  let pending: JobView | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s));
  const draw = () => {
    timer = undefined;
    if (!pending) return;
    const { columns, rows } = Deno.consoleSize();
    const lines = renderJob(pending, Date.now() - started, { width: Math.min(columns, 80), height: Math.min(rows - 1, 24) });
    write((drawn ? `\x1b[${drawn}F` : "") + "\x1b[J" + lines.join("\n") + "\n");
    drawn = lines.length;
    last = Date.now();
    pending = null;
  };
  write("\x1b[?25l");
  return {
    update(v: JobView) {
      pending = v;
      if (timer === undefined) timer = setTimeout(draw, Math.max(0, 100 - (Date.now() - last)));
    },
    stop() {
      clearTimeout(timer);
      draw();
      write("\x1b[?25h");
    },
  };
}

/** For logs and pipes: one line every 2 s and on every change of the job's status, then the
 * whole picture once at the end. */
function logLines(started: number, everyMs = 2000) {
  let last = 0;
  let lastStatus = "";
  let latest: JobView | null = null;
  return {
    update(v: JobView) {
      latest = v;
      const now = Date.now();
      if (now - last < everyMs && v.status === lastStatus) return;
      last = now;
      lastStatus = v.status;
      const repos = v.repos.map((r) => `${r.name} ${r.status === "failed" ? "failed" : `${r.percent}%`}`).join(", ");
      console.log(`[${fmtMs(now - started).padStart(7)}] job ${v.status} ${v.percent}% · ${v.completedRepositories} of ` +
        `${v.totalRepositories} repositories done · ${v.itemsDone} items · ${repos}`);
    },
    stop() {
      if (latest) console.log("\n" + renderJob(latest, Date.now() - started, { width: 80, height: 24 }).join("\n"));
    },
  };
}

/** The owner buys the addon; resolves with the job the purchase created. */
async function buyAddon(client: Client, stack: DemoStack, workspaceId: string, timeoutMs: number) {
  const checkout = await createAddonCheckout(client, workspaceId);
  console.log(`polar-checkout: checkout ${checkout.checkout_id}\n  on ${stack.polarApiUrl}`);
  if (stack.polarSimulated) {
    await payCheckout(checkout.url, DEMO_OWNER);
    console.log(`Paid on its page as the buyer's browser would:\n  ${checkout.url}\nPolar posted its signed deliveries to polar-webhook`);
  } else {
    console.log(`Pay in a browser: ${checkout.url}\nWaiting for Polar's webhook…`);
  }
  const deadline = Date.now() + (stack.polarSimulated ? 10_000 : timeoutMs);
  while (Date.now() < deadline) {
    const job = await newestJob(client, workspaceId, "addon");
    if (job) return job;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no addon job appeared in backfill_job_status for workspace ${workspaceId}: did polar-webhook get the deliveries? (services.log)`);
}

/** Runs the demo; true when the job finished as expected and the database equals the truth. */
export async function runDemo(stack: DemoStack, opts: DemoOptions): Promise<boolean> {
  const sql = connectDb(stack.dbUrl);
  // GITHUB_API_URL in the functions' secrets: the stack runs no simulator and the worker talks to
  // that API (api.github.com), so there is no ground truth to compare with.
  const realGithub = (await readFunctionsEnv()).GITHUB_API_URL || null;
  const repos = opts.repos?.length ? opts.repos : DEMO_REPOS;
  const timeoutMs = opts.timeoutMs ?? (realGithub ? 30 * 60_000 : 180_000);
  let client: Client | null = null;
  try {
    const ws = await createDemoWorkspace(sql, DEMO_SLUG, repos, DEMO_OWNER);
    console.log(`\nDemo workspace "${ws.slug}" (${ws.workspaceId})\n  tracking ${repos.join(", ")}` +
      (realGithub ? ` on ${realGithub}` : ""));
    const token = await userToken({ dbUrl: stack.dbUrl, jwtSecret: stack.jwtSecret, apiUrl: stack.apiUrl }, DEMO_OWNER);
    client = clientFor(stack.apiUrl, stack.anonKey, token);
    console.log(`Signed in to supabase-js as ${DEMO_OWNER}, the owner (a local access token)`);
    const feed = await openBackfillFeed(client, ws.workspaceId);
    console.log(`Subscribed to workspace:${ws.workspaceId}:backfill`);
    if (opts.pageUrl) console.log(`Progress page: ${opts.pageUrl(ws.workspaceId, token)}`);

    const started = Date.now();
    let job;
    try {
      job = await buyAddon(client, stack, ws.workspaceId, timeoutMs);
    } catch (e) {
      if (e instanceof CheckoutRefused) console.log(`✗ ${e.message}`);
      throw e;
    }
    console.log(`Addon job ${job.job_id}: ${job.window_days} days, ${job.total_tasks} repositories\n`);

    const view = opts.interactive ? liveTerminal(started) : logLines(started);
    let model;
    try {
      model = await followJob(client, feed, job.job_id, { timeoutMs, signal: opts.signal, onChange: (v) => view.update(v) });
    } finally {
      view.stop();
      await feed.close();
    }
    if (opts.signal.aborted) return false;
    if (!model.finished) console.log(`\n✗ the job did not finish within ${fmtMs(timeoutMs)}`);
    printFinalStatus(await readJobStatus(client, job.job_id), Date.now() - started);
    if (!model.finished) return false;

    const summary = await summarize(sql, job.job_id, repos);
    if (realGithub) {
      printRowsAndTruth(summary, null);
      const v = finishedVerdict(summary);
      console.log(`\nGround-truth comparison skipped: GitHub is ${realGithub}, not the simulator.`);
      if (v.ok) console.log(`✓ the job finished ${summary.job.status}`);
      else for (const p of v.problems) console.log(`✗ ${p}`);
      return v.ok;
    }
    // With --repos on the simulator, the names it does not know are expected to fail alone.
    const missing = opts.repos?.length
      ? (await Promise.all(repos.map(async (r) => (await simulatorHas(stack.githubApiUrl, r)) ? null : r)))
        .filter((r): r is string => r !== null)
      : DEMO_MISSING;
    const present = repos.filter((r) => !missing.includes(r));
    const truth = await compareWithTruth(sql, stack.githubApiUrl, present, summary.windowStart);
    printRowsAndTruth(summary, truth);
    const v = verdict(summary, truth, missing);
    if (v.ok) {
      console.log(`\n✓ the database equals the ground truth for every repository and type` +
        (missing.length ? `; ${missing.join(", ")} failed alone with its actionable message` : ""));
    } else {
      console.log(`\n✗ ${v.problems.length} problem(s):`);
      for (const p of v.problems) console.log(`  - ${p}`);
    }
    return v.ok;
  } finally {
    await client?.removeAllChannels();
    await sql.end({ timeout: 2 });
  }
}
