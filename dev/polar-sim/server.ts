/**
 * A local stand-in for Polar (polar.sh): the checkout API the SDK calls, and the signed webhook
 * deliveries Polar sends when a checkout succeeds or a subscription changes. Usable in-process
 * (`sim.fetch`, `sim.complete(...)`) or over HTTP (`sim.listen()`). See README.md.
 */
import { handleApi, json } from "./api.ts";
import { handleCheckoutPage, handleControl } from "./control.ts";
import { Deliveries, type Delivery } from "./deliveries.ts";
import type { Checkout, Customer, Order, ProductSpec, Subscription } from "./objects.ts";
import { productObject } from "./objects.ts";
import type { SignatureScheme } from "./sign.ts";
import { type Event, SimError, Store } from "./store.ts";

export interface PolarSimulatorOptions {
  /** Organization access tokens the API accepts. Default: [DEFAULT_ACCESS_TOKEN]. */
  accessTokens?: string[];
  /** The catalogue. Default: [EXTENDED_RETENTION]. */
  products?: ProductSpec[];
  organizationId?: string;
  /** Where webhook deliveries are POSTed; null or absent: recorded and returned, not sent. */
  webhookUrl?: string | null;
  /** The endpoint's secret, `whsec_…` (Standard Webhooks) or raw. Default: DEFAULT_WEBHOOK_SECRET. */
  webhookSecret?: string;
  /** Default "standard" for a whsec_ secret, else "polar" (see sign.ts). */
  signatureScheme?: SignatureScheme;
  /** Event types the endpoint subscribed to; null or absent: every type. */
  webhookEvents?: string[] | null;
  /** The endpoint's api_version, echoed in payloads. Default "2026-10". */
  webhookApiVersion?: string;
  /** Timeout of one delivery attempt. Default 10000 (Polar's). */
  webhookTimeoutMs?: number;
  /** Base of checkout page URLs. Default: the listening URL, else the request's origin. */
  publicUrl?: string;
  clock?: () => number;
  newId?: () => string;
}

export interface CompleteInput {
  /** The buyer's email, as typed on the checkout page. Default: the checkout's, else generated. */
  customer_email?: string;
  customer_name?: string;
}

export interface CompleteResult {
  checkout: Checkout;
  customer: Customer;
  subscription: Subscription | null;
  order: Order;
  deliveries: Delivery[];
}

export interface PolarSimulator {
  fetch(input: Request | URL | string, init?: RequestInit): Promise<Response>;
  listen(options?: { port?: number; hostname?: string }): { url: string; close(): Promise<void> };
  complete(checkoutId: string, input?: CompleteInput): Promise<CompleteResult>;
  expire(checkoutId: string): Promise<Delivery[]>;
  cancel(subscriptionId: string): Promise<Delivery[]>;
  uncancel(subscriptionId: string): Promise<Delivery[]>;
  revoke(subscriptionId: string): Promise<Delivery[]>;
  cycle(subscriptionId: string): Promise<Delivery[]>;
  retryDeliveries(): Promise<Delivery[]>;
  redeliver(webhookId: string): Promise<Delivery | undefined>;
  configure(options: Pick<PolarSimulatorOptions, WebhookOption>): void;
  reset(): void;
  readonly store: Store;
  readonly deliveries: Delivery[];
}

type WebhookOption =
  | "webhookUrl"
  | "webhookSecret"
  | "signatureScheme"
  | "webhookEvents"
  | "webhookApiVersion"
  | "webhookTimeoutMs";

export const DEFAULT_ACCESS_TOKEN = "polar_oat_polar_sim_local_token";
export const DEFAULT_WEBHOOK_SECRET = "whsec_" + btoa("polar-sim local webhook secret");
export const DEFAULT_ORGANIZATION_ID = "0f4c5ad7-6b1e-4c59-9a4e-5d0e3f3b7a11";
/** The addon. Its id is the local one of supabase/functions/.env.example, so the stack needs no edit. */
export const EXTENDED_RETENTION: ProductSpec = {
  id: "ed348547-4256-4eab-a959-5c7f1bf91eb9",
  name: "Extended Data Retention",
  description: "Keep 365 days of GitHub history for every repository of a workspace.",
  priceAmount: 1900,
  currency: "usd",
  recurringInterval: "month",
};

