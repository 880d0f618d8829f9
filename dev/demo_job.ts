// The main job of `npm start`, without any terminal drawing, so the end-to-end test
// (supabase/tests/e2e/main_job.test.ts) runs exactly what the demo runs:
//   a workspace tracking simulator repositories + an owner → a signed Polar purchase of the
//   Extended Data Retention addon sent to the REAL polar-webhook function → the addon job row →
//   the fan-out trigger (tasks, pgmq messages) → the worker kicked by net.http_post through the
//   gateway → chunks committed → the job ends; then the database is compared with the
//   simulator's ground truth (GET /_sim/truth over HTTP, ids compared inside the job's window).
// Nothing here drives the worker: the demo only watches the public.backfill_* tables and views.
import { createSql, type Sql } from "../supabase/functions/_shared/db.ts";
import { signPolarWebhook, subscriptionEvent } from "./polar/deliveries.ts";
import { readFunctionsEnv } from "./stack/functions-env.ts";
import { CONTENT_TYPES, type ContentType, expectedContent } from "./expected_content.ts";

export type { Sql };

export interface StackUrls {
  dbUrl: string;
  functionsUrl: string;
  githubApiUrl: string;
}

export function connectDb(dbUrl: string, max = 3): Sql {
  return createSql(dbUrl, { max });
}

/** The content types the engine stores today, as the simulator's ground truth names them, with
 * the query that lists the stored ids of one repository. */
export const TRUTH_TYPES = [
  { type: "pull_requests", label: "pull requests", table: "public.pull_requests", where: "" },
  { type: "reviews", label: "reviews", table: "public.reviews", where: "" },
  { type: "review_comments", label: "review comments", table: "public.review_comments", where: "" },
  {
    type: "pr_comments",
    label: "PR comments",
    table: "public.issue_comments",
    where: "and pull_request_id is not null",
  },
  { type: "issues", label: "issues", table: "public.issues", where: "" },
  {
    type: "issue_comments",
    label: "issue comments",
    table: "public.issue_comments",
    where: "and issue_id is not null",
  },
  { type: "discussions", label: "discussions", table: "public.discussions", where: "" },
  {
    type: "discussion_comments",
    label: "discussion comments (with replies)",
    table: "public.discussion_comments",
    where: "",
  },
  { type: "commits", label: "commits", table: "public.commits", where: "", id: "sha" },
  { type: "forks", label: "forks", table: "public.forks", where: "" },
  // Stars are compared per day ("YYYY-MM-DD=n"); days without stars may be stored or not.
  {
    type: "stars",
    label: "star days",
    table: "public.star_history",
    where: "and stars > 0",
    id: "to_char(day, 'YYYY-MM-DD') || '=' || stars",
  },
] as const;

/** The id the comparison uses for one ground-truth item (null: not compared). */
export function truthId(
  type: string,
  i: { databaseId?: number; oid?: string; date?: string; count?: number },
) {
  if (type === "commits") return i.oid ?? null;
  if (type === "stars") return i.count ? `${i.date}=${i.count}` : null;
  return i.databaseId === undefined ? null : String(i.databaseId);
}

export interface DemoWorkspace {
  workspaceId: string;
  slug: string;
  ownerId: string;
  repos: string[];
}

/**
 * A fresh workspace `slug` (an earlier one of that slug is deleted with its jobs) on the pro tier
 * tracking `repos`, owned by `ownerEmail`. The stored content of those repositories is deleted
 * first, so the comparison with the ground truth is about this run only.
 */
