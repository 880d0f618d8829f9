// The Polar webhook handler: verify with the official SDK (events.ts), then hand the delivery to ONE database
// call (private.process_polar_webhook) that dedupes, applies and records it in one transaction.
// The handler itself writes nothing and decides only the HTTP answer:
//
//   signature missing/bad, wrong secret, timestamp skew > 5 min   403  nothing written, security log line
//   valid signature, body not JSON                                400  delivery recorded 'rejected'
//   valid signature, unattributable/malformed payload             202  delivery recorded 'rejected'
//   valid signature, event type unhandled or unknown to the SDK   202  delivery recorded 'ignored'
//   valid signature, applied                                      200  delivery recorded 'processed'
//   replay of a webhook-id already recorded                       as the first answer, no second effect
//   database unavailable, or no answer within the deadline        500  nothing written, Polar retries
//   function not configured (no POLAR_WEBHOOK_SECRET)             500  nothing written
import type { Sql } from "../db.ts";
import { BodyTooLarge, readBodyLimited } from "../http/body.ts";
import { eventTimeOf, eventTypeOf, securityContext, verifyEvent } from "./events.ts";

export type DeliveryOutcome = "processed" | "ignored" | "rejected" | "failed";

/** A delivery whose signature has been verified, as handed to the database. */
export interface VerifiedDelivery {
  webhookId: string;
  eventType: string | null;
  /** The event's own time (payload `timestamp`, else the `webhook-timestamp` header): orders events. */
  eventTimestamp: Date;
  /** Null when the body is not JSON. */
  payload: unknown;
  addonProductIds: string[];
}

/** What private.process_polar_webhook returns (snake_case, as the database answers). */
export interface DeliveryResult {
  outcome: DeliveryOutcome;
  reason: string | null;
  delivery_id: number;
  webhook_id: string;
  replayed: boolean;
  [detail: string]: unknown;
}

export interface PolarWebhookConfig {
  /** POLAR_WEBHOOK_SECRET, whole (`whsec_…`) or raw. Empty means not configured. */
  secret: string;
  /** POLAR_PRODUCT_ID_EXTENDED_RETENTION, comma-separated. */
  addonProductIds: string[];
}

export interface PolarWebhookDeps extends PolarWebhookConfig {
  record: (delivery: VerifiedDelivery) => Promise<DeliveryResult>;
  /** One JSON line per security-relevant or failed request; never given secrets or signatures. */
  log?: (line: Record<string, unknown>) => void;
  /** How long the database may take before the handler answers 500 (Polar wants ~2 s). */
  deadlineMs?: number;
  maxBodyBytes?: number;
}

export function polarWebhookConfigFromEnv(
  env: { get(key: string): string | undefined } = Deno.env,
): PolarWebhookConfig {
  return {
    secret: env.get("POLAR_WEBHOOK_SECRET") ?? "",
    addonProductIds: parseProductIds(env.get("POLAR_PRODUCT_ID_EXTENDED_RETENTION")),
  };
}

export function parseProductIds(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Records a verified delivery with one call of private.process_polar_webhook (one transaction). */
export function recordWithDatabase(sql: Sql): (d: VerifiedDelivery) => Promise<DeliveryResult> {
  return async (d) => {
    // JSON goes as text and is cast in SQL: a parameter the server types as jsonb would be
    // JSON-encoded once more by postgres.js (a string scalar), and an empty text[] is ambiguous.
    const payload = d.payload === null ? null : JSON.stringify(d.payload);
    const [row] = await sql`
      select private.process_polar_webhook(
        ${d.webhookId}::text, ${d.eventType}::text, ${d.eventTimestamp.toISOString()}::text::timestamptz,
        ${payload}::text::jsonb,
        array(select jsonb_array_elements_text(${
      JSON.stringify(d.addonProductIds)
    }::text::jsonb))) as result`;
    return row.result as DeliveryResult;
  };
}

const defaultLog = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

export function createPolarWebhookHandler(
  deps: PolarWebhookDeps,
): (req: Request) => Promise<Response> {
  const log = deps.log ?? defaultLog;
  const deadlineMs = deps.deadlineMs ?? 1800;
  const maxBodyBytes = deps.maxBodyBytes ?? 1_000_000;

  return async (req) => {
    if (req.method !== "POST") {
      return json(405, { error: `polar-webhook accepts POST only, not ${req.method}` }, {
        allow: "POST",
      });
    }
    if (!deps.secret) {
      log({ event: "polar_webhook.not_configured", error: "POLAR_WEBHOOK_SECRET is not set" });
      return json(500, { error: "polar-webhook is not configured: set POLAR_WEBHOOK_SECRET" });
    }
    let raw: Uint8Array;
    try {
      raw = await readBodyLimited(req, maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) return json(413, { error: e.message });
      throw e;
    }
    const body = new TextDecoder().decode(raw);
    // The SDK reads headers with Object.entries, so it needs a plain object, not a Headers.
    const headers = Object.fromEntries(req.headers);
    const webhookId = headers["webhook-id"] ?? "";
    const verified = await verifyEvent(body, headers, deps.secret);
    if ("refused" in verified) {
      log({ ...verified.refused, ...securityContext(headers) });
      return json(403, { error: "webhook signature verification failed" });
    }
    const { payload, malformed } = verified;

    const delivery: VerifiedDelivery = {
      webhookId,
      eventType: eventTypeOf(payload),
      eventTimestamp: eventTimeOf(payload, headers["webhook-timestamp"]),
      payload,
      addonProductIds: deps.addonProductIds,
    };
    let result: DeliveryResult;
    try {
      result = await withDeadline(deps.record(delivery), deadlineMs);
    } catch (e) {
      log({
        event: "polar_webhook.record_failed",
        webhook_id: webhookId,
        event_type: delivery.eventType,
        error: String(e),
      });
      return json(500, {
        error: "could not record the delivery; it was not applied and may be retried",
      });
    }
    if (result.outcome === "rejected" || result.outcome === "failed") {
      log({
        event: "polar_webhook.rejected",
        webhook_id: webhookId,
        event_type: delivery.eventType,
        reason: result.reason,
      });
    }
    const status = malformed ? 400 : result.outcome === "processed" ? 200 : 202;
    return json(status, result);
  };
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  work.catch(() => {}); // a late failure after the deadline has already been answered
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}
