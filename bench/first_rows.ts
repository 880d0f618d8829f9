// Scenario 2: webhook → first rows visible, through the real deployed path of the bench stack:
// a signed Polar purchase POSTed to polar-webhook → billing → addon job → fan-out → kick
// (net.http_post → relay → gateway) → backfill-worker function → first chunk committed. The
// clock runs from the POST until the first pull_requests row of the workspace's repository is
// readable. Measured twice: cold (the function processes start on that request) and warm (the
// usual state on a project whose pg_cron tick keeps the worker warm).
import { DEFAULT_REPOS } from "../dev/github-sim/mod.ts";
import {
  createDemoWorkspace,
  recordAddonCheckout,
  sendAddonPurchase,
  TERMINAL_JOB_STATUSES,
} from "../dev/demo_job.ts";
import {
  type BenchEnv,
  configureStackSimulator,
  round,
  type ScenarioResult,
  simControl,
  type Sql,
  until,
} from "./lib.ts";

async function once(
  sql: Sql,
  env: BenchEnv,
  slug: string,
  repo: string,
): Promise<Record<string, unknown>> {
  const ws = await createDemoWorkspace(sql, slug, [repo], "bench-owner@example.test");
  const t0 = performance.now();
  const sent = await sendAddonPurchase(
    env.FUNCTIONS_URL,
    ws.workspaceId,
    await recordAddonCheckout(sql, ws.workspaceId),
  );
  const webhookMs = performance.now() - t0;
  if (sent.status !== 202 && sent.status !== 200) {
    throw new Error(`polar-webhook answered ${sent.status}: ${sent.body}`);
  }
  const lower = repo.toLowerCase();
  await until(
    `the first pull request row of ${repo}`,
    async () => {
      const [r] = await sql`
      select exists (select 1 from public.pull_requests p join public.repositories r on r.id = p.repository_id
                     where lower(r.full_name) = ${lower}) as visible`;
      return r.visible;
    },
    60_000,
    25,
  );
  const firstRowsSeconds = (performance.now() - t0) / 1000;
  // Let the job finish so the next scenario starts on a quiet stack.
  const job = await until(
    "the addon job to finish",
    async () => {
      const [j] =
        await sql`select status, created_at, started_at, finished_at from public.backfill_jobs
      where workspace_id = ${ws.workspaceId} and kind = 'addon' order by created_at desc limit 1`;
      return j && TERMINAL_JOB_STATUSES.includes(j.status) ? j : null;
    },
    120_000,
    200,
  );
  return {
    repo,
    webhook_answer_ms: round(webhookMs, 0),
    first_rows_seconds: round(firstRowsSeconds, 2),
    job_status: job.status,
    job_seconds: round((job.finished_at.getTime() - job.created_at.getTime()) / 1000, 1),
  };
}

export async function firstRows(sql: Sql, env: BenchEnv): Promise<ScenarioResult> {
  // The stack's simulator with the default dataset and no latency (an earlier run may have changed it).
  await configureStackSimulator(sql, env.GITHUB_API_URL, {
    repos: DEFAULT_REPOS,
    latencyMs: 0,
    jitterMs: 0,
  });
  await simControl(env.GITHUB_API_URL, "reset");
  // The deployed worker is kicked by the job (a --reuse'd stack may have it paused by an
  // in-process scenario of an earlier run).
  await sql`update engine.worker_settings set automatic_invocations = true, reason = null, updated_at = now()`;
  const cold = await once(sql, env, "bench-first-rows-cold", "acme/api");
  const warm = await once(sql, env, "bench-first-rows-warm", "globex/docs");
  return {
    figures: { first_rows_seconds: warm.first_rows_seconds as number },
    detail: {
      path:
        "signed Polar purchase → polar-webhook → job → pgmq → kicked backfill-worker (deployed)",
      cold,
      warm,
    },
    notes: [
      `warm functions: ${warm.first_rows_seconds} s; cold (function processes started by the request): ${cold.first_rows_seconds} s`,
    ],
  };
}
