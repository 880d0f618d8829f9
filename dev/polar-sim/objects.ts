// Polar's resources as the API (version 2026-10) returns them, typed with the SDK's own models so
// the type checker proves every required field is present with the right type. Field semantics
// follow Polar's server (server/polar/checkout/schemas.py, models/checkout.py, subscription and
// order services); values Polar computes from things the simulator does not model (tax, Stripe,
// benefits, discounts) take their "none" value. Differences are listed in README.md.
import type { models } from "npm:@polar-sh/sdk@1.0.1/2026-10";

export type Checkout = models.Checkout;
export type Product = models.Product;
export type Customer = models.CustomerIndividual;
export type Subscription = models.Subscription;
export type Order = models.Order;

/** A product of the simulated catalogue. */
export interface ProductSpec {
  /** Polar product ids are UUID4; the API refuses anything else (422 uuid_parsing). */
  id: string;
  name: string;
  description?: string | null;
  /** Fixed price in cents. */
  priceAmount: number;
  /** Lower-case ISO 4217, as Polar writes it. */
  currency?: string;
  /** null: a one-time product. */
  recurringInterval?: models.RecurringInterval | null;
  recurringIntervalCount?: number;
  isArchived?: boolean;
  visibility?: models.ProductVisibility;
}

/** What the objects need from the simulator: its clock, ids and public URL. */
export interface Context {
  now(): Date;
  newId(): string;
  organizationId: string;
}

const iso = (d: Date) => d.toISOString();

export function productObject(spec: ProductSpec, ctx: Context, at: Date): Product {
  const recurring = spec.recurringInterval === undefined ? "month" : spec.recurringInterval;
  const price: models.ProductPriceFixed = {
    created_at: iso(at),
    modified_at: null,
    id: uuidFrom(spec.id, "price"),
    source: "catalog",
    amount_type: "fixed",
    price_currency: spec.currency ?? "usd",
    tax_behavior: null,
    is_archived: false,
    product_id: spec.id,
    price_amount: spec.priceAmount,
  };
  return {
    id: spec.id,
    created_at: iso(at),
    modified_at: null,
    trial_interval: null,
    trial_interval_count: null,
    name: spec.name,
    description: spec.description ?? null,
    visibility: spec.visibility ?? "public",
    recurring_interval: recurring,
    recurring_interval_count: recurring === null ? null : spec.recurringIntervalCount ?? 1,
    meter_interval: null,
    meter_interval_count: null,
    is_recurring: recurring !== null,
    is_archived: spec.isArchived ?? false,
    organization_id: ctx.organizationId,
    metadata: {},
    is_deletable: false,
    prices: [price],
    benefits: [],
    medias: [],
    attached_custom_fields: [],
  };
}

/** A product as a checkout lists it (CheckoutProduct: no metadata, public benefits). */
export function checkoutProduct(p: Product): models.CheckoutProduct {
  const { metadata: _m, is_deletable: _d, attached_custom_fields: _a, benefits: _b, ...rest } = p;
  return { ...rest, benefits: [] };
}

/** The validated body of POST /v1/checkouts/ (snake_case, as on the wire). */
export type CheckoutCreate = models.CheckoutCreate;

