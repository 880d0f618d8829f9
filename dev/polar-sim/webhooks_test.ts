// Completing a checkout produces the deliveries Polar sends, and the SDK's own verifier
// (webhooks.validateEvent of the 2026-10 entry point, as supabase/functions/_shared/polar_webhook.ts
// imports it) accepts every one of them.
import assert from "node:assert/strict";
import { webhooks } from "npm:@polar-sh/sdk@1.0.1/2026-10";
import { DEFAULT_WEBHOOK_SECRET } from "./mod.ts";
import { ADDON, BUYER_ID, listeningSimulator, webhookReceiver, WORKSPACE_ID } from "./test_util.ts";

type Payload = Awaited<ReturnType<typeof webhooks.validateEvent>>;

async function verified(
  received: { headers: Record<string, string>; body: string }[],
  secret = DEFAULT_WEBHOOK_SECRET,
) {
  const events: Payload[] = [];
  for (const r of received) events.push(await webhooks.validateEvent(r.body, r.headers, secret));
  return events;
}

function only<T extends Payload["type"]>(
  events: Payload[],
  type: T,
): Extract<Payload, { type: T }> {
  const found = events.filter((e) => e.type === type);
  assert.equal(found.length, 1, `exactly one ${type}`);
  return found[0] as Extract<Payload, { type: T }>;
}

Deno.test("completing a checkout posts Polar's deliveries, in Polar's order, all verified by the SDK", async () => {
  await using hook = webhookReceiver();
  await using t = listeningSimulator({ webhookUrl: hook.url });
  const checkout = await t.polar.checkouts.create({
    products: [ADDON],
    metadata: { workspace_id: WORKSPACE_ID },
    external_customer_id: BUYER_ID,
  });
  const answer = await fetch(`${t.server.url}/_sim/checkouts/${checkout.id}/complete`, {
    method: "POST",
    body: JSON.stringify({ customer_email: "owner@example.com" }),
  });
  assert.equal(answer.status, 200);
  await answer.body?.cancel();

  const events = await verified(hook.received);
  assert.deepEqual(events.map((e) => e.type), [
    "checkout.created",
    "checkout.updated",
    "customer.created",
    "subscription.created",
    "subscription.active",
    "subscription.updated",
    "order.created",
    "order.updated",
    "order.paid",
    "checkout.updated",
  ]);
  assert.deepEqual(
    events.filter((e) => e.type === "checkout.updated").map((e) => e.data.status),
    ["confirmed", "succeeded"],
  );
  const ids = hook.received.map((r) => r.headers["webhook-id"]);
  assert.equal(new Set(ids).size, ids.length, "every delivery has its own webhook-id");
  assert.ok(hook.received.every((r) => r.headers["user-agent"] === "polar.sh webhooks"));
  assert.ok(events.every((e) => e.api_version === "2026-10"));
});

Deno.test("the subscription links back to its checkout, the buyer and the workspace", async () => {
  await using hook = webhookReceiver();
  await using t = listeningSimulator({ webhookUrl: hook.url });
  const checkout = await t.polar.checkouts.create({
    products: [ADDON],
    metadata: { workspace_id: WORKSPACE_ID },
    external_customer_id: BUYER_ID,
  });
  await t.sim.complete(checkout.id, { customer_email: "owner@example.com" });
  const events = await verified(hook.received);

  for (
    const type of ["subscription.created", "subscription.active", "subscription.updated"] as const
  ) {
    const { data } = only(events, type);
    assert.equal(data.checkout_id, checkout.id, type);
    assert.equal(data.product_id, ADDON, type);
    assert.equal(data.status, "active", type);
    assert.deepEqual(data.metadata, { workspace_id: WORKSPACE_ID }, type);
    assert.equal(data.customer.external_id, BUYER_ID, type);
    assert.equal(data.customer_id, data.customer.id, type);
    assert.equal(data.customer.email, "owner@example.com", type);
    assert.ok(Date.parse(data.current_period_end) > Date.parse(data.current_period_start), type);
    assert.equal(data.cancel_at_period_end, false, type);
  }
  const paid = only(events, "order.paid").data;
  const subscription = only(events, "subscription.created").data;
  assert.equal(paid.checkout_id, checkout.id);
  assert.equal(paid.subscription_id, subscription.id);
  assert.equal(paid.subscription?.current_period_end, subscription.current_period_end);
  assert.equal(paid.billing_reason, "subscription_create");
  assert.deepEqual(paid.metadata, { workspace_id: WORKSPACE_ID });
  assert.equal(paid.customer.external_id, BUYER_ID);
  const customer = only(events, "customer.created").data;
  assert.equal(customer.external_id, BUYER_ID);
  assert.equal(customer.id, subscription.customer_id);
  const succeeded = events.at(-1)!;
  assert.ok(succeeded.type === "checkout.updated");
  assert.equal(succeeded.data.subscription_id, subscription.id);
  assert.equal(succeeded.data.customer_id, subscription.customer_id);
});

