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
  // Into a file: Node truncates a large stdout written to a pipe when the CLI exits.
  const out = await Deno.makeTempFile({ prefix: "migra-", suffix: ".sql" });
  try {
    const excluded = PLATFORM_SCHEMAS.map((s) => `'${s}'`).join(" ");
    const r = await run("sh", ["-c", `exec node "$0" run "$1" "$2" --unsafe --with-privileges --exclude-schema ${excluded} > "$3"`,
      bin, from, to, out]);
    if (r.code !== 0 && r.code !== 2) throw new StackError(`migra failed (exit ${r.code}):\n${r.stderr.trim()}`);
    return (await Deno.readTextFile(out)).trim();
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

// What migra does not compare, read the same way from both databases: comments on the project's
// objects, pg_cron jobs, pgmq queues, and the rows the schema seeds. Each row is the statement
// that creates it, so the difference is the migration: a row only the target has is emitted as
// it is; one only the source has is undone by `undo` (or left for a hand-written statement).
interface ExtraCheck {
  query: string;
  undo?: (statement: string) => string | null;
}

const PROJECT_SCHEMAS = "('public', 'private', 'engine', 'billing')";

const EXTRA_CHECKS: Record<string, ExtraCheck> = {
  "comments": {
    // Every object of the project with its comment or null, so a comment that was removed shows
    // as "is null" and an object that was dropped shows nothing (its drop is migra's).
    query: `
      with objects(classoid, objoid, objsubid, target) as (
        select 'pg_class'::regclass, c.oid, 0,
               format('%s %I.%I', case c.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
                      n.nspname, c.relname)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ${PROJECT_SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm')
        union all
        select 'pg_class'::regclass, c.oid, a.attnum, format('column %I.%I.%I', n.nspname, c.relname, a.attname)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname in ${PROJECT_SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm')
        union all
        select 'pg_proc'::regclass, p.oid, 0, format('%s %I.%I(%s)', case p.prokind when 'p' then 'procedure' else 'function' end,
                                                     n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ${PROJECT_SCHEMAS}
        union all
        select 'pg_namespace'::regclass, n.oid, 0, format('schema %I', n.nspname)
        from pg_namespace n where n.nspname in ${PROJECT_SCHEMAS}
        union all
        select 'pg_trigger'::regclass, tg.oid, 0, format('trigger %I on %I.%I', tg.tgname, n.nspname, c.relname)
        from pg_trigger tg join pg_class c on c.oid = tg.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ${PROJECT_SCHEMAS} and not tg.tgisinternal
        union all
        select 'pg_policy'::regclass, pol.oid, 0, format('policy %I on %I.%I', pol.polname, n.nspname, c.relname)
        from pg_policy pol join pg_class c on c.oid = pol.polrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ${PROJECT_SCHEMAS} or n.nspname = 'realtime'
      )
      select format('comment on %s is %s;', o.target, coalesce(quote_literal(d.description), 'null'))
      from objects o
      left join pg_description d on d.classoid = o.classoid and d.objoid = o.objoid and d.objsubid = o.objsubid
      order by 1`,
  },
  "column order": {
    // migra ignores the order of columns; new ones must be added in the schema files' order.
    query: `
      select format('-- column order of %I.%I: %s', n.nspname, c.relname, string_agg(a.attname, ', ' order by a.attnum))
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname in ${PROJECT_SCHEMAS} and c.relkind in ('r', 'p')
      group by n.nspname, c.relname order by 1`,
  },
  "relation options": {
    // migra recreates views without their options: security_invoker (RLS of the caller) must survive.
    query: `
      select format('alter %s %I.%I set (%s);', case c.relkind when 'v' then 'view' else 'table' end, n.nspname, c.relname,
                    array_to_string(c.reloptions, ', '))
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ${PROJECT_SCHEMAS} and c.relkind in ('r', 'v') and c.reloptions is not null
      order by 1`,
    undo: (statement) => statement.replace(/^alter (view|table) (\S+) set \((.*)\);$/,
      (_m, kind: string, name: string, opts: string) =>
        `alter ${kind} ${name} reset (${opts.split(", ").map((o) => o.split("=")[0]).join(", ")});`),
  },
  "function privileges": {
    // migra compares table privileges only; who may EXECUTE each function is compared here.
    query: `
      select format('grant execute on %s %I.%I(%s) to %s;', case p.prokind when 'p' then 'procedure' else 'function' end,
                    n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                    case a.grantee when 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
      where n.nspname in ${PROJECT_SCHEMAS} and a.privilege_type = 'EXECUTE'
      order by 1`,
    undo: (statement) => statement.replace(/^grant (.*) to (\S+);$/, "revoke $1 from $2;"),
  },
  "function definitions": {
    // migra sees a function's body change but not one of its parameter defaults alone; the whole
    // definition (arguments with defaults, settings, body) is compared here.
    query: `
      select pg_get_functiondef(p.oid) || ';'
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ${PROJECT_SCHEMAS} and p.prokind in ('f', 'p')
      order by n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)`,
  },
  "cron jobs": {
    query: `select format('select cron.schedule(%L, %L, %L);', jobname, schedule, command) from cron.job order by jobname`,
    undo: (statement) => {
      const name = /^select cron\.schedule\('((?:[^']|'')*)'/.exec(statement)?.[1];
      return name ? `select cron.unschedule('${name}');` : null;
    },
  },
  "pgmq queues": {
    query: `select format('select pgmq.create(%L);', queue_name) from pgmq.meta order by queue_name`,
    undo: (statement) => statement.replace("pgmq.create(", "pgmq.drop_queue("),
  },
  "seeded rows": {
    // Rows are data: a changed row is written by hand (an update), so both sides are shown.
    query: `
      select * from (
        select format('-- public.tier_plans row %s', (to_jsonb(t) - 'updated_at' - 'created_at')::text) from public.tier_plans t
        union all
        select format('-- engine.worker_settings row %s', (to_jsonb(w) - 'updated_at' - 'reason')::text) from engine.worker_settings w
      ) s order by 1`,
  },
};