export async function createDemoWorkspace(
  sql: Sql,
  slug: string,
  repos: string[],
  ownerEmail: string,
): Promise<DemoWorkspace> {
  const lower = repos.map((r) => r.toLowerCase());
  await sql`delete from public.workspaces where slug = ${slug}`;
  // The demo runs the deployed path: make sure an operator (or a test) has not paused it.
  await sql`update engine.worker_settings set automatic_invocations = true, reason = null, updated_at = now()`;
  await sql`delete from public.repositories where lower(full_name) = any(${lower})`;
  const [existing] =
    await sql`select id from auth.users where email = ${ownerEmail} order by created_at limit 1`;
  const ownerId: string = existing?.id ?? (await sql`
    insert into auth.users (email, email_confirmed_at, raw_user_meta_data)
    values (${ownerEmail}, now(), ${sql.json({ full_name: "Demo Owner" })}) returning id`)[0].id;
  const [ws] = await sql`
    insert into public.workspaces (slug, name, tier) values (${slug}, ${
    "Demo " + slug
  }, 'pro') returning id`;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${ws.id}, ${ownerId}, 'owner')`;
  for (const full of repos) {
    const [owner, name] = full.split("/");
    const [t] = await sql`
      insert into public.tracked_repositories (owner, name) values (${owner}, ${name})
      on conflict ((lower(full_name))) do update set status = 'pending', repository_id = null, last_error = null
      returning id`;
    await sql`
      insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id, added_by)
      values (${ws.id}, ${t.id}, ${ownerId})`;
  }
  return { workspaceId: ws.id, slug, ownerId, repos };
}

/** Records an addon checkout for the workspace as polar-checkout does for its owner (the webhook
 * attaches a subscription only to the workspace its checkout was made for); returns its id. */
export async function recordAddonCheckout(sql: Sql, workspaceId: string): Promise<string> {
  const env = await readFunctionsEnv();
  const product = env.POLAR_PRODUCT_ID_EXTENDED_RETENTION?.split(",")[0]?.trim() ?? "";
  const checkoutId = `co_demo_${crypto.randomUUID().slice(0, 8)}`;
  await sql`select private.record_polar_checkout(${workspaceId}::uuid,
    (select m.user_id from public.workspace_members m where m.workspace_id = ${workspaceId} and m.role = 'owner' limit 1),
    ${checkoutId}, ${product}, ${"https://polar.test/checkout/" + checkoutId}, now() + interval '1 day')`;
  return checkoutId;
}

/** Sends a signed `subscription.active` for the addon to the real polar-webhook function, the way
 * Polar does after the checkout `checkoutId` was paid (dev/polar/deliveries.ts's signer). */
export async function sendAddonPurchase(
  functionsUrl: string,
  workspaceId: string,
  checkoutId: string,
  /** Deliveries of the same signed event, as Polar retries one answered 5xx (1 = no retry). */
  deliveries = 1,
): Promise<{ status: number; body: string; subscriptionId: string }> {
  const env = await readFunctionsEnv();
  const secret = env.POLAR_WEBHOOK_SECRET;
  const product = env.POLAR_PRODUCT_ID_EXTENDED_RETENTION?.split(",")[0]?.trim();
  if (!secret || !product) {
    throw new Error(
      "POLAR_WEBHOOK_SECRET and POLAR_PRODUCT_ID_EXTENDED_RETENTION must be set in supabase/functions/.env(.example) or the FUNCTIONS_ENV_FILE",
    );
  }
  const subscriptionId = `sub_demo_${crypto.randomUUID().slice(0, 8)}`;
  const body = JSON.stringify(subscriptionEvent({
    type: "subscription.active",
    subscriptionId,
    productId: product,
    metadata: { workspace_id: workspaceId },
    checkoutId,
  }));
  const headers = await signPolarWebhook(body, secret);
  for (let attempt = 1;; attempt++) {
    const res = await fetch(`${functionsUrl}/polar-webhook`, { method: "POST", headers, body });
    const text = await res.text();
    if (res.status < 500 || attempt >= deliveries) return { status: res.status, body: text, subscriptionId };
    await new Promise((r) => setTimeout(r, 500 * attempt));
  }
}

export interface JobRow {
  id: string;
  status: string;
  window_days: number;
  total_tasks: number;
  completed_tasks: number;
  failed_tasks: number;
  points_used: number;
  items_done: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** The addon job the purchase created (waits for it: the webhook creates it in its transaction). */
export async function findAddonJob(
  sql: Sql,
  workspaceId: string,
  timeoutMs = 10_000,
): Promise<JobRow> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const [job] = await sql<JobRow[]>`
      select * from public.backfill_jobs where workspace_id = ${workspaceId} and kind = 'addon'
      order by created_at desc limit 1`;
    if (job) return job;
    if (Date.now() > deadline) {
      throw new Error(
        `no addon backfill job appeared for workspace ${workspaceId} within ${timeoutMs} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ProgressRow {
  task_id: number;
  full_name: string;
  data_type: string;
  status: string;
  items_done: number;
  estimated_total: number | null;
  last_error: string | null;
}

