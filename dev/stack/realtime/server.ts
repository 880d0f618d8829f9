// The local stand-in for Supabase Realtime at API_URL/realtime/v1/websocket: Phoenix channels
// over Deno's built-in websocket server, Broadcast only. Joins to `realtime:<topic>` verify the
// access token and, for `config.private`, run Realtime Authorization (authorize.ts); messages
// from `realtime.send` reach the joined channels of their topic through LISTEN on
// `realtime:broadcast` (dev/bootstrap/30_realtime.sql notifies at commit), private messages only
// to private joins; clients' own broadcasts are fanned out to the other joins of the topic.
import postgres from "npm:postgres@3.4.9";
import type { ApiKeys, Claims } from "../keys.ts";
import { canRead, canWrite } from "./authorize.ts";
import { decode, encode, encodeUserBroadcast, type Frame, reply, type UserBroadcast, type Vsn } from "./protocol.ts";
import { confirmToken, RealtimeTokenError, upgradeRefusal } from "./tokens.ts";

export interface RealtimeOptions {
  /** A privileged connection (Realtime's own database user; `postgres` locally). */
  dbUrl: string;
  jwtSecret: string;
  keys: ApiKeys;
  log: (s: string) => void;
}

interface Conn {
  ws: WebSocket;
  vsn: Vsn;
  tenantToken: string;
  headers: Record<string, string>;
  channels: Map<string, Channel>;
  queue: Promise<void>;
}

interface Channel {
  conn: Conn;
  topic: string;
  subTopic: string;
  joinRef: string | null;
  private: boolean;
  token: string;
  claims: Claims;
  self: boolean;
  ack: boolean;
  canWrite: boolean | null;
  expiry?: ReturnType<typeof setTimeout>;
}

/** The `config` of a phx_join payload (RealtimeWeb.Channels.Payloads.Config). */
interface JoinConfig {
  private?: boolean;
  broadcast?: { self?: boolean; ack?: boolean };
  presence?: { enabled?: boolean };
  postgres_changes?: unknown[];
}

interface DbMessage {
  id: string;
  topic: string;
  event: string;
  private: boolean;
  payload?: unknown;
  payload_omitted?: boolean;
}

const unsupported = (what: string) =>
  `${what} is not supported by the local Realtime stand-in (dev/stack/realtime); use Broadcast`;

