// The reference progress page (examples/progress-page) in headless Chromium against the running
// stack: a member opens it for the workspace, an owner starts a manual backfill with rpc(), and
// the page, fed by the private Realtime topic and the status views, follows the new job to 100%
// with one row per repository and the failed one's message. Debian's Chromium (`npm test`
// installs it; by hand: apt-get install chromium), driven by playwright-core.
import assert from "node:assert/strict";
import { chromium } from "npm:playwright-core@1.65.1";
import { NOT_FOUND_MESSAGE } from "../../../dev/demo_job.ts";
import { serveProgressPage } from "../../../examples/progress-page/serve.ts";
import { addMember, signIn, uniqueSlug } from "./_client.ts";
import { eventually, resetEngineState, stackEnv, testDb } from "./_env.ts";

const CHROMIUM = "/usr/bin/chromium";
// As root, on a machine without a network: no sandbox, nothing fetched in the background.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const REPOS = ["acme/tiny", "acme/api", "acme/missing"];
const TYPES = ["repository", "pull_requests", "issues"];

Deno.test({
  name: "progress page: a member's browser follows a new backfill live to 100%, one row per repository, the failure's message shown",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    try {
      Deno.statSync(CHROMIUM);
    } catch {
      throw new Error(`${CHROMIUM} is missing: npm test installs it; by hand run apt-get install chromium`);
    }
    const sql = testDb();
    const page = serveProgressPage({ apiUrl: stackEnv("API_URL"), anonKey: stackEnv("ANON_KEY") });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const tab = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    const consoleErrors: string[] = [];
    tab.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    tab.on("pageerror", (e) => consoleErrors.push(e.message));
    try {
      await resetEngineState(sql);
      await sql`update engine.worker_settings set automatic_invocations = true, reason = null, updated_at = now()`;
      const [owner, member] = [await signIn("owner"), await signIn("watcher")];
      const { data: ws, error } = await owner.client.rpc("create_workspace", { slug: uniqueSlug("page"), name: "Page" });
      assert.equal(error, null, error?.message);
      await addMember(sql, ws!.id, member.id, "member");
      const added = await owner.client.rpc("bulk_add_repositories", {
        workspace_id: ws!.id,
        repositories: REPOS,
        start_initial_backfill: false,
      });
      assert.equal(added.error, null, added.error?.message);
      // The metadata-only initial job of the new repositories ends first; the page opens on it.
      const initialJob = (added.data as { job_id: string }).job_id;
      await eventually("the initial job to end", async () => {
        const { data } = await member.client.from("backfill_job_status").select("status").eq("job_id", initialJob).single();
        return data && ["completed", "completed_with_errors", "failed"].includes(data.status);
      }, 30_000);

      await tab.goto(page.urlFor(ws!.id, member.token));
      await tab.waitForSelector('body[data-state="finished"]', { timeout: 15_000 });
      // Every percent the page shows from now on, in order (page-side code as text: no DOM types here).
      await tab.evaluate(`(() => {
        window.seen = [];
        const el = document.getElementById("job-percent");
        new MutationObserver(() => window.seen.push(document.getElementById("job-title").textContent + " " + el.textContent))
          .observe(el, { childList: true, characterData: true, subtree: true });
      })()`);

      const started = await owner.client.rpc("start_manual_backfill", { workspace_id: ws!.id, days: 30, data_types: TYPES });
      assert.equal(started.error, null, started.error?.message);
      await tab.waitForFunction(`document.getElementById("job-title").textContent.startsWith("manual") &&
        document.getElementById("job-percent").textContent === "100%" && document.body.dataset.state === "finished"`,
        undefined, { timeout: 60_000 });

      assert.equal(await tab.textContent("#job-status"), "completed with errors");
      assert.match(await tab.textContent("#job-summary") ?? "", /^2 of 3 repositories done, 1 failed · /);
      const rows = await tab.$$eval("#repos-body tr", (trs) =>
        trs.map((tr) => [tr.getAttribute("data-repository"), tr.className, tr.children.length]));
      assert.deepEqual(rows.sort(), REPOS.map((r) => [r, r === "acme/missing" ? "failed" : "completed", 2 + TYPES.length]).sort());
      const headers = await tab.$$eval("#repos-head th", (ths) => ths.map((th) => th.textContent));
      assert.deepEqual(headers, ["Repository", "Progress", "metadata", "pull requests", "issues"]);
      // Per-type counts: what backfill_data_type_status holds for the job.
      const { data: types } = await member.client.from("backfill_data_type_status").select("full_name, data_type, items_done")
        .eq("job_id", started.data!.id).eq("status", "completed");
      for (const t of types!) {
        const cell = await tab.textContent(
          `#repos-body tr[data-repository="${t.full_name}"] td:nth-child(${3 + TYPES.indexOf(t.data_type)})`,
        );
        assert.equal(cell, `✓ ${t.items_done.toLocaleString("en-US")}`, `${t.full_name} ${t.data_type}`);
      }
      assert.deepEqual(await tab.$$eval("#error-list li", (lis) => lis.map((li) => li.textContent)), [
        `acme/missing: ${NOT_FOUND_MESSAGE("acme/missing")}`,
      ]);
      // Live, and never backwards: the manual job's percents as the page showed them.
      const seen = (await tab.evaluate("window.seen") as string[])
        .filter((s) => s.startsWith("manual")).map((s) => Number(/(\d+(?:\.\d+)?)%$/.exec(s)![1]));
      assert.ok(seen.length >= 1 && seen.at(-1) === 100, `percents shown: ${seen.join(", ")}`);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b), `percents shown: ${seen.join(", ")}`);
      assert.deepEqual(consoleErrors, []);
    } catch (e) {
      const shot = await Deno.makeTempFile({ prefix: "progress-page-", suffix: ".png" });
      await tab.screenshot({ path: shot, fullPage: true }).catch(() => {});
      throw new Error(`${(e as Error).message}\n(the page at the failure: ${shot}; browser console: ${consoleErrors.join(" | ") || "empty"})`, { cause: e });
    } finally {
      await browser.close();
      await page.close();
      await sql.end();
    }
  },
});
