// Declarative schema tooling without Docker: scratch clusters built from supabase/schemas/ (the
// files listed in config.toml [db.migrations] schema_paths, in that order) or from
// supabase/migrations/, and their difference computed by migra (@pgkit/migra) plus what migra
// does not compare (comments, cron jobs, pgmq queues, the rows the schema seeds).
// `npm test` uses it for the drift check, `npm run db:diff -- <name>` to write a migration.
import { join } from "node:path";
import { parse as parseToml } from "npm:smol-toml@1.9.1";
import { dbUrl, projectRoot, type StackConfig, stackConfig } from "./config.ts";
import { installLocalExtensions, psqlFile, removeCluster, startCluster, stopCluster } from "./postgres.ts";
import { run, StackError } from "./proc.ts";
import { applyBootstrap, applyMigrations, type Log } from "./stack.ts";

/** The schema files in load order, from supabase/config.toml [db.migrations] schema_paths. */
export async function schemaFiles(): Promise<string[]> {
  const config = parseToml(await Deno.readTextFile(join(projectRoot, "supabase", "config.toml"))) as {
    db?: { migrations?: { schema_paths?: string[] } };
  };
  const paths = config.db?.migrations?.schema_paths ?? [];
  if (paths.length === 0) throw new StackError("supabase/config.toml lists no [db.migrations] schema_paths");
  const files = paths.map((p) => join(projectRoot, "supabase", p));
  const listed = new Set(files);
  for (const e of Deno.readDirSync(join(projectRoot, "supabase", "schemas"))) {
    const f = join(projectRoot, "supabase", "schemas", e.name);
    if (e.name.endsWith(".sql") && !listed.has(f)) {
      throw new StackError(`supabase/schemas/${e.name} is not listed in supabase/config.toml schema_paths: add it in load order`);
    }
  }
  return files;
}

/** A throwaway cluster beside a stack's own, on a port of its own. */
export function scratchConfig(c: StackConfig, name: string, offset: number): StackConfig {
  // 54320 (config.toml's shadow_port) and 54319 beside the dev stack; 54420/54419 beside npm test's.
  const port = c.dbPort - 2 - offset;
  const stateDir = join(c.stateDir, `scratch-${name}-${port}`);
  return { ...c, dbPort: port, stateDir, dataDir: join(stateDir, "pgdata"), profile: "test" };
}

export type Source = "schemas" | "migrations";

/** Builds a fresh cluster from the schema files or the migrations, runs fn on it, then removes it. */
export async function withScratchDatabase<T>(
  c: StackConfig,
  source: Source,
  offset: number,
  log: Log,
  fn: (url: string) => Promise<T>,
): Promise<T> {
  const s = scratchConfig(c, source, offset);
  await stopCluster(s).catch(() => false);
  await removeCluster(s);
  await Deno.mkdir(s.stateDir, { recursive: true });
  await startCluster(s, () => {});
  try {
    await installLocalExtensions(s);
    await applyBootstrap(s, () => {});
    if (source === "migrations") await applyMigrations(s, () => {});
    else await applySchemaFiles(s, log);
    return await fn(dbUrl(s));
  } finally {
    await stopCluster(s).catch(() => false);
    await removeCluster(s);
    await Deno.remove(s.stateDir, { recursive: true }).catch(() => {});
  }
}

export async function applySchemaFiles(c: StackConfig, log: Log): Promise<void> {
  const files = await schemaFiles();
  log(`applying ${files.length} schema files from supabase/schemas`);
  for (const f of files) await psqlFile(c, f);
}

// Schemas every side has from the platform bootstrap, or that only the CLI creates.
const PLATFORM_SCHEMAS = ["supabase_migrations"];

/** migra's statements to turn `from` into `to` (empty when their catalogs agree). */
export async function migraDiff(from: string, to: string): Promise<string> {
  const bin = join(projectRoot, "node_modules", "@pgkit", "migra", "dist", "command.js");
  const r = await run("node", [bin, "run", from, to, "--unsafe", "--with-privileges", "--exclude-schema", ...PLATFORM_SCHEMAS]);
  if (r.code !== 0 && r.code !== 2) throw new StackError(`migra failed (exit ${r.code}):\n${r.stderr.trim()}`);
  return r.stdout.trim();
}

