import assert from "node:assert/strict";
import { webhooks } from "npm:@polar-sh/sdk@1.0.1/2026-10";
import { signPolarWebhook } from "./sign.ts";

const body = JSON.stringify({
  type: "subscription.active",
  timestamp: new Date().toISOString(),
  data: { id: "s" },
});
const STANDARD = "whsec_" + btoa("sign-test secret");

Deno.test("signPolarWebhook() signs with the Standard Webhooks key the SDK verifies", async () => {
  const headers = signPolarWebhook(body, STANDARD, { webhookId: "3f0c…id" });
  assert.equal(headers["webhook-id"], "3f0c…id");
  assert.match(headers["webhook-signature"], /^v1,[A-Za-z0-9+/]+=*$/);
  assert.equal((await webhooks.validateEvent(body, headers, STANDARD)).type, "subscription.active");
});

// Expected signatures computed here from the definitions (Standard Webhooks spec; Polar's
// server/polar/webhook/tasks.py), with WebCrypto rather than the library the signer uses.
async function hmac(
  key: Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
): Promise<string> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const content = `${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`;
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(content)),
  );
  return "v1," + btoa(String.fromCharCode(...mac));
}

Deno.test("each scheme keys the HMAC as its definition says, and the SDK verifies both", async () => {
  const decoded = Uint8Array.from(atob(STANDARD.slice(6)), (c) => c.charCodeAt(0));
  const standard = signPolarWebhook(body, STANDARD);
  assert.equal(standard["webhook-signature"], await hmac(decoded, standard));
  for (const secret of [STANDARD, "polar_whs_raw-dashboard-secret"]) {
    const polar = signPolarWebhook(body, secret, { scheme: "polar" });
    assert.equal(polar["webhook-signature"], await hmac(new TextEncoder().encode(secret), polar));
    assert.equal((await webhooks.validateEvent(body, polar, secret)).type, "subscription.active");
  }
});

Deno.test("a signature is refused by the SDK under another secret or after 5 minutes", async () => {
  const headers = signPolarWebhook(body, STANDARD);
  await assert.rejects(
    webhooks.validateEvent(body, headers, "whsec_" + btoa("other")),
    webhooks.PolarWebhookVerificationError,
  );
  const stale = signPolarWebhook(body, STANDARD, { at: new Date(Date.now() - 6 * 60_000) });
  await assert.rejects(webhooks.validateEvent(body, stale, STANDARD), /too old/);
});

Deno.test("signPolarWebhook() refuses an empty secret and a 'standard' raw secret with a reason", () => {
  assert.throws(() => signPolarWebhook(body, ""), /secret is empty/);
  assert.throws(
    () => signPolarWebhook(body, "raw", { scheme: "standard" }),
    /needs a whsec_<base64> secret/,
  );
});
