// A client app's side of a backfill, through @supabase/supabase-js typed with types/database.ts
// (createClient<Database>) against the running stack: an owner bulk-adds repositories (their
// metadata-only initial job runs too) and starts a manual backfill with rpc(); the stack's deployed worker runs it (kicked by the job's insert,
// talking to the stack's GitHub simulator and its default dataset); a member follows it on the
// private topic and reads the status views; a non-member is refused; a member may not start one;
// and the type checker refuses wrong RPC arguments. The data types asked for leave star history
// out: this is about the client surface, not about one fetcher.
import assert from "node:assert/strict";
import type { RealtimeChannel } from "npm:@supabase/supabase-js@2.119.0";
import { NOT_FOUND_MESSAGE } from "../../../dev/demo_job.ts";
import { CONTENT_TYPES, expectedContent, type TruthItemLike } from "../../../dev/expected_content.ts";
import { addMember, type Client, signIn, uniqueSlug } from "./_client.ts";
import { eventually, resetEngineState, stackEnv, testDb } from "./_env.ts";

const REPOS = ["acme/tiny", "acme/api", "acme/missing"];
const TYPES = ["repository", "pull_requests", "issues"];
// docs/realtime.md: the fields of backfill_progress, plus the id realtime.send adds.
const PROGRESS_FIELDS = [
  "data_type", "done", "estimated_total", "id", "items_done", "job_completed_tasks", "job_id",
  "job_items_done", "job_items_estimated", "job_total_tasks", "task_id", "tracked_repository_id",
];

interface Received {
  event: string;
  payload: Record<string, unknown>;
}

/** Joins the workspace's private topic as the docs say; resolves with the first status. */
async function join(client: Client, workspaceId: string, received: Received[]) {
  await client.realtime.setAuth();
  const channel = client.channel(`workspace:${workspaceId}:backfill`, { config: { private: true } })
    .on("broadcast", { event: "*" }, (m) => received.push({ event: m.event, payload: m.payload }));
  return await new Promise<{ channel: RealtimeChannel; status: string; error?: Error }>((resolve) => {
    channel.subscribe((status, error) => {
      if (status !== "CLOSED") resolve({ channel, status, error });
    });
  });
}

async function newWorkspace(owner: Client, label: string): Promise<string> {
  const { data, error } = await owner.rpc("create_workspace", { slug: uniqueSlug(label), name: `Client ${label}` });
  assert.equal(error, null, `create_workspace: ${error?.message}`);
  return data!.id;
}

