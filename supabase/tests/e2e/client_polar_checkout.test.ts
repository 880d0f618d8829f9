// Buying the Extended Data Retention addon from a client app against the running stack: the owner
// calls polar-checkout with supabase-js's functions.invoke, which creates the checkout on the
// stack's Polar simulator (POLAR_API_URL) and records it; the buyer's browser pays on the checkout
// page; the simulator then posts its signed deliveries to polar-webhook, which binds the
// subscription to the workspace the checkout was recorded for. A member (not admin) is refused.
import assert from "node:assert/strict";
import { FunctionsHttpError } from "npm:@supabase/supabase-js@2.119.0";
import { payCheckout } from "../../../dev/client/checkout.ts";
import { readFunctionsEnv } from "../../../dev/stack/functions-env.ts";
import { addMember, type Client, signIn, uniqueSlug } from "./_client.ts";
import { eventually, stackEnv, testDb } from "./_env.ts";

const PRODUCT = ((await readFunctionsEnv()).POLAR_PRODUCT_ID_EXTENDED_RETENTION ?? "").split(",")[0].trim();

async function newWorkspace(owner: Client): Promise<{ id: string; retention_days: number }> {
  const { data, error } = await owner.rpc("create_workspace", { slug: uniqueSlug("addon"), name: "Addon buyer" });
  assert.equal(error, null, `create_workspace: ${error?.message}`);
  return data!;
}

interface SimCheckout {
  checkout: { id: string; status: string; success_url: string };
  request: { products: string[]; metadata: Record<string, string>; external_customer_id: string; customer_email?: string };
}

interface SimDelivery {
  type: string;
  body: string;
  attempts: { http_status: number | null }[];
}

Deno.test({
  name: "client: an owner buys the addon through polar-checkout and the checkout page; the workspace gets 365 days and an addon job",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const polar = stackEnv("POLAR_API_URL");
    const owner = await signIn("buyer");
    const ws = await newWorkspace(owner.client);
    assert.equal(ws.retention_days, 30, "a new workspace is on the free tier");

    const { data, error } = await owner.client.functions.invoke<{ checkout_id: string; url: string; expires_at: string }>(
      "polar-checkout",
      { body: { workspace_id: ws.id } },
    );
    assert.equal(error, null, `polar-checkout: ${error?.message}`);
    assert.ok(data!.url.startsWith(`${polar}/checkout/polar_c_`), data!.url);

    // What Polar was asked for (the simulator keeps each request as received).
    const recorded = await (await fetch(`${polar}/_sim/checkouts/${data!.checkout_id}`)).json() as SimCheckout;
    assert.deepEqual(recorded.request.products, [PRODUCT]);
    assert.deepEqual(recorded.request.metadata, { workspace_id: ws.id });
    assert.equal(recorded.request.external_customer_id, owner.id);
    assert.equal(recorded.request.customer_email, owner.email);

    const next = await payCheckout(data!.url, owner.email);
    assert.equal(next, recorded.checkout.success_url);

    // The simulator awaited its deliveries before the page answered; polar-webhook took them.
    const deliveries = await (await fetch(`${polar}/_sim/deliveries?type=subscription.active`)).json() as SimDelivery[];
    const active = deliveries.find((d) => JSON.parse(d.body).data.checkout_id === data!.checkout_id);
    assert.equal(active?.attempts[0]?.http_status, 200, `polar-webhook's answer to subscription.active: ${JSON.stringify(active?.attempts)}`);

    const { data: workspace } = await owner.client.from("workspaces").select("retention_days").eq("id", ws.id).single();
    assert.equal(workspace?.retention_days, 365);
    const { data: entitled } = await owner.client.rpc("workspace_has_extended_retention", { workspace_id: ws.id });
    assert.equal(entitled, true);
    const job = await eventually("the addon job in backfill_job_status", async () => {
      const { data: rows } = await owner.client.from("backfill_job_status").select("kind, window_days, total_tasks, status")
        .eq("workspace_id", ws.id).eq("kind", "addon");
      return rows?.[0];
    });
    // The workspace tracks nothing yet: the job has no repository to fetch.
    assert.deepEqual([job.kind, job.window_days, job.total_tasks], ["addon", 365, 0]);
  },
});

Deno.test({
  name: "client: a member (not admin) calling polar-checkout gets 403 with the reason, and Polar is not asked",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sql = testDb();
    const [owner, member] = [await signIn("owner"), await signIn("member")];
    try {
      const ws = await newWorkspace(owner.client);
      await addMember(sql, ws.id, member.id, "member");
      const { data, error } = await member.client.functions.invoke("polar-checkout", { body: { workspace_id: ws.id } });
      assert.equal(data, null);
      assert.ok(error instanceof FunctionsHttpError, `a FunctionsHttpError, got ${error}`);
      const res = error.context as Response;
      assert.equal(res.status, 403);
      assert.deepEqual(await res.json(), {
        error: `polar-checkout: only owners and admins of workspace ${ws.id} can buy the addon for it`,
      });
      const all = await (await fetch(`${stackEnv("POLAR_API_URL")}/_sim/checkouts`)).json() as SimCheckout[];
      assert.equal(all.filter((c) => c.request.metadata?.workspace_id === ws.id).length, 0);
      const [{ n }] = await sql`select count(*)::int as n from billing.checkouts where workspace_id = ${ws.id}`;
      assert.equal(n, 0);
    } finally {
      await sql.end();
    }
  },
});
