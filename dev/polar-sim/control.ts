// The simulator's own endpoints (no auth): what tests and dev tools use to play the buyer and
// Polar's back office, and to read what happened. Also the hosted checkout page that a
// checkout's `url` points at, reduced to one "Pay" button.
import { json } from "./api.ts";
import type { PolarSimulator } from "./server.ts";
import { SimError } from "./store.ts";

const SUBSCRIPTION_ACTIONS = ["cancel", "uncancel", "revoke", "cycle"] as const;
type SubscriptionAction = typeof SUBSCRIPTION_ACTIONS[number];

export async function handleControl(
  req: Request,
  url: URL,
  sim: PolarSimulator,
): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "");
  const { store } = sim;
  const get = req.method === "GET";
  const post = req.method === "POST";

  if (get && path === "/_sim/health") return json(200, { ok: true });
  if (get && path === "/_sim/checkouts") {
    const status = url.searchParams.get("status");
    const rows = [...store.checkouts.values()].filter((r) =>
      !status || r.checkout.status === status
    );
    return json(200, rows);
  }
  let m = path.match(/^\/_sim\/checkouts\/([^/]+)(\/complete|\/expire)?$/);
  if (m && get && !m[2]) {
    const recorded = store.checkouts.get(m[1]);
    return recorded ? json(200, recorded) : notFound(`checkout ${m[1]}`);
  }
  if (m && post && m[2] === "/complete") {
    return json(200, await sim.complete(m[1], await optionalJson(req)));
  }
  if (m && post && m[2] === "/expire") {
    const deliveries = await sim.expire(m[1]);
    return json(200, { checkout: store.checkouts.get(m[1])?.checkout, deliveries });
  }
  if (get && path === "/_sim/customers") return json(200, [...store.customers.values()]);
  if (get && path === "/_sim/subscriptions") return json(200, [...store.subscriptions.values()]);
  if (get && path === "/_sim/orders") return json(200, [...store.orders.values()]);
  m = path.match(/^\/_sim\/subscriptions\/([^/]+)\/([a-z]+)$/);
  if (m && post && (SUBSCRIPTION_ACTIONS as readonly string[]).includes(m[2])) {
    const deliveries = await sim[m[2] as SubscriptionAction](m[1]);
    return json(200, { subscription: store.subscriptions.get(m[1]), deliveries });
  }
  if (get && path === "/_sim/deliveries") {
    const type = url.searchParams.get("type");
    return json(200, sim.deliveries.filter((d) => !type || d.type === type));
  }
  if (post && path === "/_sim/deliveries/retry") return json(200, await sim.retryDeliveries());
  m = path.match(/^\/_sim\/deliveries\/([^/]+)\/redeliver$/);
  if (m && post) {
    const delivery = await sim.redeliver(m[1]);
    return delivery ? json(200, delivery) : notFound(`delivery ${m[1]}`);
  }
  if (post && path === "/_sim/config") {
    sim.configure(await optionalJson(req));
    return json(200, { ok: true });
  }
  if (post && path === "/_sim/reset") {
    sim.reset();
    return json(200, { ok: true });
  }
  return json(404, {
    error: "PolarSimulator",
    detail: `no simulator endpoint ${req.method} ${path}; see dev/polar-sim/README.md`,
  });
}

/** GET /checkout/{client_secret}: a page with one button; POST: pay, then go to success_url. */
export async function handleCheckoutPage(
  req: Request,
  url: URL,
  sim: PolarSimulator,
): Promise<Response> {
  const m = url.pathname.match(/^\/checkout\/([^/]+)(\/confirmation)?$/);
  const recorded = m &&
    [...sim.store.checkouts.values()].find((r) => r.checkout.client_secret === m[1]);
  if (!m || !recorded) return new Response("Checkout not found\n", { status: 404 });
  const { checkout } = recorded;
  if (m[2]) return page(`Thank you: checkout ${checkout.id} is ${checkout.status}.`);
  if (req.method === "POST") {
    const form = await req.formData();
    const email = form.get("customer_email");
    await sim.complete(
      checkout.id,
      typeof email === "string" && email ? { customer_email: email } : {},
    );
    return new Response(null, { status: 303, headers: { location: checkout.success_url } });
  }
  const product = checkout.product?.name ?? "product";
  const price = `${(checkout.total_amount / 100).toFixed(2)} ${checkout.currency.toUpperCase()}`;
  return page(
    `<h1>${escape(product)}</h1><p>${price} (Polar simulator: no card needed)</p>` +
      `<form method="post"><input name="customer_email" type="email" placeholder="email" ` +
      `value="${escape(checkout.customer_email ?? "")}"> <button>Pay</button></form>`,
  );
}

async function optionalJson(req: Request): Promise<Record<string, never>> {
  const text = await req.text();
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value;
  } catch {
    // answered below
  }
  throw new SimError(
    400,
    `the body must be a JSON object, not ${JSON.stringify(text.slice(0, 80))}`,
  );
}

function notFound(what: string): Response {
  return json(404, { error: "PolarSimulator", detail: `no ${what}` });
}

function page(body: string): Response {
  return new Response(
    `<!doctype html><meta charset="utf-8"><title>Polar simulator</title>${body}\n`,
    {
      headers: { "content-type": "text/html; charset=utf-8" },
    },
  );
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
