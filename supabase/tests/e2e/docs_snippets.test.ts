// The client docs as written: every ```ts block of docs/client.md and docs/realtime.md (not the
// ```ts hosted ones) runs, in order, as one module against the running stack, type-checked with
// types/database.ts (deno run --check). The test only supplies what the docs say comes from
// elsewhere (URL, key, a signed-in user's token, and the app's own functions realtime.md calls)
// and checks what the snippets' variables hold afterwards.
import assert from "node:assert/strict";
import { join } from "node:path";
import { projectRoot } from "../../../dev/stack/config.ts";
import { addMember, signIn, uniqueSlug } from "./_client.ts";
import { resetEngineState, stackEnv, testDb } from "./_env.ts";

/** The runnable ```ts blocks of a markdown file, in order. */
function runnableBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** The blocks as one module: the packages as the app imports them, resolved to the pinned ones. */
function moduleOf(prelude: string, blocks: string[], epilogue: string): string {
  const imports: string[] = [];
  const body = [prelude, ...blocks].join("\n").replace(/^\s*import .*$/gm, (line) => {
    imports.push(line.trim()
      .replace(`"@supabase/supabase-js"`, `"npm:@supabase/supabase-js@2.119.0"`)
      .replace(`"./types/database.ts"`, JSON.stringify(join(projectRoot, "types", "database.ts"))));
    return "";
  });
  return [...imports, `import assert from "node:assert/strict";`, body, epilogue].join("\n");
}

async function runModule(source: string): Promise<{ code: number; out: string }> {
  const file = await Deno.makeTempFile({ prefix: "docs-snippets-", suffix: ".ts" });
  try {
    await Deno.writeTextFile(file, source);
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--check", "--config", join(projectRoot, "deno.json"), file],
      cwd: projectRoot,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
    return { code: r.code, out };
  } finally {
    await Deno.remove(file);
  }
}

const read = (name: string) => Deno.readTextFile(join(projectRoot, "docs", name));

