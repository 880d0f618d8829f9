// The soak's world and the client actions it performs: simulator repositories of varied size
// (one with nested overflow, one missing, one private), workspaces on different tiers tracking
// overlapping sets of them, and the four entry points of the engine exercised the way clients
// and the platform do — bulk add (initial jobs), the signed Polar purchase sent to the REAL
// polar-webhook function (addon jobs), start_manual_backfill (manual jobs, sometimes cancelled)
// and private.enqueue_due_syncs (scheduled jobs). Nothing here drives the worker.
import type { RepoSpec } from "../github-sim/mod.ts";
import { recordAddonCheckout, sendAddonPurchase, type Sql } from "../demo_job.ts";

export const SOAK_OWNER = "soak";
export const ALL_DATA_TYPES = [
  "repository",
  "pull_requests",
  "issues",
  "discussions",
  "commits",
  "stars",
  "forks",
];

/** Small on purpose (every repository is fetched many times over): < 200 PRs each, so an initial
 * job's "last 200 PRs" is the whole window and the ground-truth comparison stays exact. */
export function soakRepos(scale: "full" | "short"): RepoSpec[] {
  const s = scale === "full" ? 1 : 0.5;
  const n = (x: number) => Math.max(1, Math.round(x * s));
  return [
    // heavyItems: one PR, issue and discussion with 120–199 nested items (node(id) follow-ups).
    {
      owner: SOAK_OWNER,
      name: "alpha",
      prs: n(60),
      issues: n(30),
      discussions: n(6),
      commits: n(80),
      forks: n(8),
      starsPerDay: 1,
      days: 150,
      heavyItems: 1,
    },
    {
      owner: SOAK_OWNER,
      name: "beta",
      prs: n(30),
      issues: n(20),
      discussions: n(3),
      commits: n(50),
      forks: n(4),
      starsPerDay: 0.5,
      days: 100,
    },
    {
      owner: SOAK_OWNER,
      name: "gamma",
      prs: n(20),
      issues: n(14),
      discussions: 2,
      commits: n(40),
      forks: 3,
      starsPerDay: 0.3,
      days: 60,
    },
    {
      owner: SOAK_OWNER,
      name: "delta",
      prs: n(12),
      issues: n(8),
      discussions: 1,
      commits: n(20),
      forks: 2,
      starsPerDay: 0.2,
      days: 200,
    },
    {
      owner: SOAK_OWNER,
      name: "zeta",
      prs: 3,
      issues: 2,
      discussions: 1,
      commits: 10,
      forks: 1,
      starsPerDay: 0.1,
      days: 30,
    },
    {
      owner: SOAK_OWNER,
      name: "empty",
      prs: 0,
      issues: 0,
      discussions: 0,
      commits: 0,
      forks: 0,
      starsPerDay: 0,
    },
    { owner: SOAK_OWNER, name: "missing", missing: true },
    { owner: SOAK_OWNER, name: "secret", private: true, prs: 5, issues: 3 },
  ];
}

export const EXPECTED_NOT_FOUND = [`${SOAK_OWNER}/missing`, `${SOAK_OWNER}/secret`];

export interface SoakWorkspace {
  id: string;
  slug: string;
  tier: string;
  repos: string[];
  tracked: Record<string, string>;
  addon: boolean;
}

/** Deterministic for a seed: 6 workspaces of mixed tiers, 3–4 repositories each; alpha is
 * tracked by three of them, the missing and the private repository by one each. */