const commentTarget = (statement: string) => statement.replace(/ is (?:null|'(?:[^']|'')*');$/s, "");

async function rows(url: string, query: string): Promise<string[]> {
  // One statement per row: newlines inside a comment would split it, so rows are NUL-separated.
  const r = await run("psql", ["-X", "-q", "-At", "-0", "-v", "ON_ERROR_STOP=1", url, "-c", query]);
  if (r.code !== 0) throw new StackError(`reading ${url} failed:\n${r.stderr.trim()}`);
  return r.stdout.split("\0").map((l) => l.replace(/\n$/, "")).filter((l) => l !== "");
}

export interface Drift {
  migra: string;
  /** Statements for what migra does not compare (and `-- ` lines to write by hand). */
  extra: string[];
}

/** The statements that turn one check's rows `a` (source) into `b` (target). */
function extraStatements(what: string, check: ExtraCheck, a: string[], b: string[]): string[] {
  const inA = new Set(a);
  const inB = new Set(b);
  const removed = a.filter((l) => !inB.has(l));
  const added = b.filter((l) => !inA.has(l));
  const out: string[] = [];
  if (what === "comments") {
    // A changed or removed comment is its target's line; a dropped object's comment goes with it;
    // a new object without a comment needs nothing.
    const before = new Set(removed.map(commentTarget));
    for (const l of added) if (!l.endsWith(" is null;") || before.has(commentTarget(l))) out.push(l);
    return out;
  }
  if (what === "function definitions") {
    // A function only the source has is dropped by migra; one only the target has, or a changed
    // one, is its target definition (which migra may state too: see compareDatabases).
    for (const l of added) out.push(l);
    return out;
  }
  if (what === "function privileges") {
    // The owner's own EXECUTE (always there) marks which functions exist: a dropped function's
    // grants go with it, and owners need no statement.
    const fn = (l: string) => /^grant execute on (.*) to \S+;$/.exec(l)?.[1] ?? l;
    const owned = (l: string) => l.endsWith(" to postgres;");
    const existing = new Set(b.map(fn));
    for (const l of removed) if (!owned(l) && existing.has(fn(l))) out.push(check.undo!(l)!);
    for (const l of added) if (!owned(l)) out.push(l);
    return out;
  }
  const undoneByAdded = new Set(added.map((x) => check.undo?.(x)).filter(Boolean));
  for (const l of removed) {
    const undo = check.undo?.(l) ?? null;
    if (undo && undoneByAdded.has(undo)) continue; // only changed: its added line states it again
    out.push(undo ?? `-- only in the migrations, write its removal by hand: ${l.replace(/^-- /, "")}`);
  }
  for (const l of added) out.push(l.startsWith("--") ? `-- only in the schema files, write it by hand: ${l.slice(3)}` : l);
  return out;
}

