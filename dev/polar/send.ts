// `npm run polar:send -- --workspace acme --event subscription.active`: sends a correctly signed
// Polar event to the local polar-webhook function, the way Polar would after a purchase.
// Secret and addon product id come from the file the local stack gives the function
// (dev/stack/functions-env.ts: FUNCTIONS_ENV_FILE, else supabase/functions/.env, else .env.example); the URL from FUNCTIONS_URL (else the dev default).
import { parseArgs } from "node:util";
import { orderPaidEvent, signPolarWebhook, subscriptionEvent } from "./deliveries.ts";
import { readFunctionsEnv } from "../stack/functions-env.ts";

const usage = `usage: deno run -A dev/polar/send.ts --workspace <slug|uuid> [options]

  --workspace <slug|uuid>   workspace named in the checkout metadata (metadata.workspace_id)
  --event <type>            subscription.created|active|updated|canceled|uncanceled|revoked|past_due,
                            order.paid, or any other type (default subscription.active)
  --id <subscription id>    Polar subscription id (default sub_local_<workspace>, so a later
                            --event subscription.revoked for the same workspace hits it)
  --product <id>            product id (default the first of POLAR_PRODUCT_ID_EXTENDED_RETENTION)
  --status <status>         subscription status (default from the event: revoked → canceled, else active)
  --cancel-at-period-end    set cancel_at_period_end (implied by subscription.canceled)
  --period-end <iso date>   current_period_end (default 30 days from now)
  --at <iso date>           the event's timestamp (default now; older values test out-of-order)
  --webhook-id <id>         webhook-id header (default random; repeat one to test replays)
  --url <url>               function URL (default $FUNCTIONS_URL/polar-webhook)
  --secret <whsec_…>        signing secret (default POLAR_WEBHOOK_SECRET from the functions env)
  --print                   print the headers and body instead of sending`;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    workspace: { type: "string" },
    event: { type: "string", default: "subscription.active" },
    id: { type: "string" },
    product: { type: "string" },
    status: { type: "string" },
    "cancel-at-period-end": { type: "boolean", default: false },
    "period-end": { type: "string" },
    at: { type: "string" },
    "webhook-id": { type: "string" },
    url: { type: "string" },
    secret: { type: "string" },
    print: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

function fail(message: string): never {
  console.error(`polar-send: ${message}\n\n${usage}`);
  Deno.exit(2);
}

function date(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    fail(`--${name} must be an ISO date, not ${JSON.stringify(value)}`);
  }
  return d;
}

if (values.help) {
  console.log(usage);
  Deno.exit(0);
}
const workspace = values.workspace ?? fail("--workspace is required");
const env = await readFunctionsEnv();
const secret = values.secret ?? env.POLAR_WEBHOOK_SECRET ??
  fail("no secret: pass --secret or set POLAR_WEBHOOK_SECRET in supabase/functions/.env");
const product = values.product ?? env.POLAR_PRODUCT_ID_EXTENDED_RETENTION?.split(",")[0]?.trim() ??
  fail(
    "no product: pass --product or set POLAR_PRODUCT_ID_EXTENDED_RETENTION in supabase/functions/.env",
  );
const subscriptionId = values.id ?? `sub_local_${workspace}`;
const at = date("at", values.at) ?? new Date();
const periodEnd = date("period-end", values["period-end"]);

const event = values.event === "order.paid"
  ? orderPaidEvent({
    orderId: `order_${crypto.randomUUID()}`,
    subscriptionId,
    productId: product,
    paidUntil: periodEnd ?? new Date(at.getTime() + 30 * 86_400_000),
    at,
  })
  : subscriptionEvent({
    type: values.event,
    subscriptionId,
    productId: product,
    status: values.status,
    metadata: { workspace_id: workspace },
    cancelAtPeriodEnd: values["cancel-at-period-end"] || values.event === "subscription.canceled",
    currentPeriodEnd: periodEnd,
    at,
  });
const body = JSON.stringify(event);
const headers = await signPolarWebhook(body, secret, { webhookId: values["webhook-id"] });

if (values.print) {
  console.log(JSON.stringify({ headers, body: event }, null, 2));
  Deno.exit(0);
}

const base = values.url ??
  `${Deno.env.get("FUNCTIONS_URL") ?? "http://127.0.0.1:54321/functions/v1"}/polar-webhook`;
let res: Response;
try {
  res = await fetch(base, { method: "POST", headers, body });
} catch (e) {
  console.error(
    `polar-send: could not reach ${base} (${
      (e as Error).message
    }); is the stack up? (npm run stack:up)`,
  );
  Deno.exit(1);
}
const text = await res.text();
console.log(
  `${values.event} for workspace ${workspace} (subscription ${subscriptionId}, webhook-id ${
    headers["webhook-id"]
  })`,
);
console.log(`→ ${res.status} ${text}`);
Deno.exit(res.ok ? 0 : 1);
