// Webhook events and their deliveries to one endpoint, as Polar's webhook worker does them
// (server/polar/webhook/tasks.py): one event per state change, `webhook-id` = the event's UUID,
// signed at each attempt with the time of that attempt, posted with a 10 s timeout, in creation
// order (an event waits until every earlier one has been attempted once: a failure does not
// block later events). Polar then retries a failed event up to 10 times by itself; the simulator
// retries only when asked (retry()/redeliver()), so tests decide when.
import { type SignatureScheme, signPolarWebhook } from "./sign.ts";

export interface Endpoint {
  /** Where deliveries are POSTed; null: events are recorded and signed but not sent. */
  url: string | null;
  secret: string;
  scheme?: SignatureScheme;
  /** Event types the endpoint subscribed to; null: every type. */
  events: ReadonlySet<string> | null;
  /** WebhookEndpoint.api_version, echoed in each payload's `api_version`. */
  apiVersion: string;
  timeoutMs: number;
}

export interface Attempt {
  at: string;
  http_status: number | null;
  error: string | null;
  response_body: string | null;
}

export interface Delivery {
  webhook_id: string;
  type: string;
  created_at: string;
  /** The exact JSON text that is signed and posted. */
  body: string;
  /** Headers of the latest signing (every attempt signs anew, as Polar does). */
  headers: Record<string, string>;
  state: "recorded" | "delivered" | "failed";
  attempts: Attempt[];
}

export class Deliveries {
  readonly log: Delivery[] = [];

  constructor(
    public endpoint: Endpoint,
    private readonly now: () => Date,
    private readonly newId: () => string,
  ) {}

  /** Records one event per (type, data) and sends them in order; returns the new deliveries. */
  async emit(events: { type: string; data: unknown }[]): Promise<Delivery[]> {
    const created: Delivery[] = [];
    for (const { type, data } of events) {
      if (this.endpoint.events && !this.endpoint.events.has(type)) continue;
      const at = this.now();
      const body = JSON.stringify({
        type,
        timestamp: at.toISOString(),
        api_version: this.endpoint.apiVersion,
        data,
      });
      const delivery: Delivery = {
        webhook_id: this.newId(),
        type,
        created_at: at.toISOString(),
        body,
        headers: {},
        state: "recorded",
        attempts: [],
      };
      this.sign(delivery);
      this.log.push(delivery);
      created.push(delivery);
    }
    for (const delivery of created) await this.send(delivery);
    return created;
  }

  /** Sends every failed delivery again, oldest first. */
  async retry(): Promise<Delivery[]> {
    const failed = this.log.filter((d) => d.state === "failed");
    for (const delivery of failed) await this.send(delivery);
    return failed;
  }

  /** Sends one delivery again (Polar's "redeliver"), whatever its state. */
  async redeliver(webhookId: string): Promise<Delivery | undefined> {
    const delivery = this.log.find((d) => d.webhook_id === webhookId);
    if (delivery) await this.send(delivery);
    return delivery;
  }

  private sign(delivery: Delivery): void {
    delivery.headers = signPolarWebhook(delivery.body, this.endpoint.secret, {
      webhookId: delivery.webhook_id,
      // Wall time, not the simulator's clock: receivers check the signature's age against theirs.
      at: new Date(),
      scheme: this.endpoint.scheme,
    });
  }

  private async send(delivery: Delivery): Promise<void> {
    const { url, timeoutMs } = this.endpoint;
    if (url === null) return;
    this.sign(delivery);
    const attempt: Attempt = {
      at: new Date().toISOString(),
      http_status: null,
      error: null,
      response_body: null,
    };
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
        // httpx (Polar's client) does not follow redirects, and raise_for_status fails on them.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      attempt.http_status = response.status;
      attempt.response_body = (await response.text()).slice(0, 2000);
      delivery.state = response.ok ? "delivered" : "failed";
    } catch (e) {
      attempt.error = `POST ${url} failed: ${(e as Error).message}`;
      delivery.state = "failed";
    }
    delivery.attempts.push(attempt);
  }
}
