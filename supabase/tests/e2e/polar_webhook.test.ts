// End-to-end tests of the polar-webhook function over HTTP against the running local stack
// (`npm test` sets FUNCTIONS_URL and DB_URL; without them every test fails saying so). Each test
// makes its own workspaces with unique slugs, so tests neither depend on nor disturb each other
// or other suites.
import assert from "node:assert/strict";
import { createSql, type Sql } from "../../functions/_shared/db.ts";
import { createPolarWebhookHandler, recordWithDatabase } from "../../functions/_shared/polar/webhook.ts";
import { orderPaidEvent, signPolarWebhook, subscriptionEvent } from "../../../dev/polar/deliveries.ts";
import { readFunctionsEnv } from "../../../dev/stack/functions-env.ts";
import { stackEnv } from "./_env.ts";

const env = await readFunctionsEnv();
const SECRET = env.POLAR_WEBHOOK_SECRET ?? "";
const PRODUCT = (env.POLAR_PRODUCT_ID_EXTENDED_RETENTION ?? "").split(",")[0].trim();
const webhookUrl = () => `${stackEnv("FUNCTIONS_URL")}/polar-webhook`;
const ALL_TYPES = [
  "repository",
  "pull_requests",
  "issues",
  "discussions",
  "commits",
  "stars",
  "forks",
];

// The webhook is under test, not the worker: the deployed worker's automatic invocations are
// paused while a test runs, so the jobs a purchase starts keep their queued messages to look at
// (the workspaces' repositories do not exist on the simulator; a worker would fail them at once).
function e2e(name: string, fn: (sql: Sql) => Promise<void>) {
  Deno.test({
    name,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const sql = createSql(stackEnv("DB_URL"), { max: 4 });
      const [saved] = await sql`select automatic_invocations, reason from engine.worker_settings`;
      try {
        await sql`update engine.worker_settings set automatic_invocations = false,
          reason = 'polar_webhook e2e tests: the webhook is under test', updated_at = now()`;
        await fn(sql);
      } finally {
        await sql`update engine.worker_settings set automatic_invocations = ${saved.automatic_invocations},
          reason = ${saved.reason}, updated_at = now()`;
        await sql.end();
      }
    },
  });
}

const rand = () => crypto.randomUUID().slice(0, 8);

/** A pro-tier workspace (retention 90) with `repos` tracked repositories. */
async function createWorkspace(sql: Sql, repos = 0): Promise<{ id: string; slug: string }> {
  const slug = `pw-${rand()}-${rand()}`;
  const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${slug}, ${
    "Polar " + slug
  }, 'pro')
                         returning id, slug`;
  for (let i = 0; i < repos; i++) {
    const [tr] = await sql`insert into public.tracked_repositories (owner, name) values (${slug}, ${
      "repo-" + i
    })
                           returning id`;
    await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id)
              values (${ws.id}, ${tr.id})`;
  }
  // The checkout an owner made for it through polar-checkout: what binds a subscription to it.
  await sql`insert into billing.checkouts (id, workspace_id, product_id, url)
            values (${"co_" + slug}, ${ws.id}, ${PRODUCT}, ${"https://polar.test/" + slug})`;
  return { id: ws.id, slug: ws.slug };
}

interface Sent {
  status: number;
  body: Record<string, unknown>;
  webhookId: string;
}

async function send(
  event: Record<string, unknown>,
  headers?: Record<string, string>,
  rawBody?: string,
): Promise<Sent> {
  const body = rawBody ?? JSON.stringify(event);
  const h = headers ?? await signPolarWebhook(body, SECRET);
  const res = await fetch(webhookUrl(), { method: "POST", headers: h, body });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text);
  } catch { /* not JSON: leave empty */ }
  return {
    status: res.status,
    body: parsed,
    webhookId: h["webhook-id"],
  };
}

function sub(
  type: string,
  ws: { id: string; slug: string },
  subscriptionId: string,
  extra: Partial<Parameters<typeof subscriptionEvent>[0]> = {},
) {
  return subscriptionEvent({
    type,
    subscriptionId,
    productId: PRODUCT,
    metadata: { workspace_id: ws.id },
    checkoutId: "co_" + ws.slug,
    ...extra,
  });
}

async function jobsOf(sql: Sql, workspaceId: string) {
  return await sql`select id, kind, window_days, data_types, status, source from public.backfill_jobs
                   where workspace_id = ${workspaceId} order by created_at`;
}

