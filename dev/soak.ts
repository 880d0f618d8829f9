// `npm run soak [-- --minutes N --seed S --workers W]`: the reliability suite (issue 7, item 4).
// Brings up its own stack (ports 56722/56721/56740 unless STACK_DB_PORT / STACK_API_PORT /
// STACK_GITHUB_PORT say otherwise, a fresh cluster), runs the mixed workload of dev/soak/core.ts
// for about N minutes (default 3) — six workspaces with overlapping repositories, jobs of every
// kind, several in-process workers killed at random, a faulty simulator with a small budget —
// then prints what happened and the comparison with the ground truth, stops the stack, and exits
// non-zero on any mismatch.
import { parseArgs } from "node:util";
import { dbUrl, functionsUrl, stackConfig } from "./stack/config.ts";
import { StackError } from "./stack/proc.ts";
import { down, up } from "./stack/stack.ts";
import { runSoak } from "./soak/core.ts";
import { printSummary } from "./soak/summary.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    minutes: { type: "string", default: "3" },
    seed: { type: "string", default: "1" },
    workers: { type: "string", default: "4" },
  },
});
const minutes = Number(values.minutes);
const seed = Number(values.seed);
const workers = Number(values.workers);
if (
  !(minutes > 0 && minutes <= 120) || !Number.isInteger(seed) ||
  !(Number.isInteger(workers) && workers >= 1)
) {
  console.error(
    `--minutes must be a number in (0, 120], --seed an integer, --workers a positive integer (got ${
      JSON.stringify(values)
    })`,
  );
  Deno.exit(2);
}
for (
  const [name, port] of [["STACK_DB_PORT", "56722"], ["STACK_API_PORT", "56721"], [
    "STACK_GITHUB_PORT",
    "56740",
  ]]
) {
  if (!Deno.env.get(name)) Deno.env.set(name, port);
}
const c = stackConfig("dev");
const log = (s: string) => console.error(`• ${s}`);

async function main(): Promise<number> {
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    log("interrupted: stopping the stack");
    down(c, log).finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  log(
    `soak: ${minutes} min, seed ${seed}, ${workers} workers; bringing up a fresh stack on ports ${c.dbPort}/${c.apiPort}/${c.githubPort}`,
  );
  await up(c, log, { fresh: true });
  try {
    const result = await runSoak({
      dbUrl: dbUrl(c),
      functionsUrl: functionsUrl(c),
      seed,
      durationMs: minutes * 60_000,
      scale: "full",
      workers,
      log,
    });
    printSummary(result);
    return result.ok ? 0 : 1;
  } finally {
    if (!interrupted) await down(c, log);
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    console.error(`✗ ${e instanceof StackError ? e.message : (e as Error).stack ?? e}`);
    await down(c, () => {}).catch(() => {});
    Deno.exit(1);
  }
}
