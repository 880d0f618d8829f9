// Unit tests of the handler's HTTP decisions, with the database replaced by a recorder.
import assert from "node:assert/strict";
import { signPolarWebhook, subscriptionEvent } from "../../../../dev/polar/deliveries.ts";
import {
  createPolarWebhookHandler,
  type DeliveryResult,
  parseProductIds,
  type VerifiedDelivery,
} from "./webhook.ts";

const SECRET = "whsec_" + btoa("unit-test-secret-of-enough-length");
const PRODUCT = "11111111-2222-3333-4444-555555555555";

function harness(
  outcome: DeliveryResult["outcome"] = "processed",
  record?: (d: VerifiedDelivery) => Promise<DeliveryResult>,
) {
  const recorded: VerifiedDelivery[] = [];
  const logs: Record<string, unknown>[] = [];
  const handler = createPolarWebhookHandler({
    secret: SECRET,
    addonProductIds: [PRODUCT],
    log: (l) => logs.push(l),
    deadlineMs: 200,
    record: record ?? ((d) => {
      recorded.push(d);
      return Promise.resolve({
        outcome,
        reason: null,
        delivery_id: recorded.length,
        webhook_id: d.webhookId,
        replayed: false,
      });
    }),
  });
  return { handler, recorded, logs };
}

const purchase = () =>
  JSON.stringify(subscriptionEvent({
    type: "subscription.active",
    subscriptionId: "sub_unit",
    productId: PRODUCT,
    metadata: { workspace_id: "acme" },
  }));

function post(body: string, headers: Record<string, string>): Request {
  return new Request("http://localhost/polar-webhook", { method: "POST", body, headers });
}

Deno.test("a correctly signed purchase is handed to the database once and answered 200", async () => {
  const { handler, recorded } = harness();
  const body = purchase();
  const res = await handler(
    await post(body, await signPolarWebhook(body, SECRET, { webhookId: "msg_1" })),
  );
  assert.equal(res.status, 200);
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0].webhookId, "msg_1");
  assert.equal(recorded[0].eventType, "subscription.active");
  assert.deepEqual(recorded[0].addonProductIds, [PRODUCT]);
});

Deno.test("a tampered body, a wrong secret, a stale or future timestamp and missing headers are refused 403 with nothing recorded", async () => {
  const { handler, recorded, logs } = harness();
  const body = purchase();
  const good = await signPolarWebhook(body, SECRET);
  const cases: [string, Request][] = [
    ["tampered body", await post(body.replace("active", "revoked"), good)],
    [
      "wrong secret",
      await post(body, await signPolarWebhook(body, "whsec_" + btoa("another-secret-entirely"))),
    ],
    [
      "stale timestamp",
      await post(
        body,
        await signPolarWebhook(body, SECRET, { at: new Date(Date.now() - 6 * 60_000) }),
      ),
    ],
    [
      "future timestamp",
      await post(
        body,
        await signPolarWebhook(body, SECRET, { at: new Date(Date.now() + 6 * 60_000) }),
      ),
    ],
    ["no headers", await post(body, { "content-type": "application/json" })],
    ["no signature", await post(body, { ...good, "webhook-signature": "" })],
    ["garbage signature", await post(body, { ...good, "webhook-signature": "v1,not-base64!!" })],
  ];
  for (const [name, req] of cases) {
    const res = await handler(req);
    assert.equal(res.status, 403, `${name} should be refused`);
    await res.body?.cancel();
  }
  assert.equal(recorded.length, 0, "nothing reaches the database");
  assert.equal(logs.length, cases.length, "one security log line per refusal");
  for (const line of logs) {
    const text = JSON.stringify(line);
    assert.ok(!text.includes(SECRET.slice(6)), "the secret is never logged");
    assert.ok(!text.includes(good["webhook-signature"].slice(3)), "the signature is never logged");
  }
});

Deno.test("an event type the SDK does not know is still verified, recorded and answered 202", async () => {
  const { handler, recorded } = harness("ignored");
  const body = JSON.stringify({
    type: "something.new",
    timestamp: new Date().toISOString(),
    data: {},
  });
  const res = await handler(await post(body, await signPolarWebhook(body, SECRET)));
  assert.equal(res.status, 202);
  assert.equal(recorded[0].eventType, "something.new");

  const forged = await handler(
    await post(body, await signPolarWebhook(body, "whsec_" + btoa("wrong"))),
  );
  assert.equal(forged.status, 403, "an unknown type with a bad signature is refused, not ignored");
  assert.equal(recorded.length, 1);
});

Deno.test("a validly signed body that is not JSON is recorded with no payload and answered 400", async () => {
  const { handler, recorded } = harness("rejected");
  const body = "{not json";
  const res = await handler(
    await post(body, await signPolarWebhook(body, SECRET, { webhookId: "msg_bad" })),
  );
  assert.equal(res.status, 400);
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0].payload, null);
  assert.equal(recorded[0].webhookId, "msg_bad");
});

Deno.test("a rejected (unattributable) delivery is answered 202 so Polar stops retrying", async () => {
  const { handler } = harness("rejected");
  const body = purchase();
  const res = await handler(await post(body, await signPolarWebhook(body, SECRET)));
  assert.equal(res.status, 202);
  assert.equal((await res.json()).outcome, "rejected");
});

Deno.test("a database failure or a database slower than the deadline is answered 500", async () => {
  const body = purchase();
  const failing = harness("processed", () => Promise.reject(new Error("connection refused")));
  const res = await failing.handler(await post(body, await signPolarWebhook(body, SECRET)));
  assert.equal(res.status, 500);
  await res.body?.cancel();
  assert.match(String(failing.logs[0].error), /connection refused/);

  // A database that has not answered yet: the handler answers at its deadline (200 ms here), not
  // when the database does (it never would before the test lets it).
  let answer!: (r: DeliveryResult) => void;
  const slow = harness("processed", () => new Promise<DeliveryResult>((r) => (answer = r)));
  const res2 = await slow.handler(await post(body, await signPolarWebhook(body, SECRET)));
  assert.equal(res2.status, 500);
  await res2.body?.cancel();
  answer({} as DeliveryResult);
});

Deno.test("without POLAR_WEBHOOK_SECRET the function refuses to process (500) and records nothing", async () => {
  const recorded: VerifiedDelivery[] = [];
  const handler = createPolarWebhookHandler({
    secret: "",
    addonProductIds: [PRODUCT],
    log: () => {},
    record: (d) => {
      recorded.push(d);
      return Promise.reject(new Error("unreachable"));
    },
  });
  const body = purchase();
  const res = await handler(await post(body, await signPolarWebhook(body, SECRET)));
  assert.equal(res.status, 500);
  await res.body?.cancel();
  assert.equal(recorded.length, 0);
});

Deno.test("only POST is accepted", async () => {
  const { handler } = harness();
  const res = await handler(new Request("http://localhost/polar-webhook"));
  assert.equal(res.status, 405);
  await res.body?.cancel();
});

Deno.test("parseProductIds() accepts a comma-separated list with spaces and empty items", () => {
  assert.deepEqual(parseProductIds(" a, b ,,c "), ["a", "b", "c"]);
  assert.deepEqual(parseProductIds(undefined), []);
});