/** Retention, addon status, and the client helper's answer as the service role sees it. */
async function stateOf(sql: Sql, workspaceId: string) {
  return await sql.begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true),
                    set_config('request.jwt.claims', '{"role":"service_role"}', true)`;
    const [row] = await tx`
      select w.retention_days,
             (select a.status from public.subscription_addons a where a.workspace_id = w.id) as addon_status,
             public.workspace_has_extended_retention(w.id) as has_extended
      from public.workspaces w where w.id = ${workspaceId}`;
    return { ...row };
  });
}

async function deliveryRows(sql: Sql, webhookId: string) {
  return await sql`select outcome, error, event_type from billing.webhook_deliveries where webhook_id = ${webhookId}`;
}

e2e(
  "a purchase answers 200 and starts one addon job with one task and one queued message per workspace repository",
  async (sql) => {
    const ws = await createWorkspace(sql, 3);
    const r = await send(sub("subscription.active", ws, `sub_${rand()}`));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.outcome, "processed");

    const jobs = await jobsOf(sql, ws.id);
    assert.equal(jobs.length, 1, "exactly one job");
    assert.equal(jobs[0].kind, "addon");
    assert.equal(jobs[0].window_days, 365);
    assert.deepEqual([...jobs[0].data_types].sort(), [...ALL_TYPES].sort());
    assert.deepEqual(jobs[0].source, { origin: "polar_webhook", event_type: "subscription.active" },
      "members read no billing ids in the job's source");
    assert.equal(r.body.job_id, jobs[0].id);
    const [addon] = await sql`select backfill_job_id from public.subscription_addons where workspace_id = ${ws.id}`;
    assert.equal(addon.backfill_job_id, jobs[0].id, "the addon row names the job the purchase started");

    const state = await stateOf(sql, ws.id);
    assert.equal(state.retention_days, 365);
    assert.equal(state.addon_status, "active");
    assert.equal(state.has_extended, true);

    // The fan-out: one task per repository, each with its message in the addon's queue (365 days: bulk).
    const tasks = await sql`
      select t.queue_name, exists (select 1 from pgmq.q_backfill_bulk q where q.msg_id = t.msg_id) as queued
      from public.backfill_tasks t where t.job_id = ${jobs[0].id}`;
    assert.deepEqual(tasks.map((t) => ({ ...t })), Array(3).fill({ queue_name: "backfill_bulk", queued: true }),
      "one task per workspace repository, each with its message in backfill_bulk");
  },
);

e2e(
  "the same delivery replayed 50 times (concurrently) has one effect: one delivery row, one job",
  async (sql) => {
    const ws = await createWorkspace(sql, 1);
    const body = JSON.stringify(sub("subscription.active", ws, `sub_${rand()}`));
    const headers = await signPolarWebhook(body, SECRET);
    const results = await Promise.all(Array.from({ length: 50 }, () => send({}, headers, body)));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    assert.equal(
      results.filter((r) => r.body.replayed === false).length,
      1,
      "one delivery applied, 49 replays",
    );
    assert.equal((await deliveryRows(sql, headers["webhook-id"])).length, 1);
    assert.equal((await jobsOf(sql, ws.id)).length, 1);
  },
);

e2e("20 workspaces purchasing at the same time get one job each", async (sql) => {
  const workspaces = await Promise.all(Array.from({ length: 20 }, () => createWorkspace(sql, 1)));
  const results = await Promise.all(
    workspaces.map((ws) => send(sub("subscription.active", ws, `sub_${rand()}`))),
  );
  assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
  const rows = await sql`select workspace_id, count(*)::int as n from public.backfill_jobs
                         where workspace_id in ${
    sql(workspaces.map((w) => w.id))
  } group by workspace_id`;
  assert.equal(rows.length, 20, "every workspace has a job");
  assert.ok(rows.every((r) => r.n === 1), "and only one");
});

e2e(
  "bad signature, wrong secret, stale timestamp and missing headers are refused 403 and write nothing",
  async (sql) => {
    const ws = await createWorkspace(sql, 1);
    const subscriptionId = `sub_${rand()}`;
    const body = JSON.stringify(sub("subscription.active", ws, subscriptionId));
    const good = await signPolarWebhook(body, SECRET);
    const cases: [string, Record<string, string>, string][] = [
      ["bad signature", {
        ...good,
        "webhook-id": `msg_${rand()}`,
        "webhook-signature": good["webhook-signature"].replace(/^v1,../, "v1,AA"),
      }, body],
      [
        "tampered body",
        { ...good, "webhook-id": `msg_${rand()}` },
        body.replace(ws.slug, "someone-else"),
      ],
      [
        "wrong secret",
        await signPolarWebhook(body, "whsec_" + btoa(`not-the-secret-${rand()}`)),
        body,
      ],
      [
        "stale timestamp",
        await signPolarWebhook(body, SECRET, { at: new Date(Date.now() - 10 * 60_000) }),
        body,
      ],
      [
        "missing headers",
        { "content-type": "application/json", "webhook-id": `msg_${rand()}` },
        body,
      ],
    ];
    for (const [name, headers, b] of cases) {
      const r = await send({}, headers, b);
      assert.equal(r.status, 403, `${name}: ${JSON.stringify(r.body)}`);
      assert.equal(
        (await deliveryRows(sql, headers["webhook-id"])).length,
        0,
        `${name}: no delivery row`,
      );
    }
    const [{ n }] =
      await sql`select count(*)::int as n from public.polar_subscriptions where id = ${subscriptionId}`;
    assert.equal(n, 0, "no subscription row");
    assert.equal((await jobsOf(sql, ws.id)).length, 0, "no job");
    assert.equal((await stateOf(sql, ws.id)).retention_days, 90, "retention unchanged");
  },
);

e2e(
  "a validly signed body that is not JSON is answered 400 and recorded rejected, with no job",
  async (sql) => {
    const body = `{"type":"subscription.active","data":{"id":"sub_${rand()}"`;
    const headers = await signPolarWebhook(body, SECRET);
    const r = await send({}, headers, body);
    assert.equal(r.status, 400);
    const rows = await deliveryRows(sql, headers["webhook-id"]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].outcome, "rejected");
    assert.match(rows[0].error, /not valid JSON/);
    const [{ n }] = await sql`select count(*)::int as n from billing.recent_webhook_rejections
                            where webhook_id = ${headers["webhook-id"]}`;
    assert.equal(n, 1, "operators see it in billing.recent_webhook_rejections");
  },
);

e2e(
  "a purchase naming an unknown workspace or none is answered 202, recorded rejected with the reason",
  async (sql) => {
    for (const metadata of [{ workspace_id: `no-such-${rand()}` }, {}]) {
      const event = subscriptionEvent({
        type: "subscription.active",
        subscriptionId: `sub_${rand()}`,
        productId: PRODUCT,
        metadata,
      });
      const r = await send(event);
      assert.equal(r.status, 202);
      assert.equal(r.body.outcome, "rejected");
      const [row] =
        await sql`select reason from billing.recent_webhook_rejections where webhook_id = ${r.webhookId}`;
      assert.match(row.reason, /workspace/);
    }
  },
);

e2e(
  "an event type we do not handle, or the SDK does not know, is answered 202 and recorded ignored",
  async (sql) => {
    for (const type of ["checkout.created", `made.up.${rand()}`]) {
      const r = await send({ type, timestamp: new Date().toISOString(), data: { id: rand() } });
      assert.equal(r.status, 202, `${type}: ${JSON.stringify(r.body)}`);
      const rows = await deliveryRows(sql, r.webhookId);
      assert.equal(rows[0].outcome, "ignored");
      assert.equal(rows[0].event_type, type);
    }
  },
);

e2e(
  "created → active → canceled → revoked: 365 days until revoked, then the tier default and no live addon job",
  async (sql) => {
    const ws = await createWorkspace(sql, 2);
    const id = `sub_${rand()}`;
    const t0 = Date.now() - 10_000;
    const at = (s: number) => new Date(t0 + s * 1000);

    assert.equal((await send(sub("subscription.created", ws, id, { at: at(0) }))).status, 200);
    assert.equal((await send(sub("subscription.active", ws, id, { at: at(1) }))).status, 200);
    assert.equal((await jobsOf(sql, ws.id)).length, 1, "created + active start one job");
    assert.deepEqual(await stateOf(sql, ws.id), {
      retention_days: 365,
      addon_status: "active",
      has_extended: true,
    });

    assert.equal((await send(sub("subscription.canceled", ws, id, { at: at(2) }))).status, 200);
    assert.deepEqual(await stateOf(sql, ws.id), {
      retention_days: 365,
      addon_status: "canceled",
      has_extended: true,
    }, "canceled at period end keeps retention until the period ends");

    const revoked = await send(sub("subscription.revoked", ws, id, { at: at(3) }));
    assert.equal(revoked.status, 200);
    assert.deepEqual(await stateOf(sql, ws.id), {
      retention_days: 90,
      addon_status: "inactive",
      has_extended: false,
    });
    const jobs = await jobsOf(sql, ws.id);
    assert.equal(jobs.length, 1);
    assert.ok(
      !["pending", "running"].includes(jobs[0].status),
      `the addon job is no longer live (${jobs[0].status})`,
    );
  },
);

e2e(
  "canceled → uncanceled: the addon is active again, 365 days, and no second job",
  async (sql) => {
    const ws = await createWorkspace(sql, 1);
    const id = `sub_${rand()}`;
    const t0 = Date.now() - 10_000;
    await send(sub("subscription.active", ws, id, { at: new Date(t0) }));
    await send(sub("subscription.canceled", ws, id, { at: new Date(t0 + 1000) }));
    const r = await send(
      sub("subscription.uncanceled", ws, id, { at: new Date(t0 + 2000), cancelAtPeriodEnd: false }),
    );
    assert.equal(r.status, 200);
    assert.deepEqual(await stateOf(sql, ws.id), {
      retention_days: 365,
      addon_status: "active",
      has_extended: true,
    });
    assert.equal((await jobsOf(sql, ws.id)).length, 1);
  },
);

e2e(
  "an older subscription.updated delivered after revoked does not resurrect the addon",
  async (sql) => {
    const ws = await createWorkspace(sql, 1);
    const id = `sub_${rand()}`;
    const t0 = Date.now() - 10_000;
    await send(sub("subscription.active", ws, id, { at: new Date(t0) }));
    await send(sub("subscription.revoked", ws, id, { at: new Date(t0 + 3000) }));
    const late = await send(sub("subscription.updated", ws, id, { at: new Date(t0 + 1000) }));
    assert.equal(late.status, 202);
    assert.equal(late.body.outcome, "ignored");
    assert.match(String(late.body.reason), /out of order/);
    assert.deepEqual(await stateOf(sql, ws.id), {
      retention_days: 90,
      addon_status: "inactive",
      has_extended: false,
    });
    assert.equal((await jobsOf(sql, ws.id)).length, 1, "no new job");
  },
);

e2e("order.paid for the addon extends its expiry to the paid period end", async (sql) => {
  const ws = await createWorkspace(sql, 0);
  const id = `sub_${rand()}`;
  await send(
    sub("subscription.active", ws, id, { currentPeriodEnd: new Date(Date.now() + 86_400_000) }),
  );
  const paidUntil = new Date(Date.now() + 40 * 86_400_000);
  const r = await send(
    orderPaidEvent({
      orderId: `order_${rand()}`,
      subscriptionId: id,
      productId: PRODUCT,
      paidUntil,
    }),
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const [a] =
    await sql`select expires_at from public.subscription_addons where subscription_id = ${id}`;
  assert.equal(a.expires_at.toISOString(), paidUntil.toISOString());
});

e2e("with the database unavailable the delivery is answered 500 and nothing is recorded", async (sql) => {
  // The handler as the function wires it, its database a port where nothing listens.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const unreachable = createSql(`postgresql://postgres:postgres@127.0.0.1:${closedPort}/postgres`, { max: 1 });
  const logs: Record<string, unknown>[] = [];
  const handler = createPolarWebhookHandler({
    secret: SECRET,
    addonProductIds: [PRODUCT],
    record: recordWithDatabase(unreachable),
    log: (l) => logs.push(l),
  });
  try {
    const ws = await createWorkspace(sql, 1);
    const body = JSON.stringify(sub("subscription.active", ws, `sub_${rand()}`));
    const headers = await signPolarWebhook(body, SECRET);
    const res = await handler(new Request("http://polar-webhook.test/", { method: "POST", headers, body }));
    assert.equal(res.status, 500);
    assert.match((await res.json()).error, /could not record the delivery; it was not applied and may be retried/);
    assert.equal(logs.length, 1);
    assert.equal(logs[0].event, "polar_webhook.record_failed");
    assert.match(String(logs[0].error), /ECONNREFUSED|connect/i, "the log says the database could not be reached");
    assert.equal((await deliveryRows(sql, headers["webhook-id"])).length, 0, "no delivery row");
    assert.equal((await jobsOf(sql, ws.id)).length, 0, "no job");
    assert.equal((await stateOf(sql, ws.id)).retention_days, 90, "retention unchanged");

    // Polar retries the same delivery once the database is back: it is applied then.
    const retried = await send({}, headers, body);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.replayed, false, "the failed attempt left nothing to replay");
    assert.equal((await jobsOf(sql, ws.id)).length, 1);
  } finally {
    await unreachable.end({ timeout: 1 });
  }
});
