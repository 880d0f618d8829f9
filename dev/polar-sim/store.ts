// The simulated organization's state and its transitions, each returning the webhook events Polar
// emits for it, in Polar's order:
//   checkout created      checkout.created                                 (checkout/service.py)
//   checkout expired      checkout.expired                                 (Polar's expiry job)
//   checkout completed    checkout.updated (confirmed), customer.created (new customer; a
//                         background job in Polar, so its place may vary),
//                         subscription.created, subscription.active, subscription.updated,
//                         order.created, order.updated, order.paid, checkout.updated (succeeded)
//                         (handle_success → subscription create_or_update_from_checkout →
//                         order create_from_checkout_subscription → _on_order_created)
//   cancel at period end  subscription.updated, subscription.canceled      (_after_subscription_updated)
//   uncancel              subscription.updated, subscription.uncanceled
//   revoke                subscription.updated, subscription.canceled, subscription.revoked
//   renew (cycle)         subscription.cycled, then order.created (pending), order.updated,
//                         order.paid                                       (subscription cycle())
import {
  type Checkout,
  type CheckoutCreate,
  type Context,
  type Customer,
  newCheckout,
  newCustomer,
  newOrder,
  newSubscription,
  nextPeriod,
  type Order,
  type Product,
  type Subscription,
} from "./objects.ts";

export type Event = { type: string; data: unknown };

/** A refusal of a simulator control action: HTTP status and a message that says what to do. */
export class SimError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface RecordedCheckout {
  checkout: Checkout;
  /** The request body exactly as the client sent it (parsed JSON). */
  request: unknown;
  /** Request headers minus Authorization, for asserting what the SDK sent. */
  request_headers: Record<string, string>;
}

export class Store {
  readonly products = new Map<string, Product>();
  readonly checkouts = new Map<string, RecordedCheckout>();
  readonly customers = new Map<string, Customer>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly orders = new Map<string, Order>();

  constructor(readonly ctx: Context) {}

  createCheckout(
    body: CheckoutCreate,
    request: { body: unknown; headers: Record<string, string>; frontendUrl: string },
  ): [Checkout, Event[]] {
    const products = body.products.map((id) => this.products.get(id.toLowerCase())!);
    const checkout = newCheckout(body, products, this.ctx, request.frontendUrl);
    // checkout/service.py create: an existing customer is attached by id or external id.
    const existing = body.customer_id
      ? this.customers.get(body.customer_id)
      : this.customerByExternalId(body.external_customer_id ?? null);
    if (existing) checkout.customer_id = existing.id;
    this.checkouts.set(checkout.id, {
      checkout,
      request: request.body,
      request_headers: request.headers,
    });
    return [checkout, [{ type: "checkout.created", data: clone(checkout) }]];
  }

  complete(id: string, input: { customer_email?: string; customer_name?: string }): Event[] {
    const checkout = this.openCheckout(id);
    const customerEvents: Event[] = [];
    const customer = this.customerFor(checkout, input, customerEvents);
    checkout.customer_id = customer.id;
    checkout.customer_email = customer.email;
    checkout.customer_name = input.customer_name ?? checkout.customer_name;
    checkout.tax_amount = 0;
    checkout.status = "confirmed";
    checkout.modified_at = this.ctx.now().toISOString();
    const events: Event[] = [
      { type: "checkout.updated", data: clone(checkout) },
      ...customerEvents,
    ];

    const product = this.products.get(checkout.product_id!)!;
    let subscription: Subscription | null = null;
    if (product.is_recurring) {
      subscription = newSubscription(checkout, customer, product, this.ctx);
      this.subscriptions.set(subscription.id, subscription);
      checkout.subscription_id = subscription.id;
      events.push(...["subscription.created", "subscription.active", "subscription.updated"]
        .map((type) => ({ type, data: clone(subscription) })));
    }
    const order = newOrder(checkout, customer, product, subscription, this.ctx);
    this.orders.set(order.id, order);
    events.push(...orderEvents(order));
    checkout.status = "succeeded";
    checkout.payment_processor_metadata = { intent_status: "succeeded" };
    checkout.modified_at = this.ctx.now().toISOString();
    events.push({ type: "checkout.updated", data: clone(checkout) });
    return events;
  }

  /** What Polar's expiry job does to an open checkout past expires_at (here: on demand). */
  expire(id: string): Event[] {
    const checkout = this.openCheckout(id, { evenPastExpiry: true });
    checkout.status = "expired";
    checkout.modified_at = this.ctx.now().toISOString();
    return [{ type: "checkout.expired", data: clone(checkout) }];
  }

  cancel(id: string): Event[] {
    const s = this.liveSubscription(id);
    if (s.cancel_at_period_end) {
      throw new SimError(409, `subscription ${id} is already canceled at period end`);
    }
    const now = this.ctx.now().toISOString();
    Object.assign(s, {
      cancel_at_period_end: true,
      canceled_at: now,
      ends_at: s.current_period_end,
      modified_at: now,
    });
    return this.subscriptionEvents(s, "subscription.updated", "subscription.canceled");
  }