/** `frontendUrl` stands in for Polar's frontend (https://polar.sh), where checkout pages live. */
export function newCheckout(
  body: CheckoutCreate,
  products: Product[],
  ctx: Context,
  frontendUrl: string,
): Checkout {
  const at = ctx.now();
  const id = ctx.newId();
  const clientSecret = `polar_c_${randomToken()}`;
  const product = products[0];
  const price = product.prices[0] as models.ProductPriceFixed;
  const amount = price.price_amount;
  const requireAddress = body.require_billing_address ?? false;
  const mode = (yes: models.BillingAddressFieldMode) => (requireAddress ? yes : "disabled");
  return {
    id,
    created_at: iso(at),
    modified_at: null,
    custom_field_data: body.custom_field_data ?? {},
    payment_processor: "stripe",
    status: "open",
    client_secret: clientSecret,
    url: `${frontendUrl}/checkout/${clientSecret}`,
    // Polar's CHECKOUT_TTL_SECONDS: 24 hours.
    expires_at: iso(new Date(at.getTime() + 86_400_000)),
    success_url: body.success_url
      ? body.success_url.replaceAll("{CHECKOUT_ID}", id)
      : `${frontendUrl}/checkout/${clientSecret}/confirmation`,
    return_url: body.return_url ?? null,
    embed_origin: body.embed_origin ?? null,
    amount,
    seats: null,
    min_seats: null,
    max_seats: null,
    units: null,
    min_units: null,
    max_units: null,
    discount_amount: 0,
    net_amount: amount,
    tax_amount: null,
    tax_behavior: null,
    total_amount: amount,
    currency: price.price_currency,
    allow_trial: body.allow_trial ?? true,
    active_trial_interval: null,
    active_trial_interval_count: null,
    trial_end: null,
    organization_id: ctx.organizationId,
    product_id: product.id,
    product_price_id: price.id,
    discount_id: null,
    allow_discount_codes: body.allow_discount_codes ?? true,
    require_billing_address: requireAddress,
    is_discount_applicable: true,
    is_free_product_price: amount === 0,
    is_payment_required: amount > 0,
    is_payment_setup_required: amount > 0 && product.is_recurring,
    is_payment_form_required: amount > 0,
    customer_id: body.customer_id ?? null,
    is_business_customer: body.is_business_customer ?? false,
    customer_name: body.customer_name ?? null,
    customer_email: body.customer_email ?? null,
    customer_ip_address: body.customer_ip_address ?? null,
    customer_billing_name: body.customer_billing_name ?? null,
    customer_billing_address: null,
    customer_tax_id: body.customer_tax_id ?? null,
    locale: body.locale ?? null,
    payment_method_type: null,
    payment_processor_metadata: {},
    billing_address_fields: {
      country: "required",
      state: mode("optional"),
      city: mode("required"),
      postal_code: mode("required"),
      line1: mode("required"),
      line2: mode("optional"),
    },
    trial_interval: body.trial_interval ?? null,
    trial_interval_count: body.trial_interval_count ?? null,
    metadata: body.metadata ?? {},
    external_customer_id: body.external_customer_id ?? null,
    products: products.map(checkoutProduct),
    product: checkoutProduct(product),
    product_price: price,
    prices: Object.fromEntries(products.map((p) => [p.id, p.prices])),
    discount: null,
    subscription_id: body.subscription_id ?? null,
    attached_custom_fields: [],
    customer_metadata: body.customer_metadata ?? {},
  };
}

export function newCustomer(
  input: {
    email: string;
    externalId: string | null;
    name: string | null;
    metadata: models.MetadataOutputType;
  },
  ctx: Context,
): Customer {
  return {
    id: ctx.newId(),
    created_at: iso(ctx.now()),
    modified_at: null,
    metadata: input.metadata,
    external_id: input.externalId,
    email: input.email,
    email_verified: false,
    type: "individual",
    name: input.name,
    billing_name: input.name,
    billing_address: null,
    tax_id: null,
    locale: null,
    organization_id: ctx.organizationId,
    default_payment_method_id: null,
    deleted_at: null,
    first_user_event_at: null,
    avatar_url: null,
  };
}

/** The subscription a succeeded checkout starts: active now, one interval long. */
export function newSubscription(
  checkout: Checkout,
  customer: Customer,
  product: Product,
  ctx: Context,
): Subscription {
  const start = ctx.now();
  const interval = product.recurring_interval ?? "month";
  const count = product.recurring_interval_count ?? 1;
  return {
    created_at: iso(start),
    modified_at: null,
    id: ctx.newId(),
    amount: checkout.net_amount,
    currency: checkout.currency,
    recurring_interval: interval,
    recurring_interval_count: count,
    status: "active",
    current_period_start: iso(start),
    current_period_end: iso(nextPeriod(start, interval, count)),
    current_meter_period_start: null,
    current_meter_period_end: null,
    trial_start: null,
    trial_end: null,
    cancel_at_period_end: false,
    canceled_at: null,
    started_at: iso(start),
    ends_at: null,
    ended_at: null,
    past_due_at: null,
    pause_at_period_end: false,
    paused_at: null,
    resumes_at: null,
    customer_id: customer.id,
    product_id: product.id,
    discount_id: null,
    checkout_id: checkout.id,
    seats: null,
    units: null,
    customer_cancellation_reason: null,
    customer_cancellation_comment: null,
    // Polar copies the checkout's metadata onto the subscription (create_or_update_from_checkout).
    metadata: { ...checkout.metadata },
    custom_field_data: { ...checkout.custom_field_data },
    customer,
    product,
    discount: null,
    prices: product.prices,
    meters: [],
    pending_update: null,
  };
}

