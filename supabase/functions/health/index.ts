// Health check for operators and uptime probes: answers whether the function runtime can reach
// the database, and how deep the work queues are. Requires a valid JWT (anon or service role).
import { connect } from "../_shared/db.ts";

const sql = connect(undefined, 1);

Deno.serve(async () => {
  const started = performance.now();
  try {
    const [row] = await sql`select now() as now, current_setting('server_version') as version`;
    return Response.json({
      status: "ok",
      database: { reachable: true, version: row.version, now: row.now },
      latency_ms: Math.round(performance.now() - started),
    });
  } catch (e) {
    return Response.json(
      { status: "degraded", database: { reachable: false, error: (e as Error).message } },
      { status: 503 },
    );
  }
});
