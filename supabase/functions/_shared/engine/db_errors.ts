// Which errors come from the database, which of them pass (worth another try later), and the
// error a worker's database step throws when even recording a failure failed.
import { GithubError } from "../github/graphql.ts";

/** An error of the database (postgres.js: a SQLSTATE or a connection error code), or null. */
export function dbErrorCode(e: unknown): string | null {
  if (!(e instanceof Error) || e instanceof GithubError) return null;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== "string") return null;
  return e.name === "PostgresError" || /^[0-9A-Z]{5}$/.test(code) || /^(CONNECT|CONNECTION_|ECONN|ETIMEDOUT|EPIPE)/.test(code)
    ? code
    : null;
}

/** Database errors worth trying again later: serialization failures, deadlocks, lost or refused
 * connections, an administrator's shutdown, too many connections, a cancelled statement. */
export function isTransientDbError(e: unknown): boolean {
  const code = dbErrorCode(e);
  if (!code) return false;
  return code === "40001" || code === "40P01" || code.startsWith("08") || code === "57P01" || code === "57P02" ||
    code === "57P03" || code === "57014" || code.startsWith("53") || code.startsWith("CONNECT") ||
    code.startsWith("ECONN") || code === "ETIMEDOUT" || code === "EPIPE";
}

/** What to do about a database error, where the code alone says it (or ""). */
export function dbErrorHint(e: unknown): string {
  const code = dbErrorCode(e);
  if (code === "53300" || code === "53400") {
    return "; the database has no free connection: lower engine.worker_settings.max_concurrent_invocations or " +
      "BACKFILL_DB_POOL, or connect through the transaction pooler (BACKFILL_DB_URL, port 6543)";
  }
  return "";
}

/** A database call of the worker failed: the message names the step and the object. */
export class WorkerStepError extends Error {
  constructor(readonly step: string, override readonly cause: unknown) {
    super(`${step} failed: ${(cause as Error)?.message ?? String(cause)}${dbErrorCode(cause) ? ` (${dbErrorCode(cause)})` : ""}` +
      dbErrorHint(cause));
    this.name = "WorkerStepError";
  }
}
