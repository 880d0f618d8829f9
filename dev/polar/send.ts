// `npm run polar:send -- --workspace example --event subscription.active`: sends a correctly signed
// Polar event to the running stack's polar-webhook function, the way Polar would after a purchase.
// The stack is the profile's (--profile dev|test: its STACK_*/STACK_TEST_* ports), unless
// FUNCTIONS_URL / DB_URL (the lines `stack:up` prints) or --url say otherwise. The workspace
// (slug or id) must exist there; for a new subscription the sender first records an addon
// checkout for its owner, as the polar-checkout function does, because the webhook attaches a
// subscription only to the workspace its checkout was made for. Secret and addon product id come
// from the functions' env (dev/stack/functions-env.ts).
import { parseArgs } from "node:util";
import postgres from "npm:postgres@3.4.9";
import { orderPaidEvent, signPolarWebhook, subscriptionEvent } from "./deliveries.ts";
import { readFunctionsEnv } from "../stack/functions-env.ts";
import { dbUrl, functionsUrl, type Profile, stackConfig } from "../stack/config.ts";

const usage = `usage: npm run polar:send -- --workspace <slug|uuid> [options]

  --workspace <slug|uuid>   an existing workspace of the stack (the seed's is "example":
                            npm run stack:reset creates it; or create one with the
                            create_workspace RPC as a user, see the README)
  --event <type>            subscription.created|active|updated|canceled|uncanceled|revoked|past_due,
                            order.paid, or any other type (default subscription.active)
  --id <subscription id>    Polar subscription id (default sub_local_<workspace slug>, so a later
                            --event subscription.revoked for the same workspace hits it)
  --product <id>            product id (default the first of POLAR_PRODUCT_ID_EXTENDED_RETENTION)
  --status <status>         subscription status (default from the event: revoked → canceled, else active)
  --cancel-at-period-end    set cancel_at_period_end (implied by subscription.canceled)
  --period-end <iso date>   current_period_end (default 30 days from now)
  --at <iso date>           the event's timestamp (default now; older values test out-of-order)
  --webhook-id <id>         webhook-id header (default random; repeat one to test replays)
  --no-checkout             do not record a checkout first (the webhook then rejects a new subscription)
  --profile dev|test        which local stack (default dev)
  --url <url>               function URL (default $FUNCTIONS_URL/polar-webhook, else the profile's)
  --secret <whsec_…>        signing secret (default POLAR_WEBHOOK_SECRET from the functions env)
  --print                   print the headers and body instead of sending (no database needed)`;

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
    "no-checkout": { type: "boolean", default: false },
    profile: { type: "string", default: "dev" },
    url: { type: "string" },
    secret: { type: "string" },
    print: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

function fail(message: string, code = 2): never {
  console.error(`polar-send: ${message}${code === 2 ? `\n\n${usage}` : ""}`);
  Deno.exit(code);
}

function date(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) fail(`--${name} must be an ISO date, not ${JSON.stringify(value)}`);
  return d;
}

if (values.help) {
  console.log(usage);
  Deno.exit(0);
}
if (values.profile !== "dev" && values.profile !== "test") fail(`--profile must be dev or test, not ${values.profile}`);
const c = stackConfig(values.profile as Profile);
const given = values.workspace ?? fail("--workspace is required");
const env = await readFunctionsEnv();
const secret = values.secret ?? env.POLAR_WEBHOOK_SECRET ??
  fail("no secret: pass --secret or set POLAR_WEBHOOK_SECRET in supabase/functions/.env");
const product = values.product ?? env.POLAR_PRODUCT_ID_EXTENDED_RETENTION?.split(",")[0]?.trim() ??
  fail("no product: pass --product or set POLAR_PRODUCT_ID_EXTENDED_RETENTION in supabase/functions/.env");
const at = date("at", values.at) ?? new Date();
const periodEnd = date("period-end", values["period-end"]);
const database = Deno.env.get("DB_URL") ?? dbUrl(c);

interface Target {
  workspaceId: string;
  slug: string;
  checkoutId: string | null;
}

/** The workspace on the stack, and a checkout recorded for its owner when the subscription is new. */
async function prepare(subscriptionId: (slug: string) => string): Promise<Target> {
  const sql = postgres(database, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(given);
    const [ws] = await sql<{ id: string; slug: string; owner: string | null }[]>`
      select w.id, w.slug,
        (select m.user_id from public.workspace_members m where m.workspace_id = w.id and m.role = 'owner'
         order by m.created_at limit 1) as owner
      from public.workspaces w where ${uuid ? sql`w.id = ${given}::uuid` : sql`w.slug = ${given}`}`;
    if (!ws) {
      fail(`workspace ${JSON.stringify(given)} does not exist in the stack's database (${database}): ` +
        `npm run stack:reset creates the seed's workspace "example"; or create one as a user with the ` +
        `create_workspace RPC (README, "The local stack")`, 1);
    }
    const subId = subscriptionId(ws.slug);
    const [known] = await sql`select 1 from public.polar_subscriptions where id = ${subId}`;
    if (known || values["no-checkout"] || values.event === "order.paid") return { workspaceId: ws.id, slug: ws.slug, checkoutId: null };
    if (!ws.owner) fail(`workspace ${ws.slug} has no owner to buy the addon for it: add one to public.workspace_members`, 1);
    const checkoutId = `co_local_${crypto.randomUUID().slice(0, 8)}`;
    await sql`select private.record_polar_checkout(${ws.id}::uuid, ${ws.owner}::uuid, ${checkoutId}, ${product},
      ${"https://polar.test/checkout/" + checkoutId}, now() + interval '1 day')`;
    return { workspaceId: ws.id, slug: ws.slug, checkoutId };
  } catch (e) {
    if (e instanceof Error && /ECONNREFUSED|connect/i.test(e.message)) {
      fail(`could not reach the stack's database at ${database} (${e.message}); is the stack up? (npm run stack:up)`, 1);
    }
    throw e;
  } finally {
    await sql.end();
  }
}

const subscriptionIdFor = (slug: string) => values.id ?? `sub_local_${slug}`;
const target: Target = values.print
  ? { workspaceId: given, slug: given, checkoutId: null }
  : await prepare(subscriptionIdFor);
const subscriptionId = subscriptionIdFor(target.slug);

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
    metadata: { workspace_id: target.workspaceId },
    checkoutId: target.checkoutId,
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

const url = values.url ?? `${Deno.env.get("FUNCTIONS_URL") ?? functionsUrl(c)}/polar-webhook`;
let res: Response;
try {
  res = await fetch(url, { method: "POST", headers, body });
} catch (e) {
  fail(`could not reach ${url} (${(e as Error).message}); is the stack up? (npm run stack:up)`, 1);
}
const text = await res.text();
console.log(
  `${values.event} for workspace ${target.slug} (${target.workspaceId}; subscription ${subscriptionId}` +
    `${target.checkoutId ? `, checkout ${target.checkoutId}` : ""}, webhook-id ${headers["webhook-id"]})`,
);
console.log(`→ ${res.status} ${text}`);
Deno.exit(res.ok ? 0 : 1);