Deno.test("without a webhook URL the signed deliveries are returned for the caller to send", async () => {
  await using t = listeningSimulator();
  const checkout = await t.polar.checkouts.create({
    products: [ADDON],
    metadata: { workspace_id: WORKSPACE_ID },
  });
  const { deliveries, subscription } = await t.sim.complete(checkout.id);
  const active = deliveries.find((d) => d.type === "subscription.active")!;
  assert.equal(active.state, "recorded");
  assert.equal(active.attempts.length, 0);
  const event = await webhooks.validateEvent(active.body, active.headers, DEFAULT_WEBHOOK_SECRET);
  assert.ok(event.type === "subscription.active");
  assert.equal(event.data.id, subscription?.id);
});

Deno.test("a buyer known by email keeps that customer's external id, as Polar does", async () => {
  await using t = listeningSimulator();
  const first = await t.polar.checkouts.create({
    products: [ADDON],
    external_customer_id: BUYER_ID,
  });
  await t.sim.complete(first.id, { customer_email: "shared@example.com" });
  const second = await t.polar.checkouts.create({
    products: [ADDON],
    external_customer_id: "another-user",
  });
  const { subscription } = await t.sim.complete(second.id, {
    customer_email: "shared@example.com",
  });
  assert.equal(subscription?.customer.external_id, BUYER_ID);
  assert.equal(
    subscription?.checkout_id,
    second.id,
    "the checkout id still names the right checkout",
  );
});

Deno.test("a failed delivery does not hold later ones and is sent again on retry", async () => {
  let fail = true;
  await using hook = webhookReceiver(() => (fail ? 503 : 200));
  await using t = listeningSimulator({
    webhookUrl: hook.url,
    webhookEvents: ["subscription.active", "order.paid"],
  });
  const checkout = await t.polar.checkouts.create({ products: [ADDON] });
  const { deliveries } = await t.sim.complete(checkout.id);
  assert.deepEqual(deliveries.map((d) => [d.type, d.state, d.attempts[0].http_status]), [
    ["subscription.active", "failed", 503],
    ["order.paid", "failed", 503],
  ]);
  fail = false;
  const retried = await t.sim.retryDeliveries();
  assert.deepEqual(retried.map((d) => d.state), ["delivered", "delivered"]);
  const sent = hook.received.map((r) => r.headers["webhook-id"]);
  assert.deepEqual(
    sent,
    [...deliveries, ...deliveries].map((d) => d.webhook_id),
    "a retry keeps the webhook-id",
  );
  await verified(hook.received.slice(2));
});

