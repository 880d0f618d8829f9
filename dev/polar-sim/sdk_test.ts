// The real SDK (npm @polar-sh/sdk 1.0.1, API version 2026-10) against the simulator over HTTP:
// what the polar-checkout edge function will do.
import assert from "node:assert/strict";
import { createPolar, errors } from "npm:@polar-sh/sdk@1.0.1/2026-10";
import { PolarClientError } from "npm:@polar-sh/sdk@1.0.1";
import { ADDON, BUYER_ID, listeningSimulator, WORKSPACE_ID } from "./test_util.ts";

Deno.test("checkouts.create() returns an open checkout carrying the workspace, buyer and addon", async () => {
  await using t = listeningSimulator();
  const checkout = await t.polar.checkouts.create({
    products: [ADDON],
    metadata: { workspace_id: WORKSPACE_ID },
    external_customer_id: BUYER_ID,
    customer_email: "owner@example.com",
    success_url: "https://app.example.com/billing?checkout_id={CHECKOUT_ID}",
  });
  assert.equal(checkout.status, "open");
  assert.equal(checkout.product_id, ADDON);
  assert.deepEqual(checkout.products.map((p) => p.id), [ADDON]);
  assert.deepEqual(checkout.metadata, { workspace_id: WORKSPACE_ID });
  assert.equal(checkout.external_customer_id, BUYER_ID);
  assert.equal(checkout.customer_email, "owner@example.com");
  assert.equal(checkout.success_url, `https://app.example.com/billing?checkout_id=${checkout.id}`);
  assert.match(checkout.client_secret, /^polar_c_/);
  assert.equal(checkout.url, `${t.server.url}/checkout/${checkout.client_secret}`);
  assert.ok(Date.parse(checkout.expires_at) > Date.now());
  assert.ok(checkout.product?.is_recurring);
});

Deno.test("the simulator records the checkout request exactly as the SDK sent it", async () => {
  await using t = listeningSimulator();
  const checkout = await t.polar.checkouts.create({
    products: [ADDON],
    metadata: { workspace_id: WORKSPACE_ID },
    external_customer_id: BUYER_ID,
  });
  const recorded = await (await fetch(`${t.server.url}/_sim/checkouts/${checkout.id}`)).json();
  assert.deepEqual(recorded.request, {
    products: [ADDON],
    metadata: { workspace_id: WORKSPACE_ID },
    external_customer_id: BUYER_ID,
  });
  assert.equal(recorded.request_headers["polar-version"], "2026-10");
  assert.equal(recorded.request_headers["content-type"], "application/json");
  assert.equal(recorded.request_headers.authorization, undefined, "the token is not recorded");
  const listed = await (await fetch(`${t.server.url}/_sim/checkouts`)).json();
  assert.deepEqual(listed.map((r: { checkout: { id: string } }) => r.checkout.id), [checkout.id]);
});

Deno.test("checkouts.get() reads a checkout back and list() filters by external customer", async () => {
  await using t = listeningSimulator();
  const created = await t.polar.checkouts.create({
    products: [ADDON],
    external_customer_id: BUYER_ID,
  });
  await t.polar.checkouts.create({ products: [ADDON], external_customer_id: "someone-else" });
  assert.deepEqual(await t.polar.checkouts.get(created.id), created);
  const page = await t.polar.checkouts.list({ external_customer_id: BUYER_ID });
  assert.deepEqual(page.items.map((c) => c.id), [created.id]);
  assert.deepEqual(page.pagination, { total_count: 1, max_page: 1 });
});

Deno.test("checkouts.get() of an unknown id throws the SDK's ResourceNotFound", async () => {
  await using t = listeningSimulator();
  const error = await t.polar.checkouts.get(crypto.randomUUID()).catch((e) => e);
  assert.ok(error instanceof errors.ResourceNotFound, String(error));
  assert.equal(error.statusCode, 404);
  assert.deepEqual(error.error, { error: "ResourceNotFound", detail: "Not found" });
});

Deno.test("a token Polar does not know is answered 401 invalid_token", async () => {
  await using t = listeningSimulator();
  const polar = createPolar({ accessToken: "polar_oat_revoked", baseUrl: t.server.url });
  const error = await polar.checkouts.create({ products: [ADDON] }).catch((e) => e);
  assert.ok(error instanceof PolarClientError, String(error));
  assert.equal(error.statusCode, 401);
  assert.equal(JSON.parse(error.error as string).error, "invalid_token");
  assert.equal(t.sim.store.checkouts.size, 0, "nothing is created");
});

Deno.test("a request without a bearer token is answered 401 Unauthorized with a challenge", async () => {
  await using t = listeningSimulator();
  const response = await fetch(`${t.server.url}/v1/checkouts/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ products: [ADDON] }),
  });
  assert.equal(response.status, 401);
  assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="polar"');
  assert.deepEqual(await response.json(), { error: "Unauthorized", detail: "Unauthorized" });
});

Deno.test("a body without products is answered 422 with pydantic's missing-field detail", async () => {
  await using t = listeningSimulator();
  // @ts-expect-error: the typed SDK would not let a caller forget products; a wrong cast could.
  const error = await t.polar.checkouts.create({ metadata: { workspace_id: WORKSPACE_ID } }).catch((
    e,
  ) => e);
  assert.ok(error instanceof errors.HTTPValidationError, String(error));
  assert.equal(error.statusCode, 422);
  const body = error.error as {
    error: string;
    detail: { type: string; loc: unknown[]; msg: string }[];
  };
  assert.equal(body.error, "RequestValidationError");
  assert.deepEqual(body.detail.map(({ type, loc, msg }) => ({ type, loc, msg })), [
    { type: "missing", loc: ["body", "products"], msg: "Field required" },
  ]);
});

Deno.test("an unknown product id is answered 422 'Product does not exist.' at its index", async () => {
  await using t = listeningSimulator();
  const unknown = crypto.randomUUID();
  const error = await t.polar.checkouts.create({ products: [ADDON, unknown] }).catch((e) => e);
  assert.ok(error instanceof errors.HTTPValidationError, String(error));
  assert.deepEqual(error.error, {
    error: "PolarRequestValidationError",
    detail: [{
      type: "value_error",
      loc: ["body", "products", 1],
      msg: "Product does not exist.",
      input: unknown,
    }],
  });
});

Deno.test("an API version Polar does not serve is answered 404; a served one is echoed", async () => {
  await using t = listeningSimulator();
  const headers = { authorization: "Bearer polar_oat_polar_sim_local_token" };
  const old = await fetch(`${t.server.url}/v1/checkouts/`, {
    headers: { ...headers, "polar-version": "2024-01" },
  });
  assert.equal(old.status, 404);
  assert.deepEqual(await old.json(), { detail: "Not Found" });
  const current = await fetch(`${t.server.url}/v1/checkouts/`, { headers });
  assert.equal(current.status, 200);
  assert.equal(current.headers.get("polar-version"), "2026-04");
  await current.body?.cancel();
});
