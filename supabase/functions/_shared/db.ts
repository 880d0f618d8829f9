// The database client every edge function uses: postgres.js over BACKFILL_DB_URL when set (a
// secret of ours: names starting with SUPABASE_ are reserved on hosted Supabase, so this is how a
// deployment points the functions at the transaction pooler, port 6543), else the platform's
// SUPABASE_DB_URL. Prepared statements are off because the pooler cannot keep them across
// transactions, and pools stay small (BACKFILL_DB_POOL) because several invocations may run at
// once: max_concurrent_invocations × pool must stay under the plan's connections.
import postgres from "npm:postgres@3.4.9";

export type Sql = ReturnType<typeof postgres>;

/** postgres.js options, as `postgres(url, options)` takes them. */
export type SqlOptions = NonNullable<Parameters<typeof postgres>[1]>;

/** A postgres.js pool as the project opens them, for the functions and the local tooling alike:
 * notices dropped, prepared statements off unless `options` turns them on. */
export function createSql(url: string, options: SqlOptions & { max: number }): Sql {
  return postgres(url, { prepare: false, onnotice: () => {}, ...options });
}

// postgres.js 3.4.x starts a lookup of array types on each new connection and drops its promise
// (porsager/postgres#1192): when that connection dies mid-handshake the rejection reaches no
// caller, and an unhandled rejection ends the edge function's process with every request in it.
// Those connection errors, and only those, are logged instead; the query that needed the
// connection still fails to its caller.
const LOST_CONNECTION = new Set(["CONNECTION_DESTROYED", "CONNECTION_CLOSED", "CONNECTION_ENDED", "ECONNRESET", "ECONNREFUSED"]);
let guarded = false;
function guardLostConnections(): void {
  if (guarded || typeof globalThis.addEventListener !== "function") return;
  guarded = true;
  globalThis.addEventListener("unhandledrejection", (e: PromiseRejectionEvent) => {
    const code = (e.reason as { code?: unknown } | null)?.code;
    if (typeof code !== "string" || !LOST_CONNECTION.has(code)) return;
    e.preventDefault();
    console.warn(JSON.stringify({ event: "db.connection_lost_unhandled", code, message: String((e.reason as Error).message) }));
  });
}

export function connect(url = Deno.env.get("BACKFILL_DB_URL") || Deno.env.get("SUPABASE_DB_URL"), max = 4): Sql {
  guardLostConnections();
  if (!url) {
    throw new Error(
      "neither BACKFILL_DB_URL nor SUPABASE_DB_URL is set: the function cannot reach the database. On hosted " +
        "Supabase SUPABASE_DB_URL is provided; set BACKFILL_DB_URL to the transaction pooler's URL to use it instead.",
    );
  }
  const pool = Number(Deno.env.get("BACKFILL_DB_POOL"));
  if (Number.isInteger(pool) && pool > 0) max = pool;
  return createSql(url, {
    max,
    idle_timeout: 20,
    connect_timeout: 10,
    connection: { application_name: "edge-function" },
  });
}