Deno.test({
  name: "docs/client.md: its snippets run as written (sign in, RPCs, subscription, views, errors, polar-checkout)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sql = testDb();
    try {
      await resetEngineState(sql);
      await sql`update engine.worker_settings set automatic_invocations = true, reason = null, updated_at = now()`;
      const owner = await signIn("docs-owner");
      const member = await signIn("docs-member");
      const slug = uniqueSlug("acme-analytics");
      const blocks = runnableBlocks(await read("client.md")).map((b) => b.replaceAll(`"acme-analytics"`, JSON.stringify(slug)));
      assert.ok(blocks.length >= 6, `runnable blocks in docs/client.md: ${blocks.length}`);
      const prelude = [
        `const SUPABASE_URL = ${JSON.stringify(stackEnv("API_URL"))};`,
        `const SUPABASE_ANON_KEY = ${JSON.stringify(stackEnv("ANON_KEY"))};`,
        `const ACCESS_TOKEN = ${JSON.stringify(owner.token)};`,
      ].join("\n");
      // What the comments in the doc promise, checked on the snippets' own variables.
      const epilogue = `
        assert.equal(workspace.retention_days, 30);
        const previewed = preview as { results: { status: string }[] };
        assert.deepEqual(previewed.results.map((r) => r.status), ["added", "added", "added"]);
        assert.equal((added as { added: number }).added, 3);
        assert.ok(progress.some((p) => p.job_id === job.id), "backfill_progress broadcasts of the job");
        assert.deepEqual([ended.job_id, ended.status], [job.id, "completed_with_errors"]);
        assert.match(ended.title, /^Backfill completed: 1 of 3 repositories failed; /);
        assert.deepEqual([jobStatus!.status, jobStatus!.percent], ["completed_with_errors", 100]);
        assert.deepEqual((jobStatus!.failed_repositories as { full_name: string; error: string }[]).map((f) => f.full_name), ["acme/missing"]);
        assert.match((jobStatus!.failed_repositories as { error: string }[])[0].error, /^repository acme\\/missing was not found /);
        assert.deepEqual(repoStatus!.map((r) => [r.full_name, r.status]), [["acme/api", "completed"], ["acme/missing", "failed"], ["acme/tiny", "completed"]]);
        assert.equal(typeStatus!.filter((t) => t.status === "completed").length, 6);
        assert.deepEqual([tooLongStatus, tooLong!.code, tooLong!.message, tooLong!.hint], [400, "22023",
          "backfill of 365 days exceeds workspace ${slug}'s retention of 30 days; buy the Extended Data Retention addon for up to 365 days",
          "Choose 30 days or fewer, or buy the addon."]);
        assert.ok(bought.checkout, JSON.stringify(bought));
        assert.equal(afterPurchase!.retention_days, 365);
        const { data: addon } = await supabase.from("backfill_job_status").select("kind, window_days").eq("workspace_id", workspace.id).eq("kind", "addon");
        assert.deepEqual(addon, [{ kind: "addon", window_days: 365 }]);

        // The table's other rows: a member, and a caller without a user.
        // The test adds the member (there is no invitation RPC) once the workspace exists.
        while (!(await supabase.from("workspace_members").select("user_id").eq("workspace_id", workspace.id)
          .eq("user_id", ${JSON.stringify(member.id)})).data?.length) await new Promise((r) => setTimeout(r, 50));
        const asMember = createClient<Database>(SUPABASE_URL, SUPABASE_ANON_KEY, { accessToken: async () => ${JSON.stringify(member.token)} });
        const memberStart = await asMember.rpc("start_manual_backfill", { workspace_id: workspace.id, days: 7 });
        assert.deepEqual([memberStart.status, memberStart.error?.code, memberStart.error?.message], [403, "42501",
          \`start_manual_backfill: only owners and admins of workspace \${workspace.id} can do this\`]);
        assert.deepEqual(await buyAddon(asMember, workspace.id), { refused: 403,
          reason: \`polar-checkout: only owners and admins of workspace \${workspace.id} can buy the addon for it\` });
        const anon = createClient<Database>(SUPABASE_URL, SUPABASE_ANON_KEY);
        const anonStart = await anon.rpc("start_manual_backfill", { workspace_id: workspace.id, days: 7 });
        assert.deepEqual([anonStart.status, anonStart.error?.code, anonStart.error?.message], [401, "42501",
          "permission denied for function start_manual_backfill"]);
        console.log("DOCS-OK");
        Deno.exit(0);
      `;
      const source = moduleOf(prelude, blocks, epilogue);
      // The doc creates the workspace; the member joins it as soon as it exists.
      const adding = (async () => {
        for (let i = 0; i < 1200; i++) {
          const [ws] = await sql`select id from public.workspaces where slug = ${slug}`;
          if (ws) return await addMember(sql, ws.id, member.id, "member");
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const r = await runModule(source);
      await adding;
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /DOCS-OK/);
    } finally {
      await sql.end();
    }
  },
});

/** What realtime.md's block calls but leaves to the app, recorded; and the signed-in client. */
function realtimePrelude(token: string, workspaceId: string): string {
  return `
    import { createClient } from "npm:@supabase/supabase-js@2.119.0";
    import type { Database } from ${JSON.stringify(join(projectRoot, "types", "database.ts"))};
    const SUPABASE_URL = ${JSON.stringify(stackEnv("API_URL"))};
    const SUPABASE_ANON_KEY = ${JSON.stringify(stackEnv("ANON_KEY"))};
    const supabase = createClient<Database>(SUPABASE_URL, SUPABASE_ANON_KEY, { accessToken: async () => ${JSON.stringify(token)} });
    const workspaceId = ${JSON.stringify(workspaceId)};
    const calls = { bars: [] as unknown[][], toasts: [] as string[], refreshed: [] as string[], errors: [] as unknown[][] };
    const updateBar = (...args: unknown[]) => { calls.bars.push(args); };
    const showToast = (title: string) => { calls.toasts.push(title); };
    const refreshJob = (jobId: string) => { calls.refreshed.push(jobId); };
    console.error = (...args: unknown[]) => { calls.errors.push(args); };
    const until = async (what: string, ok: () => boolean, ms = 45_000) => {
      const deadline = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
  `;
}

/** An owner's backfill of the doc's workspace (acme/tiny and the missing acme/missing), to its end. */
function startAndWaitEpilogue(ownerToken: string): string {
  return `
    const owner = createClient<Database>(SUPABASE_URL, SUPABASE_ANON_KEY, { accessToken: async () => ${JSON.stringify(ownerToken)} });
    const { data: job, error } = await owner.rpc("start_manual_backfill", { workspace_id: workspaceId, days: 30, data_types: ["repository", "pull_requests"] });
    if (error) throw error;
    const ended = async () => (await owner.from("backfill_job_status").select("status").eq("job_id", job.id).single()).data?.status;
    for (let s = await ended(); s === "pending" || s === "running"; s = await ended()) await new Promise((r) => setTimeout(r, 100));
  `;
}

async function realtimeWorkspace() {
  const sql = testDb();
  try {
    await resetEngineState(sql);
    await sql`update engine.worker_settings set automatic_invocations = true, reason = null, updated_at = now()`;
    const owner = await signIn("rt-doc-owner");
    const { data: ws, error } = await owner.client.rpc("create_workspace", { slug: uniqueSlug("rt-doc"), name: "Realtime doc" });
    assert.equal(error, null, error?.message);
    const added = await owner.client.rpc("bulk_add_repositories", {
      workspace_id: ws!.id,
      repositories: ["acme/tiny", "acme/missing"],
      start_initial_backfill: false,
    });
    assert.equal(added.error, null, added.error?.message);
    return { sql, owner, workspaceId: ws!.id };
  } catch (e) {
    await sql.end();
    throw e;
  }
}

Deno.test({
  name: "docs/realtime.md: its subscription runs as written; a member's app gets bars, the toast and the refresh",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { sql, owner, workspaceId } = await realtimeWorkspace();
    try {
      const member = await signIn("rt-doc-member");
      await addMember(sql, workspaceId, member.id, "member");
      const blocks = runnableBlocks(await read("realtime.md"));
      assert.equal(blocks.length, 1);
      const r = await runModule(moduleOf(realtimePrelude(member.token, workspaceId), blocks, `
        await until("the join", () => channel.state === "joined", 10_000);
        ${startAndWaitEpilogue(owner.token)}
        await until("refreshJob of the job", () => calls.refreshed.includes(job.id));
        assert.ok(calls.bars.length >= 2, JSON.stringify(calls.bars));
        for (const [trackedRepositoryId, dataType, done, estimate] of calls.bars) {
          assert.match(String(trackedRepositoryId), /^[0-9a-f-]{36}$/);
          assert.ok(["repository", "pull_requests"].includes(String(dataType)), String(dataType));
          assert.equal(typeof done, "number");
          assert.ok(estimate === null || typeof estimate === "number");
        }
        assert.ok(calls.toasts.includes("Backfill completed: 1 of 2 repositories failed; retry them from the job page"), JSON.stringify(calls.toasts));
        assert.deepEqual(calls.errors, []);
        console.log("DOCS-OK");
        Deno.exit(0);
      `));
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /DOCS-OK/);
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: "docs/realtime.md: the same subscription for a non-member ends in CHANNEL_ERROR and receives nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { sql, owner, workspaceId } = await realtimeWorkspace();
    try {
      const outsider = await signIn("rt-doc-outsider");
      const r = await runModule(moduleOf(realtimePrelude(outsider.token, workspaceId), runnableBlocks(await read("realtime.md")), `
        await until("the refusal", () => calls.errors.length > 0, 10_000);
        const [said, err] = calls.errors[0] as [string, Error];
        assert.equal(said, "not allowed on this workspace's topic");
        assert.equal(err.message, "Unauthorized: You do not have permissions to read from this Channel topic: workspace:" + workspaceId + ":backfill");
        ${startAndWaitEpilogue(owner.token)}
        assert.deepEqual([calls.bars, calls.toasts, calls.refreshed], [[], [], []]);
        console.log("DOCS-OK");
        Deno.exit(0);
      `));
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /DOCS-OK/);
    } finally {
      await sql.end();
    }
  },
});
