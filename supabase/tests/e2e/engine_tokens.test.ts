// Tokens as GitHub treats them: a token revoked mid-job answers 401 and is set aside, the job
// finishing on the rest of the pool; a classic token without the scope discussions need is
// refused that data type only, and serves the others. Expectations: the simulator's truth and the
// simulator's own record of which token sent what.
import { deepEqual as assertEquals, equal, match, ok } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, expectedContent, drain, forgetRepositories, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import { sqlBudget } from "../../functions/_shared/engine/budget.ts";
import type { Sql } from "../../functions/_shared/db.ts";
import type { RepoSpec } from "../../../dev/github-sim/mod.ts";

const REPOS: RepoSpec[] = [
  { owner: "tok", name: "alpha", prs: 160, issues: 120, discussions: 6, days: 40 },
  { owner: "tok", name: "beta", prs: 120, issues: 80, discussions: 4, days: 40 },
];
const NAMES = REPOS.map((r) => `${r.owner}/${r.name}`);
const ENV_LABEL = "env:E2E_TOKENS";
const POOL_LABEL = "e2e-tokens:spare";

/** The platform pool is this test's: the env token (`envToken`) and, when `spare` is given, one
 * Vault token with that value. */
async function pool(sql: Sql, spare: string | null): Promise<void> {
  await sql`delete from engine.github_tokens where workspace_id is null and (label like 'e2e-tokens:%' or label = ${ENV_LABEL}
    or vault_secret_id is not null)`;
  await sql`delete from vault.secrets where name like 'e2e-tokens:%'`;
  if (spare) {
    const [{ id }] = await sql`select vault.create_secret(${spare}, ${POOL_LABEL}) as id`;
    await sql`insert into engine.github_tokens (label, vault_secret_id, account) values (${POOL_LABEL}, ${id}, 'spare-account')`;
  }
}

function deps(sql: Sql, sim: ReturnType<typeof simulator>, envToken: string) {
  return () => workerDeps(sql, sim, {
    budget: sqlBudget(sql, { envToken, envLabel: ENV_LABEL, reserve: 0, vaultTokens: true }),
    sleep: () => Promise.resolve(),
  });
}

async function tokenRow(sql: Sql, label: string) {
  const [t] = await sql`select enabled, disabled_reason, denied_data_types, denied_reason from engine.github_tokens where label = ${label}`;
  return t;
}

Deno.test("a token revoked mid-job is disabled at its first 401 and the job ends exact on the rest of the pool", async () => {
  const sql = testDb(4);
  // Two requests served, then every request with it answers 401 Bad credentials.
  const sim = simulator(REPOS, { revokeAfterRequests: { "tok-revoked": 2 } });
  try {
    await pool(sql, "tok-spare");
    await forgetRepositories(sql, sim, NAMES);
    const { workspaceId } = await setupWorkspace(sql, "e2e-tokens-revoked", NAMES);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "pull_requests", "issues"] });
    await drain(sql, jobId, deps(sql, sim, "tok-revoked"), 30);

    equal(await jobStatus(sql, jobId), "completed");
    const since = await windowStartOf(sql, jobId);
    for (const repo of NAMES) await assertMatchesTruth(sql, sim, repo, since);
    const revoked = await tokenRow(sql, ENV_LABEL);
    equal(revoked.enabled, false);
    match(revoked.disabled_reason, /401 Bad credentials .*revoked or has expired; replace it/);
    const c = sim.counters().tokens;
    // Every slot may hold a request in flight when the first 401 arrives; none is sent after.
    const refused = c["tok-revoked"].outcomes.unauthorized ?? 0;
    ok(refused >= 1 && refused <= 3, `401s answered to the revoked token: ${refused} (at most one per slot)`);
    equal(c["tok-revoked"].requests.total, 2 + refused);
    ok(c["tok-spare"].requests.total > 0, "the spare token took over");
    equal(sim.counters().violations.total, 0);
    // The refused requests were not lost: no task recorded a failed attempt.
    const [{ errors }] = await sql`select count(*)::int as errors from public.backfill_progress p
      join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId} and p.last_error is not null`;
    equal(errors, 0);
  } finally {
    await pool(sql, null);
    await sql.end();
  }
});

