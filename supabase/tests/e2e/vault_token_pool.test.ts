// The worker's token pool from Vault: the platform's enabled tokens in engine.github_tokens, their
// values read from vault.secrets, are leased by headroom so both carry the job; a disabled token
// and a workspace's own token (for its private repositories only) are never sent to GitHub; each
// token's budget is reconciled on its own row; GitHub (the simulator) counts no violation.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { assertMatchesTruth, createJob, drain, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import { sqlBudget } from "../../functions/_shared/engine/budget.ts";
import type { Sql } from "../../functions/_shared/db.ts";

const REPOS = ["acme/api", "acme/tiny"];
const PREFIX = "e2e-vault-pool-";

interface PoolToken {
  label: string;
  value: string;
  enabled: boolean;
  workspaceId: string | null;
  account: string;
}

async function forgetPool(sql: Sql): Promise<void> {
  await sql`delete from engine.github_tokens where label like ${PREFIX + "%"}`;
  await sql`delete from vault.secrets where name like ${PREFIX + "%"}`;
}

async function addToPool(sql: Sql, t: PoolToken): Promise<string> {
  const [{ secret }] = await sql`select vault.create_secret(${t.value}, ${t.label}) as secret`;
  const [{ id }] = await sql`
    insert into engine.github_tokens (label, vault_secret_id, kind, account, enabled, workspace_id)
    values (${t.label}, ${secret}, 'pat', ${t.account}, ${t.enabled}, ${t.workspaceId}) returning id`;
  return id;
}

Deno.test("the worker leases the platform's Vault tokens by headroom and never a disabled or a workspace's token", async () => {
  const sql = testDb(6);
  const run = crypto.randomUUID().slice(0, 8);
  try {
    const sim = simulator();
    const { workspaceId } = await setupWorkspace(sql, "e2e-vault-pool", REPOS);
    await forgetPool(sql);
    const [{ others }] = await sql`select count(*)::int as others from engine.github_tokens
      where enabled and vault_secret_id is not null and workspace_id is null`;
    assertEquals(others, 0, "no other platform token in Vault would join the pool (a leftover of another run?)");
    const tokens: PoolToken[] = [
      { label: `${PREFIX}a`, value: `ghp_pool_a_${run}`, enabled: true, workspaceId: null, account: `pool-a-${run}` },
      { label: `${PREFIX}b`, value: `ghp_pool_b_${run}`, enabled: true, workspaceId: null, account: `pool-b-${run}` },
      { label: `${PREFIX}off`, value: `ghp_pool_off_${run}`, enabled: false, workspaceId: null, account: `pool-off-${run}` },
      { label: `${PREFIX}ws`, value: `ghp_pool_ws_${run}`, enabled: true, workspaceId, account: `pool-ws-${run}` },
    ];
    const ids: Record<string, string> = {};
    for (const t of tokens) ids[t.label] = await addToPool(sql, t);

    const jobId = await createJob(sql, workspaceId, { windowDays: 30 });
    // No env token: every request goes out with a token read from Vault (GraphQL and REST alike).
    await drain(sql, jobId, () => workerDeps(sql, sim, {
      budget: sqlBudget(sql, { vaultTokens: true, reserve: 10 }),
      restBudget: sqlBudget(sql, { vaultTokens: true, reserve: 10, resource: "core" }),
    }));

    const [job] = await sql`select status, completed_tasks, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals({ ...job }, { status: "completed", completed_tasks: REPOS.length, failed_tasks: 0 }, JSON.stringify(job));
    const since = await windowStartOf(sql, jobId);
    for (const repo of REPOS) await assertMatchesTruth(sql, sim, repo, since);

    const c = sim.counters();
    const used = Object.entries(c.tokens).filter(([, t]) => t.requests.total > 0).map(([token]) => token).sort();
    assertEquals(used, [tokens[0].value, tokens[1].value], "GitHub saw exactly the two enabled platform tokens");
    assertEquals(c.violations, { total: 0, primary: 0, secondary: 0 });

    const budgets = await sql`
      select t.label, b.limit_points, b.remaining, b.reserved from engine.rate_limit_budgets b
      join engine.github_tokens t on t.id = b.token_id where t.label like ${PREFIX + "%"} and b.resource = 'graphql' order by t.label`;
    assertEquals(budgets.map((b) => b.label), [`${PREFIX}a`, `${PREFIX}b`], "each leased token has its own GraphQL budget row");
    for (const b of budgets) {
      const spent = c.tokens[tokens.find((t) => t.label === b.label)!.value].pointsSpent;
      assertEquals([b.remaining, b.reserved], [b.limit_points - spent, 0],
        `${b.label}: the budget row holds what GitHub reported for that token (spent ${spent}), nothing left reserved`);
    }
    const [leak] = await sql`select count(*)::int as n from engine.github_tokens where label like ${PREFIX + "%"}
      and (label like '%ghp_%' or coalesce(disabled_reason, '') like '%ghp_%')`;
    assert(leak.n === 0, "no token value is stored outside Vault");
  } finally {
    await forgetPool(sql);
    await sql.end();
  }
});
