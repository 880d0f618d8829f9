// Builds and signs Polar-shaped deliveries, for the dev sender (send.ts) and the tests.
// The webhook function never signs: it verifies with the SDK only. The signer is the Polar
// simulator's (dev/polar-sim/sign.ts, Standard Webhooks); deliveries_test.ts proves the SDK
// accepts what it signs.

export interface SubscriptionEventInput {
  type: string;
  subscriptionId: string;
  productId: string;
  status?: string;
  /** Checkout metadata as Polar copies it onto the subscription, e.g. { workspace_id: "acme" }. */
  metadata?: Record<string, unknown>;
  cancelAtPeriodEnd?: boolean;
  currentPeriodEnd?: Date;
  endedAt?: Date | null;
  /** The event's time (payload `timestamp`); orders events for the out-of-order rule. */
  at?: Date;
  customerId?: string;
  /** The checkout the subscription came from (Polar's data.checkout_id). */
  checkoutId?: string | null;
  /** The buyer as our system knows them (Polar's data.customer.external_id). */
  customerExternalId?: string | null;
}

/** A `subscription.*` payload: status follows the event unless given (revoked → canceled). */
export function subscriptionEvent(input: SubscriptionEventInput): Record<string, unknown> {
  const at = input.at ?? new Date();
  const revoked = input.type === "subscription.revoked";
  const status = input.status ?? (revoked ? "canceled" : "active");
  const periodEnd = input.currentPeriodEnd ?? new Date(at.getTime() + 30 * 86_400_000);
  const canceled = revoked || input.type === "subscription.canceled" ||
    Boolean(input.cancelAtPeriodEnd);
  return {
    type: input.type,
    timestamp: at.toISOString(),
    data: {
      id: input.subscriptionId,
      created_at: at.toISOString(),
      modified_at: at.toISOString(),
      status,
      amount: 10000,
      currency: "usd",
      recurring_interval: "month",
      current_period_start: new Date(periodEnd.getTime() - 30 * 86_400_000).toISOString(),
      current_period_end: periodEnd.toISOString(),
      cancel_at_period_end: input.cancelAtPeriodEnd ?? input.type === "subscription.canceled",
      canceled_at: canceled ? at.toISOString() : null,
      started_at: at.toISOString(),
      ended_at: input.endedAt !== undefined
        ? input.endedAt?.toISOString() ?? null
        : revoked
        ? at.toISOString()
        : null,
      customer_id: input.customerId ?? `cus_${input.subscriptionId}`,
      customer: { id: input.customerId ?? `cus_${input.subscriptionId}`, external_id: input.customerExternalId ?? null },
      checkout_id: input.checkoutId ?? null,
      product_id: input.productId,
      metadata: input.metadata ?? {},
    },
  };
}

/** An `order.paid` payload for a subscription renewal paid until `paidUntil`. */
export function orderPaidEvent(input: {
  orderId: string;
  subscriptionId: string;
  productId: string;
  paidUntil: Date;
  at?: Date;
}): Record<string, unknown> {
  const at = input.at ?? new Date();
  return {
    type: "order.paid",
    timestamp: at.toISOString(),
    data: {
      id: input.orderId,
      created_at: at.toISOString(),
      status: "paid",
      paid: true,
      billing_reason: "subscription_cycle",
      product_id: input.productId,
      subscription_id: input.subscriptionId,
      subscription: { id: input.subscriptionId, current_period_end: input.paidUntil.toISOString() },
    },
  };
}

// One dev-side signer for every Polar-shaped delivery (tests, npm run polar:send, the simulator).
export { type SignOptions, signPolarWebhook } from "../polar-sim/sign.ts";
