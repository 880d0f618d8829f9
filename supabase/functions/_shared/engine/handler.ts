// HTTP face of the worker: checks itself that the caller holds one of the project's secret keys
// (not only the gateway's verify_jwt), then runs one draining pass and reports what it did.
import type { Sql } from "../db.ts";
import { isServiceCaller } from "../http/auth.ts";
import { createGithubClient } from "../github/graphql.ts";
import { createRestClient } from "../github/rest.ts";
import { configFromEnv, DEFAULT_CONFIG, type WorkerConfig } from "./config.ts";
import { runWorker } from "./worker.ts";
import { type Budget, sqlBudget } from "./budget.ts";

export interface HandlerDeps {
  sql: Sql;
  env: (name: string) => string | undefined;
  /** Defaults to the shared budget in Postgres (engine.reserve_budget …). */
  budget?: (sql: Sql, token: string, reserve: number) => Budget;
}

/** Hosted Supabase's background-work API: the response goes out, the isolate lives on for it. */
interface EdgeRuntimeApi {
  waitUntil(promise: Promise<unknown>): void;
}
const edgeRuntime = (globalThis as { EdgeRuntime?: EdgeRuntimeApi }).EdgeRuntime;

/** The kick's id from the request body ({"reason": "kick", "kick_id": "<uuid>"}); null otherwise. */
async function kickIdOf(req: Request): Promise<string | null> {
  try {
    const body = await req.json() as { kick_id?: unknown };
    return typeof body.kick_id === "string" && /^[0-9a-f-]{36}$/i.test(body.kick_id) ? body.kick_id : null;
  } catch {
    return null;
  }
}

/** The pass's slots: what the token pool's concurrency leaves to it (engine.worker_slots), at most
 * BACKFILL_CONCURRENCY when that secret is set. */
async function passSlots(deps: HandlerDeps, invocationId: string): Promise<number> {
  const cap = deps.env("BACKFILL_CONCURRENCY");
  const fixed = cap ? Number(cap) : Infinity;
  try {
    const [{ slots }] = await deps.sql<{ slots: number }[]>`select engine.worker_slots() as slots`;
    return Math.max(1, Math.min(fixed, slots));
  } catch (e) {
    console.error(`backfill worker: pass ${invocationId} could not size its slots (${(e as Error).message}); it runs ` +
      `${Number.isFinite(fixed) ? fixed : DEFAULT_CONFIG.concurrency}`);
    return Number.isFinite(fixed) ? Math.max(1, fixed) : DEFAULT_CONFIG.concurrency;
  }
}

export function createWorkerHandler(deps: HandlerDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    if (!isServiceCaller(req, deps.env)) {
      return Response.json(
        { error: "the backfill worker runs only with the project's service key: call it from pg_cron or the database kick" },
        { status: 403 },
      );
    }
    const baseUrl = deps.env("GITHUB_API_URL") || "https://api.github.com";
    const token = deps.env("GITHUB_TOKEN");
    if (!token) {
      return Response.json(
        { error: "GITHUB_TOKEN is not set: set it in the function secrets (supabase secrets set GITHUB_TOKEN=…)" },
        { status: 500 },
      );
    }
    let config: WorkerConfig;
    try {
      config = configFromEnv(deps.env);
    } catch (e) {
      return Response.json({ error: `backfill worker misconfigured: ${(e as Error).message}` }, { status: 500 });
    }
    // Registered before answering, so the database sees this pass as running from the kick on.
    const [{ id: invocationId }] = await deps.sql<{ id: string }[]>`
      select engine.start_worker_invocation(${await kickIdOf(req)}::uuid) as id`;
    config = { ...config, concurrency: await passSlots(deps, invocationId) };
    // A backlog larger than this pass's slots asks for one more pass (which asks again): passes
    // scale with the work up to engine.worker_settings.max_concurrent_invocations.
    await deps.sql`select engine.scale_out_worker(${config.concurrency})`
      .catch((e) => console.error(`backfill worker: scaling out failed: ${(e as Error).message}`));
    const pass = runWorker({
      sql: deps.sql,
      github: (t) => createGithubClient({ baseUrl, token: t }),
      budget: deps.budget
        ? deps.budget(deps.sql, token, config.budgetReserve)
        : sqlBudget(deps.sql, { envToken: token, reserve: config.budgetReserve }),
      rest: (t) => createRestClient({ baseUrl, token: t }),
      restBudget: deps.budget
        ? deps.budget(deps.sql, token, config.budgetReserve)
        : sqlBudget(deps.sql, { envToken: token, reserve: config.budgetReserve, resource: "core" }),
      config,
      invocationId,
    }).then(
      async (report) => {
        await deps.sql`select engine.end_worker_invocation(${invocationId}, ${deps.sql.json(report as never)})`;
        // Stopped by its own budget, not by an empty queue: the released tasks get a successor now.
        if (report.stoppedBy === "cpu" || report.stoppedBy === "time") {
          await deps.sql`select engine.hand_over_worker()`
            .catch((e) => console.error(`backfill worker: handing over after pass ${invocationId} failed: ${(e as Error).message}`));
        }
        return { status: 200, body: { invocation_id: invocationId, ...report } as Record<string, unknown> };
      },
      async (e) => {
        console.error("backfill worker pass failed:", e);
        const body = { invocation_id: invocationId, error: `backfill worker pass failed: ${(e as Error).message}` };
        await deps.sql`select engine.end_worker_invocation(${invocationId}, ${deps.sql.json(body as never)})`.catch(() => {});
        return { status: 500, body };
      },
    );
    // Hosted (and the local gateway): answer the kick at once and drain in the background, so
    // the kick is never a timeout and the database learns of the pass from its heartbeats.
    if (edgeRuntime) {
      edgeRuntime.waitUntil(pass);
      return Response.json({ accepted: true, invocation_id: invocationId }, { status: 202 });
    }
    const done = await pass;
    return Response.json(done.body, { status: done.status });
  };
}