export function planWorkspaces(
  random: () => number,
  repoNames: string[],
  count = 6,
): { slug: string; tier: string; repos: string[] }[] {
  const tiers = ["pro", "free", "team", "pro", "enterprise", "free"];
  const alpha = `${SOAK_OWNER}/alpha`;
  const ordinary = repoNames.filter((r) => r !== alpha && !EXPECTED_NOT_FOUND.includes(r));
  return Array.from({ length: count }, (_, i) => {
    const repos = new Set<string>();
    if (i === 0 || i === 1 || i === 3) repos.add(alpha);
    if (i === 2) repos.add(EXPECTED_NOT_FOUND[0]);
    if (i === 4) repos.add(EXPECTED_NOT_FOUND[1]);
    const want = 3 + Math.floor(random() * 2);
    while (repos.size < want) repos.add(ordinary[Math.floor(random() * ordinary.length)]);
    return { slug: `soak-${i + 1}`, tier: tiers[i % tiers.length], repos: [...repos].sort() };
  });
}

/** Runs `fn` in a transaction as the service role (JWT claims set), as the platform's API would. */
export async function asServiceRole<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', '{"role":"service_role"}', true)`;
    await tx`set local role service_role`;
    return await fn(tx as unknown as Sql);
  }) as T;
}

/** Forgets what an earlier soak left (its workspaces, jobs, tracked and stored repositories),
 * and with `ids` also any stored row sharing a GitHub id or node id with this run's dataset:
 * other datasets number repositories and items by position, so leftovers of another test would
 * lend their rows to ours or collide on node_id. Called before a run and, on a shared database,
 * after it, so the soak's rows cannot collide with a later test's either. */
export async function forgetSoakData(
  sql: Sql,
  ids?: { repoIds: number[]; nodeIds: string[]; content: Record<string, (number | string)[]> },
) {
  await sql`delete from public.workspaces where slug like 'soak-%'`;
  await sql`delete from public.repositories where id = any(${
    ids?.repoIds ?? []
  }) or node_id = any(${ids?.nodeIds ?? []}) or lower(full_name) like ${SOAK_OWNER + "/%"}`;
  await sql`delete from public.tracked_repositories where lower(full_name) like ${
    SOAK_OWNER + "/%"
  }`;
  for (const [table, list] of Object.entries(ids?.content ?? {})) {
    if (list.length === 0) continue;
    const column = table === "public.commits" ? "sha" : "id";
    await sql.unsafe(`delete from ${table} where ${column} = any($1)`, [list as never]);
  }
  if (ids && ids.nodeIds.length > 0) {
    for (const table of NODE_ID_TABLES) {
      await sql.unsafe(`delete from ${table} where node_id = any($1)`, [ids.nodeIds as never]);
    }
  }
}

const NODE_ID_TABLES = [
  "public.pull_requests",
  "public.reviews",
  "public.review_comments",
  "public.issue_comments",
  "public.issues",
  "public.discussions",
  "public.discussion_comments",
];

/** Creates a workspace (its owner included) and adds its repositories with bulk_add_repositories,
 * which starts the initial job. */
export async function createWorkspace(
  sql: Sql,
  plan: { slug: string; tier: string; repos: string[] },
): Promise<{ ws: SoakWorkspace; jobId: string }> {
  const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${plan.slug}, ${
    "Soak " + plan.slug
  }, ${plan.tier}) returning id`;
  const email = `owner@${plan.slug}.soak.local`;
  const [user] =
    (await sql`select id from auth.users where email = ${email} order by created_at limit 1`).length
      ? await sql`select id from auth.users where email = ${email} order by created_at limit 1`
      : await sql`insert into auth.users (email, email_confirmed_at) values (${email}, now()) returning id`;
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${ws.id}, ${user.id}, 'owner')`;
  const result = await asServiceRole(sql, async (tx) => {
    const [{ r }] =
      await tx`select public.bulk_add_repositories(${ws.id}, ${plan.repos}, true) as r`;
    return r as {
      job_id?: string;
      results: { full_name: string; status: string; tracked_repository_id?: string }[];
    };
  });
  const tracked: Record<string, string> = {};
  for (const r of result.results) {
    if (r.tracked_repository_id) tracked[r.full_name.toLowerCase()] = r.tracked_repository_id;
  }
  const missingAdds = plan.repos.filter((r) => !tracked[r.toLowerCase()]);
  if (missingAdds.length > 0 || !result.job_id) {
    throw new Error(
      `bulk_add_repositories did not add ${
        missingAdds.join(", ") || "an initial job"
      } to ${plan.slug}: ${JSON.stringify(result)}`,
    );
  }
  return {
    ws: { id: ws.id, slug: plan.slug, tier: plan.tier, repos: plan.repos, tracked, addon: false },
    jobId: result.job_id,
  };
}