  uncancel(id: string): Event[] {
    const s = this.liveSubscription(id);
    if (!s.cancel_at_period_end) {
      throw new SimError(409, `subscription ${id} is not canceled; cancel it first`);
    }
    const now = this.ctx.now().toISOString();
    Object.assign(s, {
      cancel_at_period_end: false,
      canceled_at: null,
      ends_at: null,
      modified_at: now,
    });
    return this.subscriptionEvents(s, "subscription.updated", "subscription.uncanceled");
  }

  revoke(id: string): Event[] {
    const s = this.liveSubscription(id);
    const now = this.ctx.now().toISOString();
    Object.assign(s, {
      status: "canceled",
      cancel_at_period_end: false,
      canceled_at: s.canceled_at ?? now,
      ends_at: now,
      ended_at: now,
      modified_at: now,
    });
    return this.subscriptionEvents(
      s,
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
    );
  }

  /** Renews a subscription for one more period and bills it. */
  cycle(id: string): Event[] {
    const s = this.liveSubscription(id);
    if (s.cancel_at_period_end) {
      throw new SimError(
        409,
        `subscription ${id} ends at period end; revoke it or uncancel it before renewing`,
      );
    }
    const start = new Date(s.current_period_end);
    Object.assign(s, {
      current_period_start: start.toISOString(),
      current_period_end: nextPeriod(start, s.recurring_interval, s.recurring_interval_count)
        .toISOString(),
      modified_at: this.ctx.now().toISOString(),
    });
    const recorded = this.checkouts.get(s.checkout_id ?? "")?.checkout;
    if (!recorded) throw new SimError(409, `subscription ${id} has no checkout to bill from`);
    // order/service.py: a renewal order has no checkout, takes the subscription's metadata, and
    // is created pending, then paid (order.created, then order.updated + order.paid).
    const order: Order = {
      ...newOrder(recorded, s.customer as Customer, s.product, s, this.ctx),
      billing_reason: "subscription_cycle",
      checkout_id: null,
      metadata: { ...s.metadata },
      custom_field_data: { ...s.custom_field_data },
    };
    this.orders.set(order.id, order);
    const pending = { ...order, status: "pending" as const, paid: false };
    return [
      ...this.subscriptionEvents(s, "subscription.cycled"),
      { type: "order.created", data: clone(pending) },
      ...orderEvents(order).slice(1),
    ];
  }

  private openCheckout(id: string, { evenPastExpiry = false } = {}): Checkout {
    const recorded = this.checkouts.get(id);
    if (!recorded) throw new SimError(404, `no checkout ${id}; list them with GET /_sim/checkouts`);
    const { checkout } = recorded;
    if (checkout.status !== "open") {
      throw new SimError(
        409,
        `checkout ${id} is ${checkout.status}, not open: create a new checkout`,
      );
    }
    if (!evenPastExpiry && Date.parse(checkout.expires_at) <= this.ctx.now().getTime()) {
      throw new SimError(
        410,
        `checkout ${id} expired at ${checkout.expires_at}: create a new checkout ` +
          `(POST /_sim/checkouts/${id}/expire sends checkout.expired)`,
      );
    }
    return checkout;
  }

  // checkout/service.py _create_or_update_customer: the checkout's customer, else the one with
  // that email (whose external_id is kept, even when the checkout names another), else a new one.
  private customerFor(
    checkout: Checkout,
    input: { customer_email?: string; customer_name?: string },
    events: Event[],
  ): Customer {
    if (checkout.customer_id) return this.customers.get(checkout.customer_id)!;
    const email = input.customer_email ?? checkout.customer_email ??
      `buyer-${checkout.id.slice(0, 8)}@polar-sim.test`;
    const byEmail = [...this.customers.values()].find((c) =>
      c.email.toLowerCase() === email.toLowerCase()
    );
    if (byEmail) return byEmail;
    if (this.customerByExternalId(checkout.external_customer_id)) {
      throw new SimError(
        403,
        `another customer already has external id ${checkout.external_customer_id} (Polar's CheckoutCustomerExternalIdMismatch); complete with that customer's email`,
      );
    }
    const customer = newCustomer({
      email,
      externalId: checkout.external_customer_id,
      name: input.customer_name ?? checkout.customer_name,
      metadata: { ...checkout.customer_metadata },
    }, this.ctx);
    this.customers.set(customer.id, customer);
    events.push({ type: "customer.created", data: clone(customer) });
    return customer;
  }

  private customerByExternalId(externalId: string | null): Customer | undefined {
    if (externalId === null) return undefined;
    return [...this.customers.values()].find((c) => c.external_id === externalId);
  }

  private liveSubscription(id: string): Subscription {
    const s = this.subscriptions.get(id);
    if (!s) {
      throw new SimError(404, `no subscription ${id}; list them with GET /_sim/subscriptions`);
    }
    if (s.status === "canceled") {
      throw new SimError(409, `subscription ${id} is revoked; complete a new checkout`);
    }
    return s;
  }

  private subscriptionEvents(s: Subscription, ...types: string[]): Event[] {
    s.customer = this.customers.get(s.customer_id) ?? s.customer;
    return types.map((type) => ({ type, data: clone(s) }));
  }
}

function orderEvents(order: Order): Event[] {
  return ["order.created", "order.updated", "order.paid"].map((type) => ({
    type,
    data: clone(order),
  }));
}

/** Each event carries the object as it was when emitted, not a live reference. */
function clone<T>(value: T): T {
  return structuredClone(value);
}