Deno.test({
  name: "client: an owner bulk-adds and starts a backfill with rpc(); a member receives its progress then its end, and reads the status views",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sql = testDb();
    const [owner, member, outsider] = [await signIn("owner"), await signIn("member"), await signIn("outsider")];
    try {
      await resetEngineState(sql);
      // The deployed path: an earlier test may have paused the worker's automatic invocations.
      await sql`update engine.worker_settings set automatic_invocations = true, reason = null, updated_at = now()`;
      const workspaceId = await newWorkspace(owner.client, "backfill");
      await addMember(sql, workspaceId, member.id, "member");

      const mine: Received[] = [];
      const theirs: Received[] = [];
      assert.equal((await join(member.client, workspaceId, mine)).status, "SUBSCRIBED");
      const refused = await join(outsider.client, workspaceId, theirs);
      assert.equal(refused.status, "CHANNEL_ERROR");
      assert.equal(
        refused.error?.message,
        `Unauthorized: You do not have permissions to read from this Channel topic: workspace:${workspaceId}:backfill`,
      );

      const added = await owner.client.rpc("bulk_add_repositories", {
        workspace_id: workspaceId,
        repositories: REPOS,
        start_initial_backfill: false,
      });
      assert.equal(added.error, null, `bulk_add_repositories: ${added.error?.message}`);
      // New repositories always get an initial job for their metadata (the 200 PRs are opted out).
      const summary = added.data as { added: number; job_id: string | null; results: { full_name: string; status: string }[] };
      assert.equal(summary.added, 3);
      assert.match(summary.job_id ?? "", /^[0-9a-f-]{36}$/);
      assert.deepEqual(summary.results.map((r) => [r.full_name, r.status]), REPOS.map((r) => [r, "added"]));

      const started = await owner.client.rpc("start_manual_backfill", { workspace_id: workspaceId, days: 30, data_types: TYPES });
      assert.equal(started.error, null, `start_manual_backfill: ${started.error?.message}`);
      const job = started.data!;
      assert.deepEqual([job.kind, job.window_days, job.data_types, job.total_tasks], ["manual", 30, TYPES, 3]);

      await eventually(
        `backfill_finished of job ${job.id} (the worker is kicked by the job's insert)`,
        () => Promise.resolve(mine.some((m) => m.event === "backfill_finished" && m.payload.job_id === job.id)),
        45_000,
      );
      const ofJob = mine.filter((m) => m.payload.job_id === job.id);
      const progress = ofJob.filter((m) => m.event === "backfill_progress");
      assert.ok(progress.length >= 2, `a broadcast per chunk, got ${progress.length}`);
      assert.deepEqual(ofJob.map((m) => m.event), [...progress.map(() => "backfill_progress"), "backfill_finished"]);
      for (const p of progress) assert.deepEqual(Object.keys(p.payload).sort(), PROGRESS_FIELDS);
      const finished = ofJob.at(-1)!.payload;
      assert.deepEqual([finished.status, finished.title], [
        "completed_with_errors",
        "Backfill completed: 1 of 3 repositories failed; retry them from the job page",
      ]);
      assert.deepEqual(theirs, [], "the refused non-member receives nothing");

      // The views, as the member reads them.
      const status = await member.client.from("backfill_job_status").select("*").eq("job_id", job.id).single();
      assert.equal(status.error, null);
      const j = status.data!;
      assert.deepEqual(
        [j.status, j.percent, j.total_tasks, j.completed_tasks, j.failed_tasks, j.remaining_tasks, j.eta_seconds],
        ["completed_with_errors", 100, 3, 2, 1, 0, null],
      );
      assert.deepEqual((j.failed_repositories as { full_name: string; error: string }[]).map((f) => [f.full_name, f.error]), [
        ["acme/missing", NOT_FOUND_MESSAGE("acme/missing")],
      ]);
      assert.equal(j.items_done, Math.max(...progress.map((p) => Number(p.payload.job_items_done))));

      const repos = await member.client.from("backfill_repository_status")
        .select("full_name, status, percent, last_error, task_id").eq("job_id", job.id).order("full_name");
      assert.equal(repos.error, null);
      assert.deepEqual(repos.data!.map((r) => [r.full_name, r.status, r.last_error]), [
        ["acme/api", "completed", null],
        ["acme/missing", "failed", NOT_FOUND_MESSAGE("acme/missing")],
        ["acme/tiny", "completed", null],
      ]);

      const types = await member.client.from("backfill_data_type_status")
        .select("task_id, full_name, data_type, status, items_done, estimated_total, window_start").eq("job_id", job.id);
      assert.equal(types.error, null);
      const done = types.data!.filter((t) => t.full_name !== "acme/missing");
      assert.deepEqual(done.map((t) => `${t.full_name} ${t.data_type}`).sort(), ["acme/api", "acme/tiny"].flatMap((r) => TYPES.map((t) => `${r} ${t}`)).sort());
      for (const t of done) {
        assert.equal(t.status, "completed", `${t.full_name} ${t.data_type}`);
        assert.equal(t.estimated_total, t.items_done, `${t.full_name} ${t.data_type}: a completed type's estimate is exact`);
        const last = progress.filter((p) => p.payload.task_id === t.task_id && p.payload.data_type === t.data_type).at(-1);
        assert.equal(last?.payload.items_done, t.items_done, `${t.full_name} ${t.data_type}: the last broadcast says what the view holds`);
      }
      // The counts are the simulator's: what a job stores by its ground truth (activity inside
      // the window: PRs updated since, and the parents of comments updated since).
      for (const t of done.filter((x) => x.data_type === "pull_requests")) {
        const all = new Map<string, TruthItemLike[]>();
        for (const type of CONTENT_TYPES) {
          const res = await fetch(`${stackEnv("GITHUB_API_URL")}/_sim/truth?${new URLSearchParams({ repo: t.full_name!, type })}`);
          all.set(type, ((await res.json()) as { items: TruthItemLike[] }).items);
        }
        const want = expectedContent((type) => all.get(type)!, new Date(t.window_start!).toISOString(), TYPES);
        assert.equal(t.items_done, want.items.pull_requests, `${t.full_name}: pull requests in the window`);
      }

      const notes = await owner.client.from("notifications").select("kind, title")
        .eq("workspace_id", workspaceId).eq("payload->>job_id", job.id);
      assert.deepEqual(notes.data?.map((n) => [n.kind, n.title]), [["backfill_finished", finished.title]]);
    } finally {
      await member.client.removeAllChannels();
      await outsider.client.removeAllChannels();
      await sql.end();
    }
  },
});

Deno.test({
  name: "client: a member's start_manual_backfill gets PostgREST's error (403, code 42501, the message and hint)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sql = testDb();
    const [owner, member] = [await signIn("owner"), await signIn("member")];
    try {
      const workspaceId = await newWorkspace(owner.client, "refused");
      await addMember(sql, workspaceId, member.id, "member");
      const { data, error, status } = await member.client.rpc("start_manual_backfill", { workspace_id: workspaceId, days: 7 });
      assert.equal(data, null);
      assert.equal(status, 403);
      assert.deepEqual({ code: error?.code, message: error?.message, hint: error?.hint, details: error?.details }, {
        code: "42501",
        message: `start_manual_backfill: only owners and admins of workspace ${workspaceId} can do this`,
        hint: "Ask an owner or admin of the workspace.",
        details: null,
      });
      const [{ n }] = await sql`select count(*)::int as n from public.backfill_jobs where workspace_id = ${workspaceId}`;
      assert.equal(n, 0, "no job was created");
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: "client: the generated types refuse a wrong RPC argument (checked by deno check), and so does the server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const owner = await signIn("owner");
    const workspaceId = await newWorkspace(owner.client, "types");
    // deno check (and so deno test) fails on this line if types/database.ts ever accepts a string
    // for days (an int parameter: `days?: number`).
    // @ts-expect-error days is a number of days, not text
    const wrongType = await owner.client.rpc("start_manual_backfill", { workspace_id: workspaceId, days: "thirty" });
    assert.deepEqual([wrongType.status, wrongType.error?.code], [400, "22P02"]);
    // ... or a parameter the function does not have.
    // @ts-expect-error the parameter is workspace_id
    const wrongName = await owner.client.rpc("start_manual_backfill", { workspaceId, days: 7 });
    assert.deepEqual([wrongName.status, wrongName.error?.code], [404, "PGRST202"]);
  },
});
