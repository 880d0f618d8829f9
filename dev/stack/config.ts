// Where the local stack lives and which ports it uses. Two profiles: `dev` (the ports Supabase's
// CLI uses, so tools and docs line up; STACK_DB_PORT, STACK_API_PORT, STACK_GITHUB_PORT) and
// `test` (offset ports and its own data, so `npm test` never touches a stack a developer has
// running; STACK_TEST_DB_PORT, STACK_TEST_API_PORT, STACK_TEST_GITHUB_PORT: the dev variables
// are ignored, so exporting them for a dev stack cannot point the tests at it).
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export type Profile = "dev" | "test";

export interface StackConfig {
  profile: Profile;
  dbPort: number;
  apiPort: number;
  githubPort: number;
  /** The Polar API simulator (dev/polar-sim), unless the functions' secrets name a real Polar. */
  polarPort: number;
  /** Runtime state (pid files, logs, generated keys). Owned by root, readable by postgres. */
  stateDir: string;
  /** The cluster's data directory, owned by the `postgres` OS user. */
  dataDir: string;
  jwtSecret: string;
  pgBin: string;
  /** A new cluster keeps PostgreSQL's durable defaults (fsync, synchronous_commit,
   * full_page_writes), as a hosted database does. Unset: the dev profile's are durable, the test
   * profile's throwaway clusters are not; the bench sets it, so it measures what a real server does. */
  durable?: boolean;
}

// The JWT secret the Supabase CLI uses for local stacks; never used outside this machine.
const localJwtSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

function port(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024 || n > 65535) {
    throw new Error(`${name}=${raw} is not a usable port: give an integer between 1024 and 65535`);
  }
  return n;
}

/** The variables that set a profile's ports. */
export function portSettings(profile: Profile) {
  const prefix = profile === "test" ? "STACK_TEST_" : "STACK_";
  return {
    db: `${prefix}DB_PORT`, api: `${prefix}API_PORT`, github: `${prefix}GITHUB_PORT`, polar: `${prefix}POLAR_PORT`,
  } as const;
}

export function stackConfig(profile: Profile = "dev"): StackConfig {
  const offset = profile === "test" ? 100 : 0;
  const names = portSettings(profile);
  const dbPort = port(names.db, 54322 + offset);
  const apiPort = port(names.api, 54321 + offset);
  const githubPort = port(names.github, 54340 + offset);
  // Beside the GitHub simulator's by default, so whoever moves that one (several stacks on one
  // machine) moves this one too.
  const polarPort = port(names.polar, githubPort + 10);
  // Keyed by the database port: one cluster per port on this machine, whatever the checkout.
  // Kept under /var/tmp (not the checkout) because the `postgres` OS user must be able to reach
  // it even when the checkout sits in a private directory (as CI's fresh clones do).
  const stateDir = join(Deno.env.get("STACK_STATE_DIR") ?? "/var/tmp/workspace-backfill", `${profile}-${dbPort}`);
  return {
    profile,
    dbPort,
    apiPort,
    githubPort,
    polarPort,
    stateDir,
    dataDir: join(stateDir, "pgdata"),
    jwtSecret: Deno.env.get("STACK_JWT_SECRET") ?? localJwtSecret,
    pgBin: Deno.env.get("STACK_PG_BIN") ?? "/usr/lib/postgresql/15/bin",
  };
}

/** The environment that gives a child process (the services supervisor) this same config. */
export function configEnv(c: StackConfig): Record<string, string> {
  const names = portSettings(c.profile);
  return {
    [names.db]: String(c.dbPort),
    [names.api]: String(c.apiPort),
    [names.github]: String(c.githubPort),
    STACK_STATE_DIR: dirname(c.stateDir),
    STACK_JWT_SECRET: c.jwtSecret,
    STACK_PG_BIN: c.pgBin,
  };
}

/** `npm run <script>` with the port settings that differ from the profile's defaults. */
export function commandFor(c: StackConfig, script: string): string {
  const names = portSettings(c.profile);
  const d = stackConfigDefaults(c.profile);
  const set = [
    c.dbPort !== d.db ? `${names.db}=${c.dbPort}` : "",
    c.apiPort !== d.api ? `${names.api}=${c.apiPort}` : "",
    c.githubPort !== d.github ? `${names.github}=${c.githubPort}` : "",
  ].filter(Boolean);
  return [...set, `npm run ${script}`, ...(c.profile === "test" ? ["-- --profile test"] : [])].join(" ");
}

function stackConfigDefaults(profile: Profile) {
  const offset = profile === "test" ? 100 : 0;
  return { db: 54322 + offset, api: 54321 + offset, github: 54340 + offset };
}

export function dbUrl(c: StackConfig, user = "postgres", password = "postgres"): string {
  return `postgresql://${user}:${password}@127.0.0.1:${c.dbPort}/postgres`;
}

export const apiUrl = (c: StackConfig) => `http://127.0.0.1:${c.apiPort}`;
export const functionsUrl = (c: StackConfig) => `${apiUrl(c)}/functions/v1`;
export const githubUrl = (c: StackConfig) => `http://127.0.0.1:${c.githubPort}`;
export const polarSimUrl = (c: StackConfig) => `http://127.0.0.1:${c.polarPort}`;
