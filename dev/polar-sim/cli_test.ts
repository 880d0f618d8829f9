// The CLI and the hosted checkout page, end to end over HTTP.
import assert from "node:assert/strict";
import { createPolar, webhooks } from "npm:@polar-sh/sdk@1.0.1/2026-10";
import { ADDON, BUYER_ID, listeningSimulator, webhookReceiver, WORKSPACE_ID } from "./test_util.ts";

const SECRET = "whsec_" + btoa("cli-test secret");

Deno.test("main.ts serves the API and posts verified deliveries to --webhook-url", async () => {
  await using hook = webhookReceiver();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./main.ts", import.meta.url).pathname,
      "--port",
      "0",
      "--webhook-url",
      hook.url,
      "--webhook-secret",
      SECRET,
      "--access-token",
      "polar_oat_cli",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const first = await firstLine(child.stdout);
    const url = first.match(/^POLAR_API_URL=(.+)$/)?.[1];
    assert.ok(url, `first line names the URL, got ${JSON.stringify(first)}`);
    const polar = createPolar({ accessToken: "polar_oat_cli", baseUrl: url });
    const checkout = await polar.checkouts.create({
      products: [ADDON],
      metadata: { workspace_id: WORKSPACE_ID },
      external_customer_id: BUYER_ID,
    });
    const done = await fetch(`${url}/_sim/checkouts/${checkout.id}/complete`, { method: "POST" });
    assert.equal(done.status, 200);
    await done.body?.cancel();
    const types = [];
    for (const r of hook.received) {
      types.push((await webhooks.validateEvent(r.body, r.headers, SECRET)).type);
    }
    assert.ok(types.includes("subscription.active"), types.join());
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});

/** Reads until the first newline: the CLI prints its URL once it listens. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text.split("\n")[0];
}

Deno.test("paying on the checkout page completes the checkout and redirects to success_url", async () => {
  await using t = listeningSimulator();
  const checkout = await t.polar.checkouts.create({
    products: [ADDON],
    success_url: "https://app.example.com/done?checkout_id={CHECKOUT_ID}",
  });
  const page = await fetch(checkout.url);
  assert.match(await page.text(), /Extended Data Retention/);
  const paid = await fetch(checkout.url, {
    method: "POST",
    body: new URLSearchParams({ customer_email: "page@example.com" }),
    redirect: "manual",
  });
  assert.equal(paid.status, 303);
  assert.equal(
    paid.headers.get("location"),
    `https://app.example.com/done?checkout_id=${checkout.id}`,
  );
  const after = await t.polar.checkouts.get(checkout.id);
  assert.equal(after.status, "succeeded");
  assert.equal(after.customer_email, "page@example.com");
});
