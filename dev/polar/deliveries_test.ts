import assert from "node:assert/strict";
import { webhooks } from "npm:@polar-sh/sdk@1.0.1/2026-10";
import {
  orderPaidEvent,
  signPolarWebhook,
  subscriptionEvent,
} from "./deliveries.ts";

const SECRET = "whsec_" + btoa("events-test-secret");

Deno.test("signPolarWebhook() produces headers the official SDK verifies", async () => {
  const body = JSON.stringify(
    subscriptionEvent({ type: "subscription.created", subscriptionId: "s", productId: "p" }),
  );
  const headers = await signPolarWebhook(body, SECRET, { webhookId: "msg_x" });
  const event = await webhooks.validateEvent(body, headers, SECRET);
  assert.equal(event.type, "subscription.created");
  assert.equal(headers["webhook-id"], "msg_x");
});

Deno.test("signPolarWebhook() signatures are refused by the SDK under another secret", async () => {
  const body = JSON.stringify(
    orderPaidEvent({ orderId: "o", subscriptionId: "s", productId: "p", paidUntil: new Date() }),
  );
  const headers = await signPolarWebhook(body, SECRET);
  await assert.rejects(
    webhooks.validateEvent(body, headers, "whsec_" + btoa("other")),
    webhooks.PolarWebhookVerificationError,
  );
});

Deno.test("subscriptionEvent() marks a revoked subscription canceled and ended", () => {
  const e = subscriptionEvent({
    type: "subscription.revoked",
    subscriptionId: "s",
    productId: "p",
  }) as {
    data: { status: string; ended_at: string | null };
  };
  assert.equal(e.data.status, "canceled");
  assert.ok(e.data.ended_at);
});
