// The stack's own PostgreSQL 15 cluster: created with initdb in its own data directory, run by
// the `postgres` OS user on its own port. It never touches any other cluster on the machine.
import { join } from "node:path";
import { dbUrl, projectRoot, type StackConfig } from "./config.ts";
import { isPortFree, pidAlive, run, runOrThrow, StackError } from "./proc.ts";

const pgUser = "postgres";

export function socketDir(c: StackConfig) {
  return join(c.stateDir, "sock");
}

async function chownToPostgres(path: string) {
  if (Deno.uid?.() === 0) await runOrThrow(`chown ${path}`, "chown", ["-R", `${pgUser}:${pgUser}`, path]);
}

export async function clusterPid(c: StackConfig): Promise<number | null> {
  try {
    const text = await Deno.readTextFile(join(c.dataDir, "postmaster.pid"));
    const pid = Number(text.split("\n")[0]);
    return Number.isInteger(pid) && pidAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Whether a new cluster of this config keeps PostgreSQL's durable defaults (StackConfig.durable). */
function isDurable(c: StackConfig): boolean {
  return c.durable ?? c.profile !== "test";
}

async function initCluster(c: StackConfig, log: (s: string) => void) {
  log(`creating PostgreSQL cluster in ${c.dataDir}`);
  await Deno.mkdir(c.dataDir, { recursive: true, mode: 0o700 });
  await Deno.mkdir(socketDir(c), { recursive: true });
  await chownToPostgres(c.dataDir);
  await chownToPostgres(socketDir(c));
  await runOrThrow("initdb", join(c.pgBin, "initdb"), [
    "-D", c.dataDir, "-U", pgUser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
  ], { asUser: pgUser });
  const settings = [
    "# written by dev/stack/postgres.ts",
    "listen_addresses = '127.0.0.1'",
    `port = ${c.dbPort}`,
    `unix_socket_directories = '${socketDir(c)}'`,
    "shared_preload_libraries = 'pg_cron'",
    "cron.database_name = 'postgres'",
    "wal_level = logical",
    "max_connections = 200",
    "timezone = 'UTC'",
    // Throwaway test clusters trade durability for speed; the dev cluster and the bench's keep the
    // defaults, so what they measure is what a real server would do.
    ...(isDurable(c) ? [] : ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]),
  ];
  await Deno.writeTextFile(join(c.dataDir, "postgresql.conf"), "\n" + settings.join("\n") + "\n", { append: true });
}

export async function startCluster(c: StackConfig, log: (s: string) => void): Promise<void> {
  const pid = await clusterPid(c);
  if (pid !== null) {
    throw new StackError(
      `a stack is already running on port ${c.dbPort} (postgres pid ${pid}, data in ${c.dataDir}); ` +
        `use it, or stop it first with: npm run stack:down`,
    );
  }
  if (!(await isPortFree(c.dbPort))) {
    throw new StackError(
      `port ${c.dbPort} (database) is already taken by another process; ` +
        `free it or choose another port with STACK_DB_PORT=<port>`,
    );
  }
  try {
    await Deno.stat(join(c.dataDir, "PG_VERSION"));
  } catch {
    await initCluster(c, log);
  }
  await Deno.mkdir(socketDir(c), { recursive: true });
  await chownToPostgres(socketDir(c));
  const logFile = join(c.stateDir, "postgres.log");
  await Deno.writeTextFile(logFile, "", { append: true });
  await chownToPostgres(logFile);
  await runOrThrow(`starting PostgreSQL on port ${c.dbPort} (log: ${logFile})`, join(c.pgBin, "pg_ctl"), [
    "-D", c.dataDir, "-l", logFile, "-w", "-t", "60", "start",
  ], { asUser: pgUser });
  await psql(c, "alter role postgres password 'postgres'");
}

export async function stopCluster(c: StackConfig): Promise<boolean> {
  if ((await clusterPid(c)) === null) return false;
  await runOrThrow("stopping PostgreSQL", join(c.pgBin, "pg_ctl"), ["-D", c.dataDir, "-m", "fast", "-w", "stop"], {
    asUser: pgUser,
  });
  return true;
}

export async function removeCluster(c: StackConfig): Promise<void> {
  await Deno.remove(c.dataDir, { recursive: true }).catch(() => {});
}

/** Runs SQL (a string) as the superuser, stopping at the first error. */
export async function psql(c: StackConfig, sql: string): Promise<string> {
  const r = await runOrThrow("psql", "psql", [
    "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", dbUrl(c), "-c", sql,
  ]);
  return r.stdout;
}

export async function psqlFile(c: StackConfig, file: string): Promise<void> {
  const r = await run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", dbUrl(c), "-f", file]);
  if (r.code !== 0) throw new StackError(`applying ${file} failed:\n${r.stderr.trim()}`);
}

/**
 * The project's SQL-only stand-ins for extensions hosted Supabase ships (dev/<name>/ holds
 * <name>.control and <name>--<version>.sql), installed under the real names so migrations create
 * them with the statements hosted Supabase needs.
 */
export const localExtensions = ["pgmq", "pg_net"] as const;

/** Copies every local extension's control and script files into the server's extension directory. */
export async function installLocalExtensions(c: StackConfig): Promise<void> {
  const share = (await runOrThrow("pg_config", join(c.pgBin, "pg_config"), ["--sharedir"])).stdout.trim();
  const dest = join(share, "extension");
  for (const name of localExtensions) {
    const src = join(projectRoot, "dev", name);
    for await (const e of Deno.readDir(src)) {
      if (!e.isFile || !/\.(control|sql)$/.test(e.name)) continue;
      const want = await Deno.readTextFile(join(src, e.name));
      const have = await Deno.readTextFile(join(dest, e.name)).catch(() => null);
      if (have === want) continue;
      try {
        await Deno.writeTextFile(join(dest, e.name), want);
      } catch (err) {
        throw new StackError(
          `cannot install the ${name} extension file ${e.name} into ${dest} ` +
            `(${(err as Error).message}); run the command as root once, or point STACK_PG_BIN at a PostgreSQL you may write to`,
        );
      }
    }
  }
}

export async function pgIsReady(c: StackConfig): Promise<boolean> {
  const r = await run(join(c.pgBin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(c.dbPort)]);
  return r.code === 0;
}
