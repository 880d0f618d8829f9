/**
 * CLI: start the GitHub simulator alone.
 *   npx deno run -A dev/github-sim/main.ts --port 54340 --seed 42 --latency-ms 0 --limit 5000
 * Prints GITHUB_API_URL=http://127.0.0.1:<port> once listening.
 */
import { parseArgs } from "node:util";
import process from "node:process";

// graphql-js skips its costly development-mode checks in production mode; set it before loading.
process.env.NODE_ENV ??= "production";
const { createSimulator } = await import("./mod.ts");

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "54340" },
    hostname: { type: "string", default: "127.0.0.1" },
    seed: { type: "string" },
    now: { type: "string" },
    "latency-ms": { type: "string" },
    "jitter-ms": { type: "string" },
    limit: { type: "string" },
    "rest-limit": { type: "string" },
    "window-seconds": { type: "string" },
    "max-concurrent": { type: "string" },
    "points-per-minute": { type: "string" },
    "retry-after-seconds": { type: "string" },
    "p502": { type: "string" },
    "p504": { type: "string" },
    "p-hang": { type: "string" },
    "p-secondary": { type: "string" },
    "p-malformed": { type: "string" },
    "p-timeout-error": { type: "string" },
    "max-hang-ms": { type: "string" },
    "fault-seed": { type: "string" },
    config: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(
    "Usage: deno run -A dev/github-sim/main.ts [--port 54340] [--seed 42] [--now ISO] [--latency-ms N] [--jitter-ms N]\n" +
      "  [--limit 5000] [--rest-limit 5000] [--window-seconds 3600] [--max-concurrent 100] [--points-per-minute 2000]\n" +
      "  [--retry-after-seconds 60] [--p502 P] [--p504 P] [--p-hang P] [--p-secondary P] [--p-malformed P]\n" +
      "  [--p-timeout-error P] [--max-hang-ms 30000] [--fault-seed N] [--config options.json]\n" +
      "See dev/github-sim/README.md.",
  );
  Deno.exit(0);
}

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    console.error(`github-sim: --${name} must be a number, got "${value}"`);
    Deno.exit(2);
  }
  return n;
}

let fileOptions: Record<string, unknown> = {};
if (values.config) {
  try {
    fileOptions = JSON.parse(await Deno.readTextFile(values.config));
  } catch (error) {
    console.error(`github-sim: cannot read --config ${values.config}: ${(error as Error).message}`);
    Deno.exit(2);
  }
}

const flagOptions = Object.fromEntries(
  Object.entries({
    seed: num("seed", values.seed),
    now: values.now ? Date.parse(values.now) : undefined,
    latencyMs: num("latency-ms", values["latency-ms"]),
    jitterMs: num("jitter-ms", values["jitter-ms"]),
    limit: num("limit", values.limit),
    restLimit: num("rest-limit", values["rest-limit"]),
    windowSeconds: num("window-seconds", values["window-seconds"]),
    maxConcurrent: num("max-concurrent", values["max-concurrent"]),
    pointsPerMinute: num("points-per-minute", values["points-per-minute"]),
    secondaryRetryAfterSeconds: num("retry-after-seconds", values["retry-after-seconds"]),
    p502: num("p502", values.p502),
    p504: num("p504", values.p504),
    pHang: num("p-hang", values["p-hang"]),
    pSecondary: num("p-secondary", values["p-secondary"]),
    pMalformed: num("p-malformed", values["p-malformed"]),
    pTimeoutError: num("p-timeout-error", values["p-timeout-error"]),
    maxHangMs: num("max-hang-ms", values["max-hang-ms"]),
    faultSeed: num("fault-seed", values["fault-seed"]),
  }).filter(([, v]) => v !== undefined),
);

const sim = createSimulator({ ...fileOptions, ...flagOptions });
const server = sim.listen({ port: num("port", values.port), hostname: values.hostname });
console.log(`GITHUB_API_URL=${server.url}`);

const stop = async () => {
  await server.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