export function createRealtime(opts: RealtimeOptions) {
  const sql = postgres(opts.dbUrl, { max: 3, onnotice: () => {}, connection: { application_name: "local-realtime" } });
  const joined = new Set<Channel>();

  const send = (conn: Conn, data: string | Uint8Array) => {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(data);
  };
  const push = (conn: Conn, f: Frame) => send(conn, encode(conn.vsn, f));

  async function onDatabaseMessage(text: string) {
    const m = JSON.parse(text) as DbMessage;
    let payload = m.payload;
    if (m.payload_omitted) {
      const [row] = await sql`select payload from realtime.messages where id = ${m.id}`;
      payload = row?.payload ?? {};
    }
    const b: UserBroadcast = {
      topic: `realtime:${m.topic}`,
      event: m.event,
      encoding: "json",
      payload: new TextEncoder().encode(JSON.stringify(payload ?? {})),
      metadata: { id: m.id },
    };
    for (const ch of joined) {
      if (ch.subTopic === m.topic && ch.private === Boolean(m.private)) send(ch.conn, encodeUserBroadcast(ch.conn.vsn, b));
    }
  }

  const listening = sql.listen("realtime:broadcast", (text) => {
    onDatabaseMessage(text).catch((e) => opts.log(`realtime: could not deliver a broadcast: ${e.message}`));
  });

  function close(ch: Channel, system?: string) {
    clearTimeout(ch.expiry);
    joined.delete(ch);
    if (ch.conn.channels.get(ch.topic) === ch) ch.conn.channels.delete(ch.topic);
    if (system) {
      push(ch.conn, {
        join_ref: ch.joinRef, ref: null, topic: ch.topic, event: "system",
        payload: { extension: "system", status: "error", message: system, channel: ch.subTopic },
      });
    }
    push(ch.conn, { join_ref: ch.joinRef, ref: ch.joinRef, topic: ch.topic, event: "phx_close", payload: {} });
  }

  function scheduleExpiry(ch: Channel) {
    clearTimeout(ch.expiry);
    const ms = Number(ch.claims.exp) * 1000 - Date.now();
    ch.expiry = setTimeout(() => close(ch, "Token has expired 0 seconds ago"), Math.min(Math.max(ms, 0), 2 ** 31 - 1));
  }

  const authContext = (ch: Pick<Channel, "subTopic" | "claims" | "conn">) => ({
    topic: ch.subTopic, claims: ch.claims, headers: ch.conn.headers,
  });

  async function join(conn: Conn, f: Frame) {
    const fail = (reason: string) => push(conn, reply(f, "error", { reason }));
    if (!f.topic.startsWith("realtime:")) return fail("unmatched topic");
    const subTopic = f.topic.slice("realtime:".length);
    if (subTopic === "") return fail("TopicNameRequired: You must provide a topic name");
    const config = (f.payload.config ?? {}) as JoinConfig;
    if (Array.isArray(config.postgres_changes) && config.postgres_changes.length > 0) {
      return fail(`PostgresChangesNotSupported: ${unsupported("postgres_changes")}`);
    }
    if (config.presence?.enabled === true) return fail(`PresenceNotSupported: ${unsupported("Presence")}`);
    const given = (f.payload.access_token ?? f.payload.user_token) as string | undefined;
    const token = !given || given.startsWith("sb_") ? conn.tenantToken : given;
    let claims: Claims;
    try {
      claims = await confirmToken(opts.jwtSecret, opts.keys, token);
    } catch (e) {
      if (e instanceof RealtimeTokenError) return fail(e.reason);
      throw e;
    }
    const ch: Channel = {
      conn, topic: f.topic, subTopic, joinRef: f.join_ref, private: config.private === true, token, claims,
      self: config.broadcast?.self === true, ack: config.broadcast?.ack === true, canWrite: null,
    };
    if (ch.private && !(await readAllowed(ch))) {
      return fail(`Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`);
    }
    const previous = conn.channels.get(f.topic);
    if (previous) close(previous);
    conn.channels.set(f.topic, ch);
    joined.add(ch);
    scheduleExpiry(ch);
    push(conn, reply(f, "ok", { postgres_changes: [] }));
  }

  async function readAllowed(ch: Channel): Promise<boolean> {
    try {
      return await canRead(sql, authContext(ch));
    } catch (e) {
      opts.log(`realtime: RlsPolicyError on ${ch.subTopic}: ${(e as Error).message}`);
      return false;
    }
  }

  async function refreshToken(ch: Channel, f: Frame) {
    const token = f.payload.access_token as string | null | undefined;
    if (!token || token.startsWith("sb_") || token === ch.token) return;
    let claims: Claims;
    try {
      claims = await confirmToken(opts.jwtSecret, opts.keys, token);
    } catch (e) {
      if (e instanceof RealtimeTokenError) return close(ch, e.message);
      throw e;
    }
    Object.assign(ch, { token, claims, canWrite: null });
    // Every private join had read permission; losing it with the new token ends the channel.
    if (ch.private && !(await readAllowed(ch))) {
      return close(ch, `You no longer have permission to read from this Channel topic: ${ch.subTopic}`);
    }
    scheduleExpiry(ch);
  }

  async function clientBroadcast(ch: Channel, f: Frame, user?: UserBroadcast) {
    if (ch.private) {
      if (ch.canWrite === null) {
        ch.canWrite = await canWrite(sql, authContext(ch)).catch((e) => {
          opts.log(`realtime: RlsPolicyError on ${ch.subTopic}: ${e.message}`);
          return false;
        });
      }
      if (!ch.canWrite) return; // Realtime drops it without a reply
    }
    for (const other of joined) {
      if (other.subTopic !== ch.subTopic || other.private !== ch.private || (other === ch && !ch.self)) continue;
      if (user) send(other.conn, encodeUserBroadcast(other.conn.vsn, { ...user, topic: other.topic }));
      else push(other.conn, { join_ref: null, ref: null, topic: other.topic, event: "broadcast", payload: f.payload });
    }
    if (ch.ack) push(ch.conn, reply(f, "ok", {}));
  }

  async function onFrame(conn: Conn, data: string | ArrayBuffer) {
    const incoming = decode(conn.vsn, data);
    const f = incoming.frame;
    if (f.topic === "phoenix" && f.event === "heartbeat") return push(conn, reply(f, "ok", {}));
    if (f.event === "phx_join") return await join(conn, f);
    const ch = conn.channels.get(f.topic);
    if (!ch) return push(conn, reply(f, "error", { reason: "unmatched topic" }));
    if (f.event === "phx_leave") {
      push(conn, reply(f, "ok", {}));
      return close(ch);
    }
    if (f.event === "access_token") return await refreshToken(ch, f);
    if (f.event === "broadcast") {
      return await clientBroadcast(ch, f, incoming.kind === "user_broadcast" ? incoming.broadcast : undefined);
    }
    if (f.event === "presence") return push(conn, reply(f, "error", { reason: unsupported("Presence") }));
  }

  async function upgrade(req: Request, url: URL): Promise<Response> {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response(JSON.stringify({ error: "expected a websocket upgrade" }), { status: 400 });
    }
    const apikey = req.headers.get("x-api-key") ?? url.searchParams.get("apikey");
    if (!apikey) return upgradeRefusal(new RealtimeTokenError("MissingAPIKey", "API key is missing"));
    const vsn = (url.searchParams.get("vsn") ?? "1.0.0") as Vsn;
    if (vsn !== "1.0.0" && vsn !== "2.0.0") {
      return new Response(JSON.stringify({ error: `unsupported vsn ${vsn}: use 1.0.0 or 2.0.0` }), { status: 400 });
    }
    try {
      await confirmToken(opts.jwtSecret, opts.keys, apikey);
    } catch (e) {
      if (e instanceof RealtimeTokenError) return upgradeRefusal(e);
      throw e;
    }
    // Realtime passes the upgrade request's x- headers to policies as request.headers.
    const headers = Object.fromEntries([...req.headers].filter(([k]) => k.toLowerCase().startsWith("x-")));
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.binaryType = "arraybuffer";
    const conn: Conn = { ws: socket, vsn, tenantToken: apikey, headers, channels: new Map(), queue: Promise.resolve() };
    socket.onmessage = (ev) => {
      // One frame at a time per socket, so a join is answered before what the client sends next.
      conn.queue = conn.queue.then(() => onFrame(conn, ev.data)).catch((e) =>
        opts.log(`realtime: a frame failed: ${(e as Error).message}`)
      );
    };
    socket.onclose = () => {
      for (const ch of conn.channels.values()) {
        clearTimeout(ch.expiry);
        joined.delete(ch);
      }
      conn.channels.clear();
    };
    return response;
  }

  return {
    /** Resolves once LISTEN is in place: messages sent after it reach joined channels. */
    ready: listening.then(() => undefined),
    upgrade,
    channelCount: () => joined.size,
    async close() {
      for (const ch of joined) clearTimeout(ch.expiry);
      await sql.end({ timeout: 1 });
    },
  };
}
