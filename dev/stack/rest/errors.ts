// PostgREST's error answers: the JSON body {code, details, hint, message}, the HTTP status it
// maps each PostgreSQL SQLSTATE to, and the PGRST errors of its own that the local /rest/v1
// stand-in can raise. Statuses and texts follow PostgREST v16 (src/library/PostgREST/Error.hs and
// docs/references/errors.rst), the version the Supabase CLI runs.

export class PgrstError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "PgrstError";
  }

  body() {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }

  response(): Response {
    return new Response(JSON.stringify(this.body()), {
      status: this.status,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "proxy-status": `PostgREST; error=${this.code}`,
        ...this.headers,
      },
    });
  }
}

/** PostgREST's mapping of a SQLSTATE to an HTTP status (`authed`: a non-anonymous role). */
export function statusOfSqlState(code: string, message: string, authed: boolean): number {
  const exact: Record<string, number> = {
    "23503": 409, "23505": 409, "25006": 405, "53400": 500, "57P01": 503, "P0001": 400,
    "42P01": 404, "42P17": 500,
  };
  if (code in exact) return exact[code];
  if (code === "42501") return authed ? 403 : 401;
  if (code === "42883") return message.startsWith("function xmlagg(") ? 406 : 404;
  if (code === "21000") return message.endsWith("requires a WHERE clause") ? 400 : 500;
  if (code === "22023") return message.startsWith("role") && message.endsWith("does not exist") ? 401 : 400;
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  const byClass: Record<string, number> = {
    "08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500,
    "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500, "57": 500, "58": 500,
    "F0": 500, "HV": 500, "P0": 500, "XX": 500,
  };
  return byClass[code.slice(0, 2)] ?? 400;
}

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

function isPgError(e: unknown): e is PgLikeError & Error {
  return e instanceof Error && e.name === "PostgresError" && typeof (e as PgLikeError).code === "string";
}

/** Turns anything a request raised into PostgREST's answer for it. */
export function toPgrstError(e: unknown, authed: boolean): PgrstError {
  if (e instanceof PgrstError) return e;
  if (isPgError(e)) {
    const code = e.code!;
    const message = e.message ?? "";
    if (code === "PGRST") return raisedPgrst(message, e.detail);
    const status = statusOfSqlState(code, message, authed);
    const headers: Record<string, string> = status === 401 ? { "www-authenticate": "Bearer" } : {};
    return new PgrstError(status, code, message, e.detail ?? null, e.hint ?? null, headers);
  }
  const conn = e as { code?: string; message?: string };
  if (typeof conn?.code === "string" && /^(ECONNREFUSED|CONNECT_TIMEOUT|CONNECTION_)/.test(conn.code)) {
    return new PgrstError(503, "PGRST000", "Database connection error.", conn.message ?? null);
  }
  return new PgrstError(500, "PGRSTX00", `local /rest/v1 failed: ${(e as Error)?.message ?? String(e)}`);
}

/** `RAISE sqlstate 'PGRST' using message = '{json}', detail = '{status, headers}'`. */
function raisedPgrst(message: string, detail: string | undefined): PgrstError {
  try {
    const m = JSON.parse(message) as { code: string; message: string; details?: string; hint?: string };
    const d = JSON.parse(detail ?? "") as { status: number; headers: Record<string, string> };
    if (typeof m.code !== "string" || typeof d.status !== "number") throw new Error("shape");
    return new PgrstError(d.status, m.code, m.message, m.details ?? null, m.hint ?? null, d.headers ?? {});
  } catch {
    return new PgrstError(500, "PGRST121", `Could not parse JSON in the "RAISE SQLSTATE 'PGRST'" error`,
      `Invalid JSON value for MESSAGE: '${message}'`,
      "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.");
  }
}

// The PGRST errors the stand-in raises itself ---------------------------------------------------

export const queryParamError = (message: string, details: string) =>
  new PgrstError(400, "PGRST100", message, details);

export const invalidBody = (message: string) => new PgrstError(400, "PGRST102", message);

export const invalidRange = (details: string) =>
  new PgrstError(416, "PGRST103", "Requested range not satisfiable", details);

export const invalidRpcMethod = (method: string) =>
  new PgrstError(405, "PGRST101", `Cannot use the ${method} method on RPC`);

export const unacceptableSchema = (schema: string, exposed: string[]) =>
  new PgrstError(406, "PGRST106", `Invalid schema: ${schema}`, null,
    `Only the following schemas are exposed: ${exposed.join(", ")}`);

export const unacceptableMediaType = (accept: string) =>
  new PgrstError(406, "PGRST107", `None of these media types are available: ${accept}`);

export const notEmbedded = (resource: string) =>
  new PgrstError(400, "PGRST108", `'${resource}' is not an embedded resource in this request`, null,
    `Verify that '${resource}' is included in the 'select' query parameter.`);

export const singularity = (rows: number) =>
  new PgrstError(406, "PGRST116", "Cannot coerce the result to a single JSON object",
    `The result contains ${rows} rows`);

export const unsupportedMethod = (method: string) =>
  new PgrstError(405, "PGRST117", `Unsupported HTTP method: ${method}`);

export const aggregatesNotAllowed = () =>
  new PgrstError(400, "PGRST123", "Use of aggregate functions is not allowed");

export const invalidPath = () => new PgrstError(404, "PGRST125", "Invalid path specified in request URL");

/** A PostgREST feature the local stand-in does not implement (PostgREST's own "not implemented"). */
export const notImplemented = (what: string) =>
  new PgrstError(400, "PGRST127", "Feature not implemented",
    `${what} is not implemented by the local /rest/v1 stand-in (dev/stack/rest); see dev/bootstrap/README.md`);

export const tableNotFound = (schema: string, name: string) =>
  new PgrstError(404, "PGRST205", `Could not find the table '${schema}.${name}' in the schema cache`);

/** PostgreSQL's own error for an unknown column, as PostgREST passes it on. */
export const columnNotFound = (relation: string, column: string) =>
  new PgrstError(400, "42703", `column ${relation}.${column} does not exist`);
