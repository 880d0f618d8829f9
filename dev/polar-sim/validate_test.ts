// Body validation as Polar's FastAPI/pydantic layer answers it, through the in-process fetch.
import assert from "node:assert/strict";
import { createPolarSimulator, DEFAULT_ACCESS_TOKEN } from "./mod.ts";
import { ADDON } from "./test_util.ts";

async function post(body: string) {
  const sim = createPolarSimulator();
  const response = await sim.fetch("http://polar.test/v1/checkouts/", {
    method: "POST",
    headers: {
      authorization: `Bearer ${DEFAULT_ACCESS_TOKEN}`,
      "content-type": "application/json",
    },
    body,
  });
  return { status: response.status, body: await response.json(), sim };
}

const briefly = (detail: { type: string; loc: unknown[] }[]) =>
  detail.map(({ type, loc }) => [type, loc]);

Deno.test("an empty product list, a non-UUID and a non-v4 UUID are refused where they sit", async () => {
  assert.deepEqual(briefly((await post(JSON.stringify({ products: [] }))).body.detail), [[
    "too_short",
    ["body", "products"],
  ]]);
  const bad = await post(
    JSON.stringify({ products: ["addon", "ed348547-4256-1eab-a959-5c7f1bf91eb9"] }),
  );
  assert.equal(bad.status, 422);
  assert.deepEqual(briefly(bad.body.detail), [
    ["uuid_parsing", ["body", "products", 0]],
    ["uuid_version", ["body", "products", 1]],
  ]);
});

Deno.test("duplicate products are refused with Polar's validator message", async () => {
  const { body } = await post(JSON.stringify({ products: [ADDON, ADDON.toUpperCase()] }));
  assert.equal(body.detail[0].msg, "Value error, Product IDs must be unique.");
});

Deno.test("metadata outside Polar's limits is refused per key", async () => {
  const { body } = await post(JSON.stringify({
    products: [ADDON],
    metadata: { ["k".repeat(41)]: "v", workspace_id: { nested: true } },
  }));
  assert.deepEqual(briefly(body.detail), [
    ["string_too_long", ["body", "metadata", "k".repeat(41), "[key]"]],
    ["string_type", ["body", "metadata", "workspace_id", "str"]],
  ]);
});

Deno.test("a wrongly typed external id, email or success URL is refused", async () => {
  const { body } = await post(JSON.stringify({
    products: [ADDON],
    external_customer_id: 42,
    customer_email: "not-an-email",
    success_url: "/relative",
  }));
  assert.deepEqual(briefly(body.detail), [
    ["string_type", ["body", "external_customer_id"]],
    ["value_error", ["body", "customer_email"]],
    ["url_parsing", ["body", "success_url"]],
  ]);
});

Deno.test("a body that is not JSON is answered 422 json_invalid and creates nothing", async () => {
  const { status, body, sim } = await post("{products:");
  assert.equal(status, 422);
  assert.equal(body.detail[0].type, "json_invalid");
  assert.equal(sim.store.checkouts.size, 0);
});

Deno.test("an unknown customer_id is refused by the service as Polar words it", async () => {
  const id = crypto.randomUUID();
  const { body } = await post(JSON.stringify({ products: [ADDON], customer_id: id }));
  assert.deepEqual(body.detail, [{
    type: "value_error",
    loc: ["body", "customer_id"],
    msg: "Customer does not exist.",
    input: id,
  }]);
});

Deno.test("customer_external_id is read as external_customer_id, as Polar's alias does", async () => {
  const { status, body } = await post(
    JSON.stringify({ products: [ADDON], customer_external_id: "u1" }),
  );
  assert.equal(status, 201);
  assert.equal(body.external_customer_id, "u1");
});