export function createPolarSimulator(options: PolarSimulatorOptions = {}): PolarSimulator {
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const ctx = {
    now: () => new Date(clock()),
    newId,
    organizationId: options.organizationId ?? DEFAULT_ORGANIZATION_ID,
  };
  const accessTokens = new Set(options.accessTokens ?? [DEFAULT_ACCESS_TOKEN]);
  let listeningUrl: string | null = null;
  let store = freshStore();
  const deliveries = new Deliveries(endpointFrom(options), ctx.now, newId);

  function freshStore(): Store {
    const s = new Store(ctx);
    for (const spec of options.products ?? [EXTENDED_RETENTION]) {
      s.products.set(spec.id.toLowerCase(), productObject(spec, ctx, ctx.now()));
    }
    return s;
  }

  const emit = (events: Event[]) => deliveries.emit(events);
  const frontendUrl = (req: Request) =>
    options.publicUrl ?? listeningUrl ?? new URL(req.url).origin;

  async function complete(checkoutId: string, input: CompleteInput = {}): Promise<CompleteResult> {
    const events = store.complete(checkoutId, input);
    const sent = await emit(events);
    const checkout = store.checkouts.get(checkoutId)!.checkout;
    // Snapshots: later actions (cancel, cycle…) must not change what this call returned.
    return structuredClone({
      checkout,
      customer: store.customers.get(checkout.customer_id!)!,
      subscription: checkout.subscription_id
        ? store.subscriptions.get(checkout.subscription_id)!
        : null,
      order: [...store.orders.values()].find((o) => o.checkout_id === checkoutId)!,
      deliveries: sent,
    });
  }

  const sim: PolarSimulator = {
    get store() {
      return store;
    },
    get deliveries() {
      return deliveries.log;
    },
    complete,
    expire: (id) => emit(store.expire(id)),
    cancel: (id) => emit(store.cancel(id)),
    uncancel: (id) => emit(store.uncancel(id)),
    revoke: (id) => emit(store.revoke(id)),
    cycle: (id) => emit(store.cycle(id)),
    retryDeliveries: () => deliveries.retry(),
    redeliver: (id) => deliveries.redeliver(id),
    configure(update) {
      deliveries.endpoint = endpointFrom({ ...currentWebhookOptions(), ...update });
    },
    reset() {
      store = freshStore();
      deliveries.log.length = 0;
    },
    async fetch(input, init) {
      const req = input instanceof Request && init === undefined ? input : new Request(input, init);
      return await handle(req);
    },
    listen({ port = 0, hostname = "127.0.0.1" } = {}) {
      const server = Deno.serve({ port, hostname, onListen: () => {} }, handle);
      const url = `http://${hostname}:${(server.addr as Deno.NetAddr).port}`;
      listeningUrl = url;
      return {
        url,
        async close() {
          if (listeningUrl === url) listeningUrl = null;
          await server.shutdown();
        },
      };
    },
  };

  function currentWebhookOptions(): Pick<PolarSimulatorOptions, WebhookOption> {
    const e = deliveries.endpoint;
    return {
      webhookUrl: e.url,
      webhookSecret: e.secret,
      signatureScheme: e.scheme,
      webhookEvents: e.events ? [...e.events] : null,
      webhookApiVersion: e.apiVersion,
      webhookTimeoutMs: e.timeoutMs,
    };
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    try {
      if (url.pathname.startsWith("/v1/")) {
        return await handleApi(req, url, { store, accessTokens, emit, frontendUrl });
      }
      if (url.pathname.startsWith("/checkout/")) return await handleCheckoutPage(req, url, sim);
      if (url.pathname.startsWith("/_sim/")) return await handleControl(req, url, sim);
      return json(404, { detail: "Not Found" });
    } catch (e) {
      if (e instanceof SimError) {
        return json(e.status, { error: "PolarSimulator", detail: e.message });
      }
      return json(500, {
        error: "PolarSimulator",
        detail: `polar-sim failed: ${(e as Error).message}`,
      });
    }
  }

  return sim;
}

function endpointFrom(o: Pick<PolarSimulatorOptions, WebhookOption>) {
  return {
    url: o.webhookUrl ?? null,
    secret: o.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
    scheme: o.signatureScheme,
    events: o.webhookEvents ? new Set(o.webhookEvents) : null,
    apiVersion: o.webhookApiVersion ?? "2026-10",
    timeoutMs: o.webhookTimeoutMs ?? 10_000,
  };
}