Deno.test("cancel, uncancel and revoke send Polar's subscription events", async () => {
  await using hook = webhookReceiver();
  await using t = listeningSimulator({ webhookUrl: hook.url });
  const checkout = await t.polar.checkouts.create({
    products: [ADDON],
    metadata: { workspace_id: WORKSPACE_ID },
  });
  const { subscription } = await t.sim.complete(checkout.id);
  const id = subscription!.id;
  const from = hook.received.length;
  await t.sim.cancel(id);
  await t.sim.uncancel(id);
  await fetch(`${t.server.url}/_sim/subscriptions/${id}/revoke`, { method: "POST" }).then((r) =>
    r.body?.cancel()
  );
  const events = await verified(hook.received.slice(from));
  assert.deepEqual(events.map((e) => e.type), [
    "subscription.updated",
    "subscription.canceled",
    "subscription.updated",
    "subscription.uncanceled",
    "subscription.updated",
    "subscription.canceled",
    "subscription.revoked",
  ]);
  const canceled = events[1];
  assert.ok(canceled.type === "subscription.canceled");
  assert.equal(canceled.data.cancel_at_period_end, true);
  assert.equal(canceled.data.status, "active", "canceled at period end keeps access");
  const revoked = events.at(-1)!;
  assert.ok(revoked.type === "subscription.revoked");
  assert.equal(revoked.data.status, "canceled");
  assert.ok(revoked.data.ended_at);
  assert.deepEqual(revoked.data.metadata, { workspace_id: WORKSPACE_ID });
});

Deno.test("a renewal moves the period on and sends a paid subscription_cycle order", async () => {
  await using t = listeningSimulator();
  const checkout = await t.polar.checkouts.create({
    products: [ADDON],
    metadata: { workspace_id: WORKSPACE_ID },
  });
  const { subscription } = await t.sim.complete(checkout.id);
  const deliveries = await t.sim.cycle(subscription!.id);
  assert.deepEqual(deliveries.map((d) => d.type), [
    "subscription.cycled",
    "order.created",
    "order.updated",
    "order.paid",
  ]);
  const paid = deliveries.find((d) => d.type === "order.paid")!;
  const event = await webhooks.validateEvent(paid.body, paid.headers, DEFAULT_WEBHOOK_SECRET);
  assert.ok(event.type === "order.paid");
  assert.equal(event.data.billing_reason, "subscription_cycle");
  assert.equal(event.data.checkout_id, null, "a renewal order has no checkout");
  assert.deepEqual(event.data.metadata, { workspace_id: WORKSPACE_ID });
  assert.equal(event.data.subscription?.current_period_start, subscription!.current_period_end);
});

Deno.test("a completed checkout cannot be completed twice", async () => {
  await using t = listeningSimulator();
  const checkout = await t.polar.checkouts.create({ products: [ADDON] });
  await t.sim.complete(checkout.id);
  const again = await fetch(`${t.server.url}/_sim/checkouts/${checkout.id}/complete`, {
    method: "POST",
  });
  assert.equal(again.status, 409);
  assert.match((await again.json()).detail, /is succeeded, not open/);
});

Deno.test("an expired checkout sends checkout.expired and can no longer be completed", async () => {
  await using t = listeningSimulator();
  const checkout = await t.polar.checkouts.create({ products: [ADDON] });
  const [expired] = await t.sim.expire(checkout.id);
  const event = await webhooks.validateEvent(expired.body, expired.headers, DEFAULT_WEBHOOK_SECRET);
  assert.ok(event.type === "checkout.expired");
  assert.equal(event.data.status, "expired");
  assert.equal((await t.polar.checkouts.get(checkout.id)).status, "expired");
  await assert.rejects(t.sim.complete(checkout.id), /is expired, not open/);
});

Deno.test("a checkout older than Polar's 24 h TTL is refused 410 but can still be expired", async () => {
  let now = Date.parse("2026-12-01T12:00:00Z");
  await using t = listeningSimulator({ clock: () => now });
  const checkout = await t.polar.checkouts.create({ products: [ADDON] });
  assert.equal(checkout.expires_at, "2026-12-02T12:00:00.000Z");
  now += 24 * 3_600_000;
  const late = await fetch(`${t.server.url}/_sim/checkouts/${checkout.id}/complete`, {
    method: "POST",
  });
  assert.equal(late.status, 410);
  await late.body?.cancel();
  const [expired] = await t.sim.expire(checkout.id);
  // Payload times follow the simulator's clock; the signature is dated by the wall clock.
  const event = await webhooks.validateEvent(expired.body, expired.headers, DEFAULT_WEBHOOK_SECRET);
  assert.equal(event.type, "checkout.expired");
  assert.equal(event.timestamp, "2026-12-02T12:00:00.000Z");
});
