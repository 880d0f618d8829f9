// HTTP face of the worker: checks itself that the caller holds one of the project's secret keys
// (not only the gateway's verify_jwt), then runs one draining pass and reports what it did.
import type { Sql } from "../db.ts";
import { isServiceCaller } from "../http/auth.ts";
import { createGithubClient } from "../github/graphql.ts";
import { createRestClient } from "../github/rest.ts";
import { configFromEnv } from "./config.ts";
import { runWorker } from "./worker.ts";
import { type Budget, sqlBudget } from "./budget.ts";

export interface HandlerDeps {
  sql: Sql;
  env: (name: string) => string | undefined;
  /** Defaults to the shared budget in Postgres (engine.reserve_budget …). */
  budget?: (sql: Sql, token: string, reserve: number) => Budget;
}

export function createWorkerHandler(deps: HandlerDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    if (!isServiceCaller(req, deps.env)) {
      return Response.json(
        { error: "the backfill worker runs only with the service role key: call it from pg_cron or the database kick" },
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
    try {
      const config = configFromEnv(deps.env);
      const report = await runWorker({
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
      });
      return Response.json(report);
    } catch (e) {
      console.error("backfill worker pass failed:", e);
      return Response.json({ error: `backfill worker pass failed: ${(e as Error).message}` }, { status: 500 });
    }
  };
}
