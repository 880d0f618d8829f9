// `npm test`: checks that every suite is where it should be and holds tests, brings up a
// throwaway stack (profile `test`, its own ports and data), checks the generated types and the
// schema drift, runs pgTAP with pg_prove over supabase/tests/database and `deno test` over the
// TypeScript tests, always stops what it started, and prints ONE closing line
// `N passed, M failed, K skipped` summing every suite.
//
// A run is green only when something ran and nothing failed. What would otherwise hide a hole
// counts as a failure, with a line saying so: a missing or empty suite, a pgTAP file whose
// assertions were all skipped, a file that dies outside its assertions, and TypeScript test
// files that cannot run because they (or what they import) do not type-check: each counts once.
import { join, relative } from "node:path";
import { dbUrl, projectRoot, stackConfig } from "./stack/config.ts";
import { browserPackages, ensureDebianPackages } from "./stack/apt.ts";
import { run } from "./stack/proc.ts";
import { down, stackEnv, up } from "./stack/stack.ts";
import { checkTypes } from "./stack/types.ts";
import { compareDatabases, driftIsEmpty, withScratchDatabase } from "./stack/schema_diff.ts";
import { addTally, closingLine, denoDidNotStart, emptyTally, erroringFiles, type Tally, tallyDeno, tallyTap } from "./test-tally.ts";

export { tallyDeno, tallyTap } from "./test-tally.ts";

/** deno test's default file pattern: {*_,*.,}test.{ts,tsx,mts,js,mjs,jsx}. */
export const isDenoTestFile = (name: string) => /^(?:.*[_.])?test\.(?:ts|tsx|mts|js|mjs|jsx)$/.test(name);
export const isSqlTestFile = (name: string) => name.endsWith(".test.sql");

export interface Suite {
  /** Relative to the project root. */
  dir: string;
  kind: "pgTAP" | "deno";
  /** What the suite's files are, for the error when there are none. */
  expects: string;
}

/** The suites a complete checkout has; each must exist and hold at least one test file. */
export const SUITES: Suite[] = [
  { dir: "supabase/tests/database", kind: "pgTAP", expects: "pgTAP files named *.test.sql" },
  { dir: "supabase/tests/e2e", kind: "deno", expects: "end-to-end tests named *.test.ts" },
  { dir: "supabase/functions", kind: "deno", expects: "unit tests named *_test.ts beside their modules" },
  { dir: "dev", kind: "deno", expects: "tests named *_test.ts beside the tooling they test" },
];

