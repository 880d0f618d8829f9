/**
 * CLI: start the Polar simulator alone.
 *   deno run -A dev/polar-sim/main.ts --port 54350 --webhook-url URL --webhook-secret whsec_…
 * Prints POLAR_API_URL=http://127.0.0.1:<port> and the access token once listening.
 */
import { parseArgs } from "node:util";
import {
  createPolarSimulator,
  DEFAULT_ACCESS_TOKEN,
  EXTENDED_RETENTION,
  type ProductSpec,
} from "./mod.ts";

const usage = `usage: deno run -A dev/polar-sim/main.ts [options]

  --port <n>                 port (default 54350; 0 picks a free one)
  --hostname <host>          default 127.0.0.1
  --webhook-url <url>        where deliveries are POSTed (default: recorded, not sent)
  --webhook-secret <secret>  whsec_… (Standard Webhooks) or a raw secret (Polar's original HMAC)
  --signature <scheme>       standard|polar (default: standard for whsec_, else polar)
  --webhook-events <list>    comma-separated event types the endpoint subscribed to (default all)
  --access-token <token>     accepted organization access token; repeatable (default ${DEFAULT_ACCESS_TOKEN})
  --product <id:name:cents:interval>  catalogue entry; repeatable (default the addon
                             ${EXTENDED_RETENTION.id}); interval day|week|month|year|once
  --public-url <url>         base of checkout page URLs (default the listening URL)
See dev/polar-sim/README.md.`;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string", default: "54350" },
    hostname: { type: "string", default: "127.0.0.1" },
    "webhook-url": { type: "string" },
    "webhook-secret": { type: "string" },
    signature: { type: "string" },
    "webhook-events": { type: "string" },
    "access-token": { type: "string", multiple: true },
    product: { type: "string", multiple: true },
    "public-url": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

function fail(message: string): never {
  console.error(`polar-sim: ${message}\n\n${usage}`);
  Deno.exit(2);
}

function product(value: string): ProductSpec {
  const [id, name, cents, interval = "month"] = value.split(":");
  const priceAmount = Number(cents);
  if (!id || !name || !Number.isInteger(priceAmount) || priceAmount < 0) {
    fail(`--product must be <uuid>:<name>:<cents>[:<interval>], not ${JSON.stringify(value)}`);
  }
  if (!["day", "week", "month", "year", "once"].includes(interval)) {
    fail(
      `--product interval must be day, week, month, year or once, not ${JSON.stringify(interval)}`,
    );
  }
  const recurringInterval = interval === "once"
    ? null
    : interval as ProductSpec["recurringInterval"];
  return { id, name, priceAmount, recurringInterval };
}

if (values.help) {
  console.log(usage);
  Deno.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0) {
  fail(`--port must be a port number, not ${JSON.stringify(values.port)}`);
}
const scheme = values.signature;
if (scheme !== undefined && scheme !== "standard" && scheme !== "polar") {
  fail(`--signature must be standard or polar, not ${JSON.stringify(scheme)}`);
}

const sim = createPolarSimulator({
  webhookUrl: values["webhook-url"] ?? null,
  webhookSecret: values["webhook-secret"],
  signatureScheme: scheme,
  webhookEvents: values["webhook-events"]?.split(",").map((s) => s.trim()).filter(Boolean),
  accessTokens: values["access-token"],
  products: values.product?.map(product),
  publicUrl: values["public-url"],
});
let server: { url: string; close(): Promise<void> };
try {
  server = sim.listen({ port, hostname: values.hostname });
} catch (e) {
  fail(
    `cannot listen on ${values.hostname}:${port} (${(e as Error).message}); pick another --port`,
  );
}
console.log(`POLAR_API_URL=${server.url}`);
console.log(`POLAR_ACCESS_TOKEN=${values["access-token"]?.[0] ?? DEFAULT_ACCESS_TOKEN}`);

const stop = async () => {
  await server.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