export interface Snapshot {
  job: {
    status: string;
    percent: number;
    items_done: number;
    estimated_total: number;
    eta_seconds: number | null;
    points_used: number;
  };
  repos: { full_name: string; status: string; last_error: string | null; points_used: number }[];
  progress: ProgressRow[];
}

/** What a client sees of the job: public.backfill_job_status, _repository_status, _data_type_status. */
export async function snapshot(sql: Sql, jobId: string): Promise<Snapshot> {
  const [job] = await sql`
    select status, percent::float8 as percent, items_done::int8 as items_done, estimated_total::int8 as estimated_total,
           eta_seconds::int8 as eta_seconds, points_used::int8 as points_used
    from public.backfill_job_status where job_id = ${jobId}`;
  const repos = await sql`
    select full_name, status, last_error, points_used::int8 as points_used
    from public.backfill_repository_status where job_id = ${jobId} order by full_name`;
  const progress = await sql<ProgressRow[]>`
    select task_id, full_name, data_type, status, items_done::int8 as items_done,
           estimated_total::int8 as estimated_total, last_error
    from public.backfill_data_type_status where job_id = ${jobId} and status <> 'skipped'
    order by full_name, array_position(array['repository', 'pull_requests', 'issues', 'discussions', 'commits', 'stars', 'forks'], data_type), data_type`;
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  return {
    job: {
      status: job.status,
      percent: Number(job.percent),
      items_done: Number(job.items_done),
      estimated_total: Number(job.estimated_total),
      eta_seconds: num(job.eta_seconds),
      points_used: Number(job.points_used),
    },
    repos: repos.map((r) => ({
      full_name: r.full_name,
      status: r.status,
      last_error: r.last_error,
      points_used: Number(r.points_used),
    })),
    progress: progress.map((p) => ({
      ...p,
      items_done: Number(p.items_done),
      estimated_total: num(p.estimated_total),
    })),
  };
}

export const TERMINAL_JOB_STATUSES = ["completed", "completed_with_errors", "failed", "cancelled"];

/** Polls until the job is terminal, calling `onSnapshot` each time; null when `timeoutMs` passed
 * or `signal` aborted first. */