export async function purchaseAddon(
  sql: Sql,
  functionsUrl: string,
  ws: SoakWorkspace,
  knownJobs: Set<string>,
): Promise<string> {
  // Under the soak's load the webhook may miss its 2 s answer and say 500 with nothing applied;
  // Polar then delivers the same event again, and so does the soak.
  const sent = await sendAddonPurchase(functionsUrl, ws.id, await recordAddonCheckout(sql, ws.id), 5);
  if (sent.status !== 200) {
    throw new Error(`the addon purchase for ${ws.slug} answered ${sent.status} ${sent.body}`);
  }
  const [job] = await sql`
    select id from public.backfill_jobs where workspace_id = ${ws.id} and kind = 'addon' and not (id = any(${[
    ...knownJobs,
  ]}::uuid[]))
    order by created_at desc limit 1`;
  if (!job) {
    throw new Error(`the addon purchase for ${ws.slug} answered 200 but created no addon job`);
  }
  ws.addon = true;
  return job.id;
}

export async function startManual(
  sql: Sql,
  ws: SoakWorkspace,
  random: () => number,
): Promise<string> {
  const [{ retention_days }] =
    await sql`select retention_days from public.workspaces where id = ${ws.id}`;
  const days = 1 + Math.floor(random() * retention_days);
  const some = random() < 0.3 ? null : ws.repos.filter(() => random() < 0.6);
  const ids = some === null || some.length === 0
    ? null
    : some.map((r) => ws.tracked[r.toLowerCase()]);
  const types = ALL_DATA_TYPES.filter(() => random() < 0.5);
  return await asServiceRole(sql, async (tx) => {
    const [job] =
      await tx`select (public.start_manual_backfill(${ws.id}, ${ids}::uuid[], ${days}, ${
        types.length ? types : null
      }::text[])).id as id`;
    return job.id as string;
  });
}

/** Makes the workspace's repositories due and runs the scheduler's function (pg_cron's job).
 * Other workspaces' due rows are pushed back a day first, so the scheduler cannot hand this
 * run's workers repositories its simulator does not know (only matters on a shared database). */
export async function enqueueScheduled(
  sql: Sql,
  ws: SoakWorkspace,
  mine: string[],
): Promise<string[]> {
  await sql`update public.workspace_tracked_repositories set next_sync_at = now() + interval '1 day'
    where not (workspace_id = any(${mine}::uuid[])) and (next_sync_at is null or next_sync_at <= now())`;
  await sql`update public.workspace_tracked_repositories set next_sync_at = now() - interval '1 second'
    where workspace_id = ${ws.id}`;
  const before = new Date();
  await asServiceRole(sql, (tx) => tx`select private.enqueue_due_syncs(200)`);
  const jobs =
    await sql`select id from public.backfill_jobs where kind = 'scheduled' and workspace_id = any(${mine}::uuid[])
    and created_at >= ${before}`;
  return jobs.map((j) => j.id as string);
}

export async function cancelOne(
  sql: Sql,
  jobIds: string[],
  random: () => number,
): Promise<string | null> {
  const running =
    await sql`select id from public.backfill_jobs where id = any(${jobIds}::uuid[]) and kind = 'manual'
    and status in ('pending', 'running') order by id`;
  if (running.length === 0) return null;
  const id = running[Math.floor(random() * running.length)].id as string;
  await asServiceRole(sql, (tx) => tx`select public.cancel_backfill(${id})`);
  return id;
}
