// The Polar API simulator (dev/polar-sim) as a piece of the local stack, as the GitHub simulator
// is: it answers polar-checkout's `checkouts.create`, and completing a checkout posts the signed
// deliveries to the stack's own polar-webhook function with the secret that function verifies.
// A real Polar named in the functions' secrets (POLAR_API_URL, or POLAR_SERVER=sandbox|production
// for Polar's own hosts) wins: then no simulator starts and the functions keep those secrets.
import { functionsUrl, polarSimUrl, type StackConfig } from "./config.ts";
import { readFunctionsEnv } from "./functions-env.ts";
import { createPolarSimulator, DEFAULT_ACCESS_TOKEN, EXTENDED_RETENTION } from "../polar-sim/mod.ts";
import type { ProductSpec } from "../polar-sim/mod.ts";

/** Where the functions' Polar is: the simulator, or what their secrets say. */
export type PolarTarget = { simulated: true; url: string } | { simulated: false; url: string };

export function polarTarget(c: StackConfig, env: Record<string, string>): PolarTarget {
  if (env.POLAR_API_URL) return { simulated: false, url: env.POLAR_API_URL };
  if (env.POLAR_SERVER) {
    const host = env.POLAR_SERVER === "sandbox" ? "https://sandbox-api.polar.sh" : "https://api.polar.sh";
    return { simulated: false, url: host };
  }
  return { simulated: true, url: polarSimUrl(c) };
}

/** The addon products the functions sell (POLAR_PRODUCT_ID_EXTENDED_RETENTION), as the
 * simulator's catalogue, so a checkout of any of them is accepted. */
export function addonProducts(env: Record<string, string>): ProductSpec[] {
  const ids = (env.POLAR_PRODUCT_ID_EXTENDED_RETENTION ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return ids.length === 0 ? [EXTENDED_RETENTION] : ids.map((id) => ({ ...EXTENDED_RETENTION, id }));
}

export interface RunningPolarSimulator {
  close(): Promise<void>;
  /** What the functions get on top of their secrets: the simulator's URL and access token. */
  functionsEnv: Record<string, string>;
}

/** Starts the simulator on STACK_POLAR_PORT unless the secrets name a real Polar (then null). */
export async function startPolarSimulator(
  c: StackConfig,
  log: (s: string) => void,
): Promise<RunningPolarSimulator | null> {
  const env = await readFunctionsEnv();
  const target = polarTarget(c, env);
  if (!target.simulated) {
    log(`Polar: ${target.url} (from the functions' secrets); no Polar simulator`);
    return null;
  }
  if (!env.POLAR_WEBHOOK_SECRET) {
    throw new Error(
      "POLAR_WEBHOOK_SECRET is not set in the functions' secrets (supabase/functions/.env or .env.example): " +
        "the Polar simulator signs its deliveries to polar-webhook with it",
    );
  }
  const sim = createPolarSimulator({
    webhookUrl: `${functionsUrl(c)}/polar-webhook`,
    webhookSecret: env.POLAR_WEBHOOK_SECRET,
    products: addonProducts(env),
  });
  let server: { url: string; close(): Promise<void> };
  try {
    server = sim.listen({ hostname: "127.0.0.1", port: c.polarPort });
  } catch (e) {
    throw new Error(`the Polar simulator cannot listen on port ${c.polarPort} (${(e as Error).message}); set STACK_POLAR_PORT=<port>`);
  }
  log(`Polar simulator on ${server.url} (deliveries to ${functionsUrl(c)}/polar-webhook)`);
  return {
    close: () => server.close(),
    functionsEnv: { POLAR_API_URL: server.url, POLAR_ACCESS_TOKEN: DEFAULT_ACCESS_TOKEN },
  };
}
