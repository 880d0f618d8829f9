// The database client every edge function uses: postgres.js over SUPABASE_DB_URL. On hosted
// Supabase point SUPABASE_DB_URL at the transaction pooler (port 6543); prepared statements are
// off because the pooler cannot keep them across transactions, and the pool stays small because
// several function instances may run at once.
import postgres from "npm:postgres@3.4.9";

export type Sql = ReturnType<typeof postgres>;

/** postgres.js options, as `postgres(url, options)` takes them. */
export type SqlOptions = NonNullable<Parameters<typeof postgres>[1]>;

/** A postgres.js pool as the project opens them, for the functions and the local tooling alike:
 * notices dropped, prepared statements off unless `options` turns them on. */
export function createSql(url: string, options: SqlOptions & { max: number }): Sql {
  return postgres(url, { prepare: false, onnotice: () => {}, ...options });
}

export function connect(url = Deno.env.get("SUPABASE_DB_URL"), max = 4): Sql {
  if (!url) {
    throw new Error(
      "SUPABASE_DB_URL is not set: the function cannot reach the database. On hosted Supabase it is " +
        "provided automatically; locally `npm run stack:up` sets it.",
    );
  }
  return createSql(url, {
    max,
    idle_timeout: 20,
    connect_timeout: 10,
    connection: { application_name: "edge-function" },
  });
}
