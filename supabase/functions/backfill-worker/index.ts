// Backfill worker edge function: drains the backfill queues for one time budget. Invoked by
// pg_cron every minute and kicked when new work is created; only the service role may call it.
import { connect } from "../_shared/db.ts";
import { createWorkerHandler } from "../_shared/engine/handler.ts";

Deno.serve(createWorkerHandler({ sql: connect(undefined, 6), env: (name) => Deno.env.get(name) }));