/** Test files under `dir` (sorted, absolute), or null when the directory does not exist. */
export async function findTestFiles(dir: string, isTest: (name: string) => boolean): Promise<string[] | null> {
  try {
    if (!(await Deno.stat(dir)).isDirectory) return null;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory && e.name !== "node_modules") await walk(p);
      else if (e.isFile && isTest(e.name)) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

export interface Discovered {
  sqlFiles: string[];
  denoFiles: string[];
  problems: string[];
}

/** Every suite's files; a suite that is missing or holds no test file is a problem. */
export async function discoverSuites(root: string, suites = SUITES): Promise<Discovered> {
  const found: Discovered = { sqlFiles: [], denoFiles: [], problems: [] };
  for (const s of suites) {
    const files = await findTestFiles(join(root, s.dir), s.kind === "pgTAP" ? isSqlTestFile : isDenoTestFile);
    if (files === null) {
      found.problems.push(`suite ${s.dir} is missing: expected a directory of ${s.expects}; restore it (git status shows what moved)`);
    } else if (files.length === 0) {
      found.problems.push(`suite ${s.dir} holds no test file: expected ${s.expects}`);
    } else {
      (s.kind === "pgTAP" ? found.sqlFiles : found.denoFiles).push(...files);
    }
  }
  found.denoFiles = [...new Set(found.denoFiles)].sort();
  return found;
}

async function streamed(cmd: string, args: string[], env?: Record<string, string>, echo = true): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(cmd, { args, cwd: projectRoot, env, stdout: "piped", stderr: "piped" }).spawn();
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of s) {
      out += new TextDecoder().decode(chunk);
      if (echo) await sink.write(chunk);
    }
  };
  await Promise.all([pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  return { code: (await child.status).code, out };
}

/** Local modules each test file loads (itself included), from ONE `deno info` over all of them. */
export async function localGraphs(files: string[]): Promise<Map<string, Set<string>>> {
  const root = await Deno.makeTempFile({ prefix: "test-runner-graph-", suffix: ".ts" });
  try {
    await Deno.writeTextFile(root, files.map((f) => `import ${JSON.stringify(new URL(`file://${f}`).href)};\n`).join(""));
    const r = await run(Deno.execPath(), ["info", "--json", "--config", join(projectRoot, "deno.json"), root], { cwd: projectRoot });
    if (r.code !== 0) throw new Error(`deno info over the test files failed: ${r.stderr.trim().split("\n").slice(-5).join("\n")}`);
    const info = JSON.parse(r.stdout) as {
      modules: { specifier: string; dependencies?: { code?: { specifier?: string }; type?: { specifier?: string } }[] }[];
    };
    const edges = new Map<string, string[]>();
    for (const m of info.modules) {
      edges.set(m.specifier, (m.dependencies ?? []).flatMap((d) => [d.code?.specifier, d.type?.specifier])
        .filter((s): s is string => !!s && s.startsWith("file://")));
    }
    const graphs = new Map<string, Set<string>>();
    for (const f of files) {
      const seen = new Set<string>();
      const stack = [new URL(`file://${f}`).href];
      while (stack.length) {
        const s = stack.pop()!;
        if (seen.has(s)) continue;
        seen.add(s);
        stack.push(...(edges.get(s) ?? []));
      }
      graphs.set(f, new Set([...seen].map((s) => decodeURIComponent(new URL(s).pathname))));
    }
    return graphs;
  } finally {
    await Deno.remove(root).catch(() => {});
  }
}

/**
 * `deno test` over `files`. When the program does not type-check (or a module does not load),
 * deno runs nothing at all; then the files whose graph holds an erroring module are set aside,
 * each counted as a failure with a line naming the module, and the others run.
 */
export async function runDenoTests(files: string[], env: Record<string, string>, log: (s: string) => void, echo = true): Promise<Tally> {
  const args = (fs: string[]) => ["test", "-A", "--no-prompt", ...fs.map((f) => relative(projectRoot, f))];
  const first = await streamed(Deno.execPath(), args(files), env, echo);
  if (!denoDidNotStart(first.out)) return tallyDeno(first.out, first.code);

  const bad = erroringFiles(first.out);
  const graphs = await localGraphs(files);
  const blocked = (bad.length === 0 ? files : files.filter((f) => bad.some((b) => graphs.get(f)?.has(b)))).sort();
  const runnable = files.filter((f) => !blocked.includes(f));
  const t: Tally = {
    passed: 0,
    failed: blocked.length,
    skipped: 0,
    problems: [
      `deno: ${blocked.length} of ${files.length} test files did not run: they do not type-check or load because of ` +
      (bad.length ? bad.map((b) => relative(projectRoot, b)).join(", ") : "an error deno did not locate (see above)") +
      `. Not run: ${blocked.map((f) => relative(projectRoot, f)).join(", ")}`,
    ],
  };
  if (runnable.length === 0) return t;
  log(`deno test: the ${runnable.length} test files that type-check`);
  const second = await streamed(Deno.execPath(), args(runnable), env, echo);
  if (denoDidNotStart(second.out)) {
    return { ...t, failed: files.length, problems: [...t.problems, "deno: the remaining test files did not start either (see above)"] };
  }
  return addTally(t, tallyDeno(second.out, second.code));
}

/**
 * Supabase's database advisors (the lints of the dashboard's Security and Performance advisors),
 * run by the real CLI against the migrated test database: any WARN or ERROR fails. On hosted
 * Supabase the pg_graphql lints (0026/0027: tables visible to anon/authenticated through GraphQL)
 * add INFO-level notes; pg_graphql is not part of this stack.
 */
async function checkAdvisors(c: ReturnType<typeof stackConfig>): Promise<boolean> {
  const r = await run("npx", ["--no-install", "supabase", "db", "advisors", `--remote=${dbUrl(c)}`, "--type", "all",
    "--level", "warn", "--fail-on", "warn", "--output-format", "json"], {
    cwd: projectRoot,
    env: { SUPABASE_TELEMETRY_DISABLED: "1", SUPABASE_NO_UPDATE_NOTIFIER: "1", PGSSLMODE: "disable" },
  });
  if (r.code === 0) return true;
  console.error(`✗ supabase db advisors found issues at WARN or above (fix them, or say in README why not):\n${r.stdout}${r.stderr}`);
  return false;
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

const check = (ok: boolean, problem: string): Tally => ok ? { ...emptyTally(), passed: 1 } : { ...emptyTally(), failed: 1, problems: [problem] };

function finish(total: Tally): number {
  for (const p of total.problems) console.error(`✗ ${p}`);
  console.log(closingLine(total));
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

export async function runTests(log: (s: string) => void): Promise<number> {
  const suites = await discoverSuites(projectRoot);
  if (suites.problems.length > 0) {
    // A checkout without one of its suites cannot pass; say so before spending minutes on the rest.
    return finish({ ...emptyTally(), failed: suites.problems.length, problems: suites.problems });
  }
  const c = stackConfig("test");
  const total = emptyTally();
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
    addTally(total, check(await checkTypes(c), "types/database.ts is stale: run `npm run types` and commit it"));

    log("checking that supabase/migrations and supabase/schemas build the same database");
    addTally(total, check(await checkSchemaDrift(c), "supabase/migrations and supabase/schemas build different databases (see above)"));

    log("running Supabase's database advisors (supabase db advisors) on the migrated database");
    addTally(total, check(await checkAdvisors(c), "supabase db advisors reports WARN or ERROR issues (see above)"));

    // pgTAP itself, and pgmq for the extension's own tests (migrations create it too, as on
    // Supabase; the pgmq tests must not depend on that).
    await run("psql", ["-X", "-q", dbUrl(c), "-c", "create extension if not exists pgtap with schema extensions",
      "-c", "create extension if not exists pgmq"]);
    log(`pgTAP: ${suites.sqlFiles.length} files`);
    const r = await streamed("pg_prove", ["--verbose", "--failures", "-d", dbUrl(c), ...suites.sqlFiles]);
    addTally(total, tallyTap(r.out, r.code));

    log(`deno test: ${suites.denoFiles.length} files`);
    const env = { ...Deno.env.toObject(), ...(await stackEnv(c)), NO_COLOR: "1" };
    addTally(total, await runDenoTests(suites.denoFiles, env, log));
  } catch (e) {
    total.failed += 1;
    total.problems.push((e as Error).message);
  } finally {
    await stop();
  }
  return finish(total);
}