export async function watchJob(
  sql: Sql,
  jobId: string,
  opts: {
    intervalMs?: number;
    timeoutMs: number;
    signal?: AbortSignal;
    onSnapshot?: (s: Snapshot) => void;
  },
): Promise<Snapshot | null> {
  const deadline = Date.now() + opts.timeoutMs;
  while (true) {
    const s = await snapshot(sql, jobId);
    opts.onSnapshot?.(s);
    if (TERMINAL_JOB_STATUSES.includes(s.job.status)) return s;
    if (Date.now() > deadline || opts.signal?.aborted) return null;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

export interface Summary {
  job: JobRow;
  durationMs: number | null;
  windowStart: string;
  skippedTypes: string[];
  /** Items done per data type of the job (progress counters), summed over repositories. */
  itemsPerDataType: Record<string, number>;
  /** Rows stored per content type over the workspace's repositories. */
  rowsPerType: Record<string, number>;
  failures: { repo: string; message: string }[];
  /** The pull request with the most reviews + conversation comments (nested overflow check). */
  largestPr: { repo: string; number: number; reviews: number; comments: number } | null;
}

export async function summarize(sql: Sql, jobId: string, repos: string[]): Promise<Summary> {
  const [job] = await sql<JobRow[]>`select * from public.backfill_jobs where id = ${jobId}`;
  const [{ window_start, skipped }] = await sql`
    select min(p.window_start) as window_start,
           coalesce(array_agg(distinct p.data_type) filter (where p.status = 'skipped'), '{}') as skipped
    from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId}`;
  const perType = await sql`
    select p.data_type, sum(p.items_done)::int8 as n
    from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
    where t.job_id = ${jobId} and p.status <> 'skipped' group by p.data_type`;
  const failures = await sql`
    select full_name, last_error from public.backfill_repository_status
    where job_id = ${jobId} and status = 'failed' order by full_name`;
  const rowsPerType: Record<string, number> = {};
  const lower = repos.map((r) => r.toLowerCase());
  for (const t of TRUTH_TYPES) {
    const [{ n }] = await sql.unsafe(
      `select count(*)::int8 as n from ${t.table} where repository_id in
         (select id from public.repositories where lower(full_name) = any($1)) ${t.where}`,
      [lower],
    );
    rowsPerType[t.type] = Number(n);
  }
  const [largest] = await sql`
    select * from (
      select r.full_name as repo, p.number,
             (select count(*) from public.reviews x where x.pull_request_id = p.id)::int as reviews,
             (select count(*) from public.issue_comments x where x.pull_request_id = p.id)::int as comments
      from public.pull_requests p join public.repositories r on r.id = p.repository_id
      where lower(r.full_name) = any(${lower})
    ) s order by reviews + comments desc limit 1`;
  return {
    job,
    largestPr: largest
      ? {
        repo: largest.repo,
        number: largest.number,
        reviews: largest.reviews,
        comments: largest.comments,
      }
      : null,
    durationMs: job.finished_at ? job.finished_at.getTime() - job.created_at.getTime() : null,
    windowStart: new Date(window_start).toISOString(),
    skippedTypes: (skipped as string[]).sort(),
    itemsPerDataType: Object.fromEntries(perType.map((r) => [r.data_type, Number(r.n)])),
    rowsPerType,
    failures: failures.map((f) => ({ repo: f.full_name, message: f.last_error ?? "(no message)" })),
  };
}

export interface TruthRow {
  repo: string;
  type: string;
  expected: number;
  stored: number;
  /** GitHub ids (commits: oids; stars: "YYYY-MM-DD=n"). */
  missing: string[];
  extra: string[];
  ok: boolean;
}

/** One type of the simulator's ground truth for `repo` over HTTP (GET /_sim/truth). */
async function truthItems(githubApiUrl: string, repo: string, type: string, since?: string) {
  const url = `${githubApiUrl}/_sim/truth?${new URLSearchParams({ repo, type, ...(since ? { since } : {}) })}`;
  const res = await fetch(url);
  const body = await res.json() as {
    items?: { databaseId?: number; oid?: string; date?: string; count?: number; updatedAt?: string; parentDatabaseId?: number }[];
    message?: string;
  };
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${body.message ?? JSON.stringify(body)}`);
  return body.items ?? [];
}

/** For every repository and content type: the ids in the database equal what the job stores by
 * the simulator's ground truth: PRs, issues and discussions with activity inside the window and
 * the comments updated inside it (dev/expected_content.ts); commits, forks and star days since
 * `since`. */
export async function compareWithTruth(
  sql: Sql,
  githubApiUrl: string,
  repos: string[],
  since: string,
): Promise<TruthRow[]> {
  const rows: TruthRow[] = [];
  for (const repo of repos) {
    const [r] =
      await sql`select id from public.repositories where lower(full_name) = ${repo.toLowerCase()}`;
    const all = new Map<ContentType, Awaited<ReturnType<typeof truthItems>>>();
    for (const type of CONTENT_TYPES) all.set(type, await truthItems(githubApiUrl, repo, type));
    const content = expectedContent((type) => all.get(type)!, since).ids;
    for (const t of TRUTH_TYPES) {
      const expected = new Set(
        t.type in content
          ? content[t.type as ContentType].map(String)
          : (await truthItems(githubApiUrl, repo, t.type, since)).map((i) => truthId(t.type, i))
            .filter((x) => x !== null),
      );
      const idSql = "id" in t ? t.id : "id";
      const stored = new Set<string>(
        r
          ? (await sql.unsafe(
            `select (${idSql})::text as id from ${t.table} where repository_id = $1 ${t.where}`,
            [r.id],
          )).map((x) => String(x.id))
          : [],
      );
      const missing = [...expected].filter((id) => !stored.has(id));
      const extra = [...stored].filter((id) => !expected.has(id));
      rows.push({
        repo,
        type: t.type,
        expected: expected.size,
        stored: stored.size,
        missing,
        extra,
        ok: missing.length === 0 && extra.length === 0,
      });
    }
  }
  return rows;
}

/** Whether the simulator knows `repo` (missing repositories answer 400 on /_sim/truth). */
export async function simulatorHas(githubApiUrl: string, repo: string): Promise<boolean> {
  const res = await fetch(
    `${githubApiUrl}/_sim/truth?${new URLSearchParams({ repo, type: "issues" })}`,
  );
  await res.body?.cancel();
  return res.ok;
}

export const NOT_FOUND_MESSAGE = (repo: string) =>
  `repository ${repo} was not found or is not visible to the configured token: check the name or grant access, then retry`;

export interface Verdict {
  ok: boolean;
  problems: string[];
}

/** The run is good when the job finished (completed, or completed_with_errors only because of the
 * expected missing repositories, each with the actionable message) and the database matches. */
export function verdict(summary: Summary, truth: TruthRow[], expectedMissing: string[]): Verdict {
  const problems: string[] = [];
  const wantStatus = expectedMissing.length > 0 ? "completed_with_errors" : "completed";
  if (summary.job.status !== wantStatus) {
    problems.push(`job ended ${summary.job.status}, expected ${wantStatus}`);
  }
  for (const repo of expectedMissing) {
    const f = summary.failures.find((x) => x.repo.toLowerCase() === repo.toLowerCase());
    if (!f) {
      problems.push(`${repo} should have failed with the not-found message, but did not fail`);
    } else if (!f.message.includes(NOT_FOUND_MESSAGE(repo))) {
      problems.push(`${repo} failed with an unexpected message: ${f.message}`);
    }
  }
  for (const f of summary.failures) {
    if (!expectedMissing.some((m) => m.toLowerCase() === f.repo.toLowerCase())) {
      problems.push(`${f.repo} failed: ${f.message}`);
    }
  }
  for (const t of truth) {
    if (!t.ok) {
      problems.push(
        `${t.repo} ${t.type}: ${t.stored} stored vs ${t.expected} in the ground truth` +
          (t.missing.length
            ? `; missing ids ${t.missing.slice(0, 5).join(", ")}${
              t.missing.length > 5 ? ", …" : ""
            }`
            : "") +
          (t.extra.length
            ? `; unexpected ids ${t.extra.slice(0, 5).join(", ")}${t.extra.length > 5 ? ", …" : ""}`
            : ""),
      );
    }
  }
  return { ok: problems.length === 0, problems };
}

/** Against real GitHub there is no ground truth: the run is good when the job finished
 * (completed, or completed_with_errors with every failure carrying its message). */
export function finishedVerdict(summary: Summary): Verdict {
  const problems: string[] = [];
  if (!["completed", "completed_with_errors"].includes(summary.job.status)) {
    problems.push(`job ended ${summary.job.status}, expected completed or completed_with_errors`);
  }
  for (const f of summary.failures) {
    if (!f.message.trim() || f.message === "(no message)") {
      problems.push(`${f.repo} failed without a message`);
    }
  }
  return { ok: problems.length === 0, problems };
}
