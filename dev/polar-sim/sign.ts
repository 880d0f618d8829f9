// The one dev-side signer of Polar-shaped webhook deliveries (the simulator, dev senders, tests).
// Deployed code never signs: the webhook function only verifies, with Polar's SDK.
//
// Polar signs two ways, per endpoint (SDK model WebhookEndpoint.uses_standard_webhook_signature):
//   "standard"  Standard Webhooks: HMAC-SHA256 keyed by the base64-decoded part of `whsec_…`
//   "polar"     Polar's original HMAC: keyed by the UTF-8 bytes of the whole secret as shown in the
//               dashboard (what server/polar/webhook/tasks.py does: StandardWebhook(b64(secret)))
// Both sign `id.timestamp.body` and send `v1,<base64>`; the SDK's validateEvent accepts either.
// The HMAC itself is the Standard Webhooks reference library's, not ours.
import { Webhook } from "npm:standardwebhooks@1.1.1";

export type SignatureScheme = "standard" | "polar";

export interface SignOptions {
  /** `webhook-id`; Polar sends the webhook event's UUID. Default: a random UUID. */
  webhookId?: string;
  /** Signing time; verifiers refuse more than 5 minutes of skew. Default: now. */
  at?: Date;
  /** Default "standard" for a `whsec_` secret, else "polar". */
  scheme?: SignatureScheme;
}

/** The headers Polar sends with a delivery of `body` (the exact bytes that will be posted). */
export function signPolarWebhook(
  body: string,
  secret: string,
  options: SignOptions = {},
): Record<string, string> {
  if (secret.length === 0) {
    throw new TypeError(
      "signPolarWebhook: the webhook secret is empty; pass whsec_… or a raw secret",
    );
  }
  const id = options.webhookId ?? crypto.randomUUID();
  const seconds = Math.floor((options.at ?? new Date()).getTime() / 1000);
  const signature = new Webhook(signingKey(secret, options.scheme), { format: "raw" })
    .sign(id, new Date(seconds * 1000), body);
  return {
    "user-agent": "polar.sh webhooks",
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(seconds),
    "webhook-signature": signature,
  };
}

export function signingKey(secret: string, scheme?: SignatureScheme): Uint8Array {
  const chosen = scheme ?? (secret.startsWith("whsec_") ? "standard" : "polar");
  if (chosen === "polar") return new TextEncoder().encode(secret);
  if (!secret.startsWith("whsec_")) {
    throw new TypeError(
      'signPolarWebhook: the "standard" scheme needs a whsec_<base64> secret; use scheme "polar" for a raw one',
    );
  }
  try {
    return Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
  } catch {
    throw new TypeError("signPolarWebhook: the part after whsec_ is not base64");
  }
}