Deno.test("every token revoked: the data types fail with the tokens' reasons and what to do, nothing is half-written", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS, { revokeAfterRequests: { "tok-only": 0 } });
  try {
    await pool(sql, null);
    await forgetRepositories(sql, sim, NAMES);
    const { workspaceId } = await setupWorkspace(sql, "e2e-tokens-none", NAMES);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "pull_requests"] });
    await drain(sql, jobId, deps(sql, sim, "tok-only"), 30);

    equal(await jobStatus(sql, jobId), "failed");
    const progress = await sql`select p.data_type, p.status, p.last_error from public.backfill_progress p
      join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId}`;
    const failed = progress.filter((p) => p.status === "failed");
    ok(failed.length >= NAMES.length, "each repository's task has a failed data type");
    for (const p of failed) {
      match(p.last_error, /no enabled GitHub token: env:E2E_TOKENS was disabled \(GitHub answered 401 Bad credentials/);
      match(p.last_error, /retry_backfill\(/);
    }
    const [{ n }] = await sql`select count(*)::int as n from public.pull_requests pr join public.repositories r on r.id = pr.repository_id
      where r.full_name = any(${NAMES})`;
    equal(n, 0);
    // One 401 per slot at most: every slot may have a request in flight when the first comes back.
    const refused = sim.counters().tokens["tok-only"].outcomes.unauthorized ?? 0;
    ok(refused >= 1 && refused <= 3, `401s answered: ${refused}`);
  } finally {
    await pool(sql, null);
    await sql.end();
  }
});

Deno.test("a token without the scope discussions need is refused discussions only: another token fetches them, it serves the rest", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS, { tokenScopes: { "tok-narrow": ["read:org"] } });
  try {
    await pool(sql, "tok-wide");
    await forgetRepositories(sql, sim, NAMES);
    const { workspaceId } = await setupWorkspace(sql, "e2e-tokens-scopes", NAMES);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "pull_requests", "issues", "discussions"] });
    await drain(sql, jobId, deps(sql, sim, "tok-narrow"), 30);

    equal(await jobStatus(sql, jobId), "completed");
    const since = await windowStartOf(sql, jobId);
    for (const repo of NAMES) {
      await assertMatchesTruth(sql, sim, repo, since);
      const stored = await sql`select d.id from public.discussions d join public.repositories r on r.id = d.repository_id
        where r.full_name = ${repo}`;
      assertEquals(stored.map((d) => Number(d.id)).sort((a, b) => a - b),
        expectedContent(sim, repo, since, ["discussions"]).ids.discussions, `${repo}: discussions`);
    }
    const narrow = await tokenRow(sql, ENV_LABEL);
    equal(narrow.enabled, true);
    assertEquals(narrow.denied_data_types, ["discussions"]);
    // The first refusal names the field of whichever discussions query came first (a page or a follow-up).
    match(narrow.denied_reason, /the '(discussions|replies|comments)' field requires one of the scopes public_repo, repo; the token has read:org/);
    const c = sim.counters().tokens;
    // Refused at most once per slot; the narrow token kept fetching the other data types.
    ok((c["tok-narrow"].outcomes.insufficient_scopes ?? 0) <= 3);
    ok((c["tok-narrow"].outcomes.ok ?? 0) > 0, "the narrow token served other data types");
  } finally {
    await pool(sql, null);
    await sql.end();
  }
});

Deno.test("the only token lacks the discussions scope: discussions fail alone, naming the scope, and the rest completes", async () => {
  const sql = testDb(4);
  const sim = simulator(REPOS, { tokenScopes: { "tok-narrow": ["read:org"] } });
  try {
    await pool(sql, null);
    await forgetRepositories(sql, sim, NAMES);
    const { workspaceId } = await setupWorkspace(sql, "e2e-tokens-scope-alone", NAMES);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["repository", "pull_requests", "issues", "discussions"] });
    await drain(sql, jobId, deps(sql, sim, "tok-narrow"), 30);

    equal(await jobStatus(sql, jobId), "completed_with_errors");
    const since = await windowStartOf(sql, jobId);
    for (const repo of NAMES) await assertMatchesTruth(sql, sim, repo, since);
    const progress = await sql`select p.data_type, p.status, p.last_error from public.backfill_progress p
      join public.backfill_tasks t on t.id = p.task_id where t.job_id = ${jobId}`;
    for (const p of progress) {
      if (p.data_type === "discussions") {
        equal(p.status, "failed");
        match(p.last_error, /^fetching discussions of tok\/\w+: no enabled GitHub token may fetch discussions: GitHub refused the token for discussions \(INSUFFICIENT_SCOPES: the '(discussions|replies|comments)' field requires one of the scopes public_repo, repo; the token has read:org\): grant the token that scope, or add a token that has it; then retry with select retry_backfill\('[-0-9a-f]+', '[-0-9a-f]+'\)$/);
      } else {
        equal(p.status, "completed", `${p.data_type}: ${p.last_error}`);
      }
    }
  } finally {
    await pool(sql, null);
    await sql.end();
  }
});
