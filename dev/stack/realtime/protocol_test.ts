// Frames checked against realtime-js's own serializer (the client the stand-in must serve), not
// against this module's idea of the format.
import assert from "node:assert/strict";
import Serializer from "npm:@supabase/realtime-js@2.119.0/dist/main/lib/serializer.js";
import { decode, encode, encodeUserBroadcast } from "./protocol.ts";

// deno-lint-ignore no-explicit-any
const client = new (Serializer as any).default() as {
  encode(msg: unknown, cb: (x: string | ArrayBuffer) => void): void;
  decode(raw: string | ArrayBuffer, cb: (x: unknown) => void): void;
};
const viaClient = <T>(f: (cb: (x: T) => void) => void): T => {
  let out: T | undefined;
  f((x) => (out = x));
  return out!;
};

Deno.test("decode() reads the binary user broadcast push realtime-js sends on vsn 2.0.0", () => {
  const bytes = viaClient<string | ArrayBuffer>((cb) =>
    client.encode({
      join_ref: "1", ref: "7", topic: "realtime:room", event: "broadcast",
      payload: { type: "broadcast", event: "cursor", payload: { x: "é" } },
    }, cb)
  );
  const got = decode("2.0.0", bytes as ArrayBuffer);
  assert.equal(got.kind, "user_broadcast");
  if (got.kind !== "user_broadcast") return;
  assert.deepEqual(got.frame, { join_ref: "1", ref: "7", topic: "realtime:room", event: "broadcast", payload: {} });
  assert.equal(got.broadcast.event, "cursor");
  assert.equal(got.broadcast.encoding, "json");
  assert.deepEqual(JSON.parse(new TextDecoder().decode(got.broadcast.payload)), { x: "é" });
});

Deno.test("decode() reads realtime-js's JSON array frames", () => {
  const text = viaClient<string | ArrayBuffer>((cb) =>
    client.encode({ join_ref: "1", ref: "1", topic: "realtime:room", event: "phx_join", payload: { config: {} } }, cb)
  );
  assert.equal(typeof text, "string");
  assert.deepEqual(decode("2.0.0", text), {
    kind: "frame",
    frame: { join_ref: "1", ref: "1", topic: "realtime:room", event: "phx_join", payload: { config: {} } },
  });
});

Deno.test("realtime-js decodes the binary user broadcast the stand-in sends, metadata included", () => {
  const bytes = encodeUserBroadcast("2.0.0", {
    topic: "realtime:workspace:1:backfill", event: "job_progress", encoding: "json",
    payload: new TextEncoder().encode(JSON.stringify({ done: 3 })), metadata: { id: "m-1" },
  }) as Uint8Array;
  const msg = viaClient<unknown>((cb) => client.decode(bytes.slice().buffer, cb));
  assert.deepEqual(msg, {
    join_ref: null, ref: null, topic: "realtime:workspace:1:backfill", event: "broadcast",
    payload: { type: "broadcast", event: "job_progress", payload: { done: 3 }, meta: { id: "m-1" } },
  });
});

Deno.test("vsn 1.0.0 frames are JSON objects and broadcasts carry {type, event, payload, meta}", () => {
  const frame = { join_ref: null, ref: "2", topic: "phoenix", event: "heartbeat", payload: {} };
  assert.deepEqual(JSON.parse(encode("1.0.0", frame)), frame);
  assert.deepEqual(decode("1.0.0", JSON.stringify(frame)), { kind: "frame", frame });
  const text = encodeUserBroadcast("1.0.0", {
    topic: "realtime:t", event: "e", encoding: "json", payload: new TextEncoder().encode("[1]"), metadata: { id: "x" },
  }) as string;
  assert.deepEqual(JSON.parse(text).payload, { type: "broadcast", event: "e", payload: [1], meta: { id: "x" } });
});
