import assert from "node:assert/strict";
import { BodyTooLarge, readBodyLimited } from "./body.ts";

Deno.test("readBodyLimited() refuses a declared Content-Length over the limit without reading the body", async () => {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new Uint8Array(1024));
    },
  });
  const req = new Request("http://x/", { method: "POST", body, headers: { "content-length": "300000000" }, duplex: "half" } as RequestInit);
  await assert.rejects(readBodyLimited(req, 1_000_000), (e) => e instanceof BodyTooLarge && e.declaredBytes === 300_000_000);
  assert.ok(pulled <= 1, `the body was pulled ${pulled} times`);
});

Deno.test("readBodyLimited() stops reading a streamed body at the limit", async () => {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      sent += 65536;
      c.enqueue(new Uint8Array(65536));
      if (sent > 10_000_000) c.close();
    },
  });
  const req = new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
  await assert.rejects(readBodyLimited(req, 1_000_000), (e) => e instanceof BodyTooLarge && e.declaredBytes === null);
  assert.ok(sent < 1_300_000, `${sent} bytes were produced, far more than the limit`);
});

Deno.test("readBodyLimited() returns a body within the limit whole", async () => {
  const req = new Request("http://x/", { method: "POST", body: "x".repeat(1000) });
  assert.equal((await readBodyLimited(req, 1000)).byteLength, 1000);
});
