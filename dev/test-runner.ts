// `npm test`: brings up a throwaway stack (profile `test`, its own ports and data), checks the
// generated types, runs pgTAP with pg_prove over supabase/tests/database and `deno test` over the
// TypeScript tests, always stops what it started, and prints ONE closing line
// `N passed, M failed` summing both suites.
import { join } from "node:path";
import { dbUrl, projectRoot, stackConfig } from "./stack/config.ts";
import { browserPackages, ensureDebianPackages } from "./stack/apt.ts";
import { run } from "./stack/proc.ts";
import { down, stackEnv, up } from "./stack/stack.ts";
import { checkTypes } from "./stack/types.ts";
import { compareDatabases, driftIsEmpty, withScratchDatabase } from "./stack/schema_diff.ts";

interface Tally {
  passed: number;
  failed: number;
}

/** Counts TAP results as pg_prove --verbose prints them; a file that dies counts as a failure. */
export function tallyTap(output: string, exitCode: number): Tally {
  const passed = (output.match(/^\s*ok \d+/gm) ?? []).length;
  let failed = (output.match(/^\s*not ok \d+/gm) ?? []).length;
  if (exitCode !== 0 && failed === 0) failed = 1; // a plan mismatch or an error outside assertions
  return { passed, failed };
}

/** Reads deno test's own summary line ("ok | 12 passed (3 steps) | 0 failed"). */
export function tallyDeno(output: string, exitCode: number): Tally {
  // deno prints ANSI colours even when piped in some versions; strip them first.
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const m = /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(plain);
  if (!m) return { passed: 0, failed: exitCode === 0 ? 0 : 1 };
  const t = { passed: Number(m[1]), failed: Number(m[2]) };
  if (exitCode !== 0 && t.failed === 0) t.failed = 1;
  return t;
}

async function streamed(cmd: string, args: string[], env?: Record<string, string>): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: projectRoot,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of s) {
      out += new TextDecoder().decode(chunk);
      await sink.write(chunk);
    }
  };
  await Promise.all([pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  return { code: (await child.status).code, out };
}

async function sqlTestFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.name.endsWith(".test.sql")) out.push(p);
    }
  };
  await walk(dir).catch(() => {});
  return out.sort();
}

/** The test stack was built from the migrations; a scratch cluster is built from the schema files. */
async function checkSchemaDrift(c: ReturnType<typeof stackConfig>): Promise<boolean> {
  const drift = await withScratchDatabase(c, "schemas", 0, () => {}, (url) => compareDatabases(dbUrl(c), url));
  if (driftIsEmpty(drift)) return true;
  console.error(
    "✗ supabase/migrations and supabase/schemas disagree. Statements that turn the migrations' database into " +
      "the schema files' one:\n" + [drift.migra, ...drift.extra].filter(Boolean).join("\n") +
      "\nEdit supabase/schemas/ and generate the migration with `npm run db:diff -- <name>` (read it before committing).",
  );
  return false;
}

export async function runTests(log: (s: string) => void): Promise<number> {
  const c = stackConfig("test");
  const total: Tally = { passed: 0, failed: 0 };
  const add = (t: Tally) => {
    total.passed += t.passed;
    total.failed += t.failed;
  };
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await down(c, log).catch((e) => log(`could not stop the test stack: ${e.message}`));
  };
  const onSignal = () => {
    stop().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    await down(c, () => {}); // leftovers of an interrupted run
    await up(c, log, { fresh: true });
    // The progress page's test drives Debian's Chromium (supabase/tests/e2e/progress_page.test.ts).
    await ensureDebianPackages(log, browserPackages);

    log("checking that types/database.ts matches the database");
    add((await checkTypes(c)) ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });

    log("checking that supabase/migrations and supabase/schemas build the same database");
    add((await checkSchemaDrift(c)) ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });

    const files = await sqlTestFiles(join(projectRoot, "supabase", "tests", "database"));
    if (files.length > 0) {
      // pgTAP itself, and pgmq for the extension's own tests (migrations create it too, as on
      // Supabase; the pgmq tests must not depend on that).
      await run("psql", ["-X", "-q", dbUrl(c), "-c", "create extension if not exists pgtap with schema extensions",
        "-c", "create extension if not exists pgmq"]);
      log(`pgTAP: ${files.length} files`);
      const r = await streamed("pg_prove", ["--verbose", "--failures", "-d", dbUrl(c), ...files]);
      add(tallyTap(r.out, r.code));
    }

    log("deno test");
    const env = { ...Deno.env.toObject(), ...(await stackEnv(c)), NO_COLOR: "1" };
    const d = await streamed(Deno.execPath(), ["test", "-A", "--no-prompt", "dev/", "supabase/"], env);
    add(tallyDeno(d.out, d.code));
  } catch (e) {
    console.error(`✗ ${(e as Error).message}`);
    total.failed += 1;
  } finally {
    await stop();
  }
  console.log(`${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}
