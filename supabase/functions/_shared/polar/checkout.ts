// The addon is bought by an owner or admin, for their workspace: this handler (edge function
// polar-checkout, called with the user's access token) checks the caller, creates the checkout
// on Polar with the SDK (metadata.workspace_id = the workspace, the buyer as external customer)
// and records it (billing.checkouts), which is what the webhook later binds the subscription by.
import { createPolar } from "npm:@polar-sh/sdk@1.0.1/2026-10";
import type { Sql } from "../db.ts";
import { BodyTooLarge, readBodyLimited } from "../http/body.ts";
import { type Env, signedInUser } from "../http/auth.ts";

export interface CheckoutRequest {
  workspace_id: string;
  success_url?: string;
}

export interface CreatedCheckout {
  id: string;
  url: string;
  expires_at: string | null;
}

/** Creates the checkout on Polar; injected so tests need no Polar. */
export type CreateCheckout = (input: {
  productId: string;
  workspaceId: string;
  userId: string;
  email: string | null;
  successUrl?: string;
}) => Promise<CreatedCheckout>;

export interface CheckoutDeps {
  sql: Sql;
  env: Env;
  createCheckout?: CreateCheckout;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Polar through its SDK: POLAR_ACCESS_TOKEN, and POLAR_API_URL (local stand-in) or POLAR_SERVER. */
export function polarCheckouts(env: Env): CreateCheckout {
  return async (input) => {
    const accessToken = env("POLAR_ACCESS_TOKEN");
    if (!accessToken) throw new Error("POLAR_ACCESS_TOKEN is not set: set it in the function secrets (an organization access token)");
    const baseUrl = env("POLAR_API_URL");
    const polar = createPolar({
      accessToken,
      ...(baseUrl ? { baseUrl } : { environment: env("POLAR_SERVER") === "sandbox" ? "sandbox" : "production" }),
      timeout: 10,
    });
    const c = await polar.checkouts.create({
      products: [input.productId],
      metadata: { workspace_id: input.workspaceId },
      external_customer_id: input.userId,
      ...(input.email ? { customer_email: input.email } : {}),
      ...(input.successUrl ? { success_url: input.successUrl } : {}),
    });
    return { id: c.id, url: c.url, expires_at: c.expires_at ? String(c.expires_at) : null };
  };
}

function parseRequest(raw: Uint8Array): CheckoutRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return "the body must be JSON: {\"workspace_id\": \"<uuid>\", \"success_url\": \"https://…\"}";
  }
  const b = body as Record<string, unknown>;
  if (!b || typeof b !== "object" || typeof b.workspace_id !== "string" || !UUID.test(b.workspace_id)) {
    return "workspace_id must be the workspace's uuid";
  }
  if (b.success_url !== undefined && (typeof b.success_url !== "string" || !/^https?:\/\/\S{1,2000}$/.test(b.success_url))) {
    return "success_url must be an http(s) URL";
  }
  return { workspace_id: b.workspace_id, success_url: b.success_url as string | undefined };
}

const json = (status: number, body: unknown) => Response.json(body, { status });

export function createCheckoutHandler(deps: CheckoutDeps): (req: Request) => Promise<Response> {
  const createCheckout = deps.createCheckout ?? polarCheckouts(deps.env);
  return async (req) => {
    if (req.method !== "POST") return json(405, { error: `polar-checkout accepts POST only, not ${req.method}` });
    const user = await signedInUser(req, deps.env);
    if ("error" in user) return json(401, { error: user.error });
    let raw: Uint8Array;
    try {
      raw = await readBodyLimited(req, 16_384);
    } catch (e) {
      if (e instanceof BodyTooLarge) return json(413, { error: e.message });
      throw e;
    }
    const input = parseRequest(raw);
    if (typeof input === "string") return json(400, { error: input });
    const productId = (deps.env("POLAR_PRODUCT_ID_EXTENDED_RETENTION") ?? "").split(",")[0]?.trim();
    if (!productId) return json(500, { error: "polar-checkout is not configured: set POLAR_PRODUCT_ID_EXTENDED_RETENTION" });

    let email: string | null;
    try {
      const [buyer] = await deps.sql<{ email: string | null }[]>`
        select email from private.addon_checkout_buyer(${input.workspace_id}::uuid, ${user.id}::uuid)`;
      email = buyer?.email ?? user.email;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "42501") return json(403, { error: (e as Error).message });
      if (code === "P0002") return json(404, { error: (e as Error).message });
      throw e;
    }
    let checkout: CreatedCheckout;
    try {
      checkout = await createCheckout({ productId, workspaceId: input.workspace_id, userId: user.id, email, successUrl: input.success_url });
    } catch (e) {
      console.error("polar-checkout: Polar refused the checkout:", (e as Error).message);
      return json(502, { error: `Polar could not create the checkout: ${(e as Error).message}` });
    }
    await deps.sql`select private.record_polar_checkout(${input.workspace_id}::uuid, ${user.id}::uuid, ${checkout.id},
      ${productId}, ${checkout.url}, ${checkout.expires_at}::timestamptz)`;
    return json(201, { checkout_id: checkout.id, url: checkout.url, expires_at: checkout.expires_at });
  };
}