// What migra does not compare, read the same way from both databases: comments on the project's
// objects, pg_cron jobs, pgmq queues, and the rows the schema seeds.
const EXTRA_CHECKS: Record<string, string> = {
  "comments": `
    select coalesce(c.relname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', n2.nspname,
             t.tgname, pol.polname) || coalesce('.' || a.attname, '') || ' [' || d.classoid::regclass || ']' as object,
           d.description
    from pg_description d
    left join pg_class c on d.classoid = 'pg_class'::regclass and c.oid = d.objoid
    left join pg_attribute a on c.oid is not null and d.objsubid > 0 and a.attrelid = c.oid and a.attnum = d.objsubid
    left join pg_proc p on d.classoid = 'pg_proc'::regclass and p.oid = d.objoid
    left join pg_namespace n2 on d.classoid = 'pg_namespace'::regclass and n2.oid = d.objoid
    left join pg_trigger t on d.classoid = 'pg_trigger'::regclass and t.oid = d.objoid
    left join pg_policy pol on d.classoid = 'pg_policy'::regclass and pol.oid = d.objoid
    where coalesce(c.relnamespace, p.pronamespace, n2.oid, (select relnamespace from pg_class where oid = t.tgrelid),
            (select relnamespace from pg_class where oid = pol.polrelid))
          in (select oid from pg_namespace where nspname in ('public', 'private', 'engine', 'billing'))
    order by 1, 2`,
  "cron jobs": `select jobname, schedule, command from cron.job order by jobname`,
  "pgmq queues": `select queue_name, is_partitioned, is_unlogged from pgmq.meta order by queue_name`,
  "seeded rows": `
    select * from (
      select 'tier_plans' as "table", (to_jsonb(t) - 'updated_at' - 'created_at')::text as "row" from public.tier_plans t
      union all select 'worker_settings', (to_jsonb(w) - 'updated_at' - 'reason')::text from engine.worker_settings w
    ) s order by 1, 2`,
};

async function rows(url: string, query: string): Promise<string> {
  const r = await run("psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", query]);
  if (r.code !== 0) throw new StackError(`reading ${url} failed:\n${r.stderr.trim()}`);
  return r.stdout;
}

/** Lines in a but not in b, prefixed. */
function lineDiff(a: string, b: string, label: string): string[] {
  const bs = new Set(b.split("\n"));
  return a.split("\n").filter((l) => l && !bs.has(l)).map((l) => `${label} ${l}`);
}

export interface Drift {
  migra: string;
  extra: string[];
}

/** How the database at `to` differs from the one at `from`: migra's statements and the extras. */
export async function compareDatabases(from: string, to: string): Promise<Drift> {
  const extra: string[] = [];
  for (const [what, query] of Object.entries(EXTRA_CHECKS)) {
    const [a, b] = await Promise.all([rows(from, query), rows(to, query)]);
    if (a === b) continue;
    extra.push(`-- ${what}:`, ...lineDiff(a, b, "-"), ...lineDiff(b, a, "+"));
  }
  return { migra: await migraDiff(from, to), extra };
}

export const driftIsEmpty = (d: Drift) => d.migra === "" && d.extra.length === 0;

/** `npm run db:diff -- <name>`: the migration from the migrations' database to the schema files'. */
export async function writeMigrationFromDiff(name: string, log: Log): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new StackError(`migration name "${name}" must be lowercase snake_case`);
  const c = stackConfig("dev");
  return await withScratchDatabase(c, "migrations", 0, log, (from) =>
    withScratchDatabase(c, "schemas", 1, log, async (to) => {
      const d = await compareDatabases(from, to);
      if (driftIsEmpty(d)) {
        log("the migrations already build what supabase/schemas describes: nothing to write");
        return null;
      }
      const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
      const file = join(projectRoot, "supabase", "migrations", `${stamp}_${name}.sql`);
      const notes = d.extra.length
        ? `\n-- Not generated (migra does not compare these): write them by hand above, then run\n` +
          `-- npm run db:diff again until it says nothing is left.\n${d.extra.map((l) => `-- ${l}`).join("\n")}\n`
        : "";
      await Deno.writeTextFile(file, `-- generated by npm run db:diff -- ${name}; read it before committing\n${d.migra}\n${notes}`);
      return file;
    }));
}
