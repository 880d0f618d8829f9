// Phoenix channel frames as Supabase Realtime speaks them. vsn 1.0.0: JSON objects
// {join_ref, ref, topic, event, payload}. vsn 2.0.0 (realtime-js's default): JSON arrays
// [join_ref, ref, topic, event, payload], plus Realtime's binary frames for user broadcasts
// (RealtimeWeb.Socket.V2Serializer): kind 3 "user broadcast push" from the client
// (header lengths for join_ref, ref, topic, event, metadata, then encoding 0 binary / 1 JSON)
// and kind 4 "user broadcast" to the client (topic, event, metadata, encoding, payload).

export type Vsn = "1.0.0" | "2.0.0";

export interface Frame {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

/** A broadcast whose user payload travels as raw bytes (JSON text or binary). */
export interface UserBroadcast {
  topic: string;
  event: string;
  encoding: "json" | "binary";
  payload: Uint8Array;
  metadata: Record<string, unknown> | null;
}

export type Incoming = { kind: "frame"; frame: Frame } | { kind: "user_broadcast"; frame: Frame; broadcast: UserBroadcast };

const USER_BROADCAST_PUSH = 3;
const USER_BROADCAST = 4;

export function decode(vsn: Vsn, data: string | ArrayBuffer): Incoming {
  if (typeof data !== "string") {
    if (vsn !== "2.0.0") throw new Error("binary frames need vsn=2.0.0");
    return decodeUserBroadcastPush(new Uint8Array(data));
  }
  const parsed = JSON.parse(data);
  if (vsn === "2.0.0") {
    if (!Array.isArray(parsed) || parsed.length !== 5) throw new Error("a vsn 2.0.0 frame is a 5-element JSON array");
    const [join_ref, ref, topic, event, payload] = parsed;
    return { kind: "frame", frame: { join_ref, ref, topic, event, payload: payload ?? {} } };
  }
  const { join_ref = null, ref = null, topic, event, payload } = parsed ?? {};
  return { kind: "frame", frame: { join_ref, ref, topic, event, payload: payload ?? {} } };
}

function decodeUserBroadcastPush(bytes: Uint8Array): Incoming {
  if (bytes[0] !== USER_BROADCAST_PUSH) throw new Error(`unknown binary frame kind ${bytes[0]}`);
  const [joinRefLen, refLen, topicLen, eventLen, metaLen, encoding] = bytes.slice(1, 7);
  const dec = new TextDecoder();
  let at = 7;
  const take = (n: number) => dec.decode(bytes.slice(at, (at += n)));
  const join_ref = take(joinRefLen);
  const ref = take(refLen);
  const topic = take(topicLen);
  const event = take(eventLen);
  const meta = take(metaLen);
  const payload = bytes.slice(at);
  const frame: Frame = { join_ref: join_ref || null, ref: ref || null, topic, event: "broadcast", payload: {} };
  const broadcast: UserBroadcast = {
    topic,
    event,
    encoding: encoding === 1 ? "json" : "binary",
    payload,
    metadata: meta ? JSON.parse(meta) : null,
  };
  return { kind: "user_broadcast", frame, broadcast };
}

export function encode(vsn: Vsn, f: Frame): string {
  if (vsn === "2.0.0") return JSON.stringify([f.join_ref, f.ref, f.topic, f.event, f.payload]);
  return JSON.stringify({ join_ref: f.join_ref, ref: f.ref, topic: f.topic, event: f.event, payload: f.payload });
}

/** A user broadcast for a client: binary kind 4 on vsn 2.0.0; a JSON `broadcast` frame on 1.0.0. */
export function encodeUserBroadcast(vsn: Vsn, b: UserBroadcast): string | Uint8Array {
  if (vsn === "1.0.0") {
    if (b.encoding !== "json") throw new Error("a binary broadcast payload cannot be sent with vsn 1.0.0");
    return encode(vsn, { join_ref: null, ref: null, topic: b.topic, event: "broadcast", payload: asJsonBroadcast(b) });
  }
  const enc = new TextEncoder();
  const topic = enc.encode(b.topic);
  const event = enc.encode(b.event);
  const meta = enc.encode(b.metadata ? JSON.stringify(b.metadata) : "");
  for (const [name, part] of [["topic", topic], ["event", event], ["metadata", meta]] as const) {
    if (part.length > 255) throw new Error(`broadcast ${name} is ${part.length} bytes; at most 255 fit a frame`);
  }
  const out = new Uint8Array(5 + topic.length + event.length + meta.length + b.payload.length);
  out.set([USER_BROADCAST, topic.length, event.length, meta.length, b.encoding === "json" ? 1 : 0]);
  let at = 5;
  for (const part of [topic, event, meta, b.payload]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Realtime's UserBroadcast.convert_to_json_broadcast: {type, event, payload[, meta]}. */
export function asJsonBroadcast(b: UserBroadcast): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: "broadcast",
    event: b.event,
    payload: JSON.parse(new TextDecoder().decode(b.payload)),
  };
  if (b.metadata) out.meta = b.metadata;
  return out;
}

export const reply = (f: Frame, status: "ok" | "error", response: Record<string, unknown>): Frame => ({
  join_ref: f.join_ref,
  ref: f.ref,
  topic: f.topic,
  event: "phx_reply",
  payload: { status, response },
});