/** The paid order of a succeeded checkout (order.created → order.updated → order.paid). */
export function newOrder(
  checkout: Checkout,
  customer: Customer,
  product: Product,
  subscription: Subscription | null,
  ctx: Context,
): Order {
  const at = ctx.now();
  const {
    customer: _c,
    product: _p,
    discount: _d,
    prices: _pr,
    meters: _m,
    pending_update: _u,
    metadata: _md,
    custom_field_data: _cf,
    ...subscriptionSummary
  } = subscription ?? ({} as Subscription);
  const {
    benefits: _b,
    medias: _me,
    attached_custom_fields: _a,
    is_deletable: _x,
    prices: _pp,
    ...productSummary
  } = product;
  return {
    id: ctx.newId(),
    created_at: iso(at),
    modified_at: null,
    status: "paid",
    paid: true,
    subtotal_amount: checkout.amount,
    discount_amount: 0,
    net_amount: checkout.net_amount,
    tax_amount: 0,
    total_amount: checkout.net_amount,
    applied_balance_amount: 0,
    due_amount: 0,
    refunded_amount: 0,
    refunded_tax_amount: 0,
    currency: checkout.currency,
    billing_reason: subscription ? "subscription_create" : "purchase",
    billing_name: customer.billing_name,
    billing_address: null,
    invoice_number: `POLAR-SIM-${String(ctx.newId()).slice(0, 8).toUpperCase()}-0001`,
    is_invoice_generated: false,
    receipt_number: null,
    seats: null,
    units: null,
    customer_id: customer.id,
    product_id: product.id,
    discount_id: null,
    subscription_id: subscription?.id ?? null,
    checkout_id: checkout.id,
    next_payment_attempt_at: null,
    metadata: { ...checkout.metadata },
    custom_field_data: { ...checkout.custom_field_data },
    platform_fee_amount: 0,
    platform_fee_currency: null,
    customer,
    product: productSummary,
    discount: null,
    subscription: subscription
      ? { ...subscriptionSummary, metadata: { ...subscription.metadata } }
      : null,
    items: [{
      created_at: iso(at),
      modified_at: null,
      id: ctx.newId(),
      label: product.name,
      amount: checkout.net_amount,
      tax_amount: 0,
      proration: false,
      product_price_id: checkout.product_price_id,
      start_timestamp: subscription?.current_period_start ?? null,
      end_timestamp: subscription?.current_period_end ?? null,
    }],
    description: product.name,
    refundable_amount: checkout.net_amount,
    refundable_tax_amount: 0,
  };
}

/** Calendar arithmetic as Polar's RecurringInterval.get_next_period (same day, clamped). */
export function nextPeriod(start: Date, interval: models.RecurringInterval, count: number): Date {
  const d = new Date(start.getTime());
  if (interval === "day") d.setUTCDate(d.getUTCDate() + count);
  else if (interval === "week") d.setUTCDate(d.getUTCDate() + 7 * count);
  else {
    const months = interval === "month" ? count : 12 * count;
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
  }
  return d;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(
    /[+/=]/g,
    (c) => ({ "+": "A", "/": "b", "=": "" })[c]!,
  );
}

/** A stable UUID-shaped id derived from another id (the catalogue's price ids). */
function uuidFrom(id: string, salt: string): string {
  let h = 2166136261;
  const hex: string[] = [];
  for (let round = 0; hex.length < 32; round++) {
    for (const c of `${salt}:${id}:${round}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    hex.push(...h.toString(16).padStart(8, "0"));
  }
  const s = hex.slice(0, 32).join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${
    s.slice(20, 32)
  }`;
}