/** How the database at `to` differs from the one at `from`: migra's statements and the extras. */
export async function compareDatabases(from: string, to: string): Promise<Drift> {
  const migra = await migraDiff(from, to);
  // The functions migra already replaces (its CREATE OR REPLACE carries the whole definition).
  const replaced = new Set([...migra.matchAll(/CREATE OR REPLACE (?:FUNCTION|PROCEDURE) (\S+?)\(/gi)].map((m) => m[1].toLowerCase()));
  const extra: string[] = [];
  for (const [what, check] of Object.entries(EXTRA_CHECKS)) {
    const [a, b] = await Promise.all([rows(from, check.query), rows(to, check.query)]);
    let statements = extraStatements(what, check, a, b);
    if (what === "function definitions") {
      statements = statements.filter((l) =>
        !replaced.has(/^CREATE OR REPLACE (?:FUNCTION|PROCEDURE) (\S+?)\(/i.exec(l)?.[1].toLowerCase() ?? "")
      );
    }
    if (statements.length > 0) extra.push(`-- ${what}`, ...statements);
  }
  return { migra, extra };
}

function withoutSection(lines: string[], name: string): string[] {
  const start = lines.indexOf(`-- ${name}`);
  if (start < 0) return lines;
  let end = start + 1;
  while (end < lines.length && !/^-- [a-z ]+$/.test(lines[end])) end++;
  return [...lines.slice(0, start), ...lines.slice(end)];
}

/** migra adds a table's new columns in name order; they go in the order of the target instead. */
async function inTargetColumnOrder(sql: string, target: string): Promise<string> {
  const order = new Map<string, number>();
  for (const line of await rows(target, `
      select format('%s.%s.%s', n.nspname, c.relname, a.attname) || ' ' || a.attnum
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname in ${PROJECT_SCHEMAS} and c.relkind in ('r', 'p')`)) {
    const [key, attnum] = line.split(" ");
    order.set(key, Number(attnum));
  }
  const statements = sql.split(/\n\n/);
  const addColumn = /^alter table "([^"]+)"\."([^"]+)" add column "([^"]+)" /;
  const slots = statements.map((st, i) => ({ st, i, m: addColumn.exec(st) })).filter((x) => x.m);
  const sorted = [...slots].sort((x, y) => {
    const tx = `${x.m![1]}.${x.m![2]}`;
    const ty = `${y.m![1]}.${y.m![2]}`;
    if (tx !== ty) return x.i - y.i;
    return (order.get(`${tx}.${x.m![3]}`) ?? 0) - (order.get(`${ty}.${y.m![3]}`) ?? 0);
  });
  // Stable per table: each table's add-column statements keep their places, in target order.
  const byTable = new Map<string, string[]>();
  for (const x of sorted) {
    const t = `${x.m![1]}.${x.m![2]}`;
    byTable.set(t, [...(byTable.get(t) ?? []), x.st]);
  }
  for (const x of slots) statements[x.i] = byTable.get(`${x.m![1]}.${x.m![2]}`)!.shift()!;
  return statements.join("\n\n");
}

export const driftIsEmpty = (d: Drift) => d.migra === "" && d.extra.length === 0;

/** One round of the difference as SQL: migra's statements (new columns in the target's order)
 * and the extras that are statements. */
async function diffRound(from: string, to: string): Promise<{ sql: string; notes: string[] }> {
  const d = await compareDatabases(from, to);
  // New columns go in the schema files' order (what the column-order check asks for).
  const migra = await inTargetColumnOrder(d.migra, to);
  const extra = withoutSection(d.extra, "column order");
  const statements = extra.filter((l) => !l.startsWith("--"));
  const notes = extra.filter((l) => l.startsWith("-- only"));
  return { sql: [migra, ...statements].filter(Boolean).join("\n\n"), notes };
}

/** `npm run db:diff -- <name>`: the migration from the migrations' database to the schema files'.
 * The difference is applied to the migrations' scratch database and taken again until nothing is
 * left (migra does not see, for instance, the default privileges a new table receives), so the
 * migration written builds exactly what the schema files describe, but for what only a person can
 * write (seeded rows), listed at its end. */
export async function writeMigrationFromDiff(name: string, log: Log): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new StackError(`migration name "${name}" must be lowercase snake_case`);
  const c = stackConfig("dev");
  return await withScratchDatabase(c, "migrations", 0, log, (from) =>
    withScratchDatabase(c, "schemas", 1, log, async (to) => {
      const parts: string[] = [];
      let notes: string[] = [];
      for (let round = 0; round < 4; round++) {
        const d = await diffRound(from, to);
        notes = d.notes;
        if (!d.sql) break;
        parts.push(d.sql);
        const applied = await run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", from], { stdin: d.sql });
        if (applied.code !== 0) {
          throw new StackError(`the generated statements do not apply to the migrations' database:\n${applied.stderr.trim()}`);
        }
      }
      if (parts.length === 0 && notes.length === 0) {
        log("the migrations already build what supabase/schemas describes: nothing to write");
        return null;
      }
      const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
      const file = join(projectRoot, "supabase", "migrations", `${stamp}_${name}.sql`);
      const tail = notes.length
        ? `\n\n-- Left for you (data migra cannot write): write these, then run npm run db:diff again\n` +
          `-- until it says nothing is left.\n${notes.join("\n")}\n`
        : "\n";
      await Deno.writeTextFile(file, `-- generated by npm run db:diff -- ${name}; read it before committing\n${parts.join("\n\n")}${tail}`);
      return file;
    }));
}
