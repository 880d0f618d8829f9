// Reading a Polar delivery: its Standard Webhooks signature verified with Polar's SDK, then the
// event's type and time, and what a security log line may say about the request.
import { webhooks } from "npm:@polar-sh/sdk@1.0.1/2026-10";

/** A verified delivery's payload (null and `malformed` when the body is not JSON), or why the
 * request was refused, as the start of its log line. */
export type VerifiedEvent =
  | { payload: unknown; malformed: boolean }
  | { refused: { event: string; reason?: string; error?: string } };

/** Verifies `body` against `headers` (a plain object: the SDK reads it with Object.entries). */
export async function verifyEvent(body: string, headers: Record<string, string>, secret: string): Promise<VerifiedEvent> {
  try {
    return { payload: await webhooks.validateEvent(body, headers, secret), malformed: false };
  } catch (e) {
    if (e instanceof webhooks.PolarWebhookVerificationError) {
      return { refused: { event: "polar_webhook.signature_rejected", reason: e.message } };
    } else if (e instanceof webhooks.PolarWebhookUnknownTypeError) {
      // The SDK verified and parsed it before judging the type.
      return { payload: JSON.parse(body), malformed: false };
    } else if (e instanceof webhooks.PolarWebhookError && !parsesAsJson(body)) {
      // The SDK verifies before parsing: only a verified body gets here.
      return { payload: null, malformed: true };
    }
    return { refused: { event: "polar_webhook.verification_error", error: String(e) } };
  }
}

/** What a log line of a refused request says about it: never the secret or the signature. */
export function securityContext(headers: Record<string, string>): Record<string, unknown> {
  return {
    webhook_id: headers["webhook-id"] || null,
    webhook_timestamp: headers["webhook-timestamp"] ?? null,
    has_signature: Boolean(headers["webhook-signature"]),
    user_agent: headers["user-agent"] ?? null,
    forwarded_for: headers["x-forwarded-for"] ?? null,
  };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function eventTypeOf(payload: unknown): string | null {
  if (typeof payload !== "object" || payload === null) return null;
  const type = (payload as { type?: unknown }).type;
  return typeof type === "string" ? type : null;
}

/** The payload's `timestamp` when it is a date, else the signed `webhook-timestamp` (seconds). */
export function eventTimeOf(payload: unknown, headerTimestamp: string | undefined): Date {
  if (typeof payload === "object" && payload !== null) {
    const ts = (payload as { timestamp?: unknown }).timestamp;
    if (typeof ts === "string") {
      const d = new Date(ts);
      if (!Number.isNaN(d.getTime())) return d;
    }
  }
  const seconds = Number(headerTimestamp);
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : new Date();
}
