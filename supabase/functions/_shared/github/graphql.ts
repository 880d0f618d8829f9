// The worker's GitHub client: one GraphQL request through @octokit/graphql, with its outcome
// classified so the worker can decide between retrying, waiting, pausing the token and failing.
import { graphql } from "npm:@octokit/graphql@9.0.5";

export interface RateLimitInfo {
  cost: number;
  remaining: number;
  resetAt: string;
  limit: number;
}

export type GithubErrorKind =
  | "not_found" // repository missing or invisible to the token
  | "forbidden" // the repository refuses this token (FORBIDDEN)
  | "bad_credentials" // 401: the token was revoked or expired (a token problem, not the repository's)
  | "insufficient_scopes" // the token lacks a scope this query needs (a token problem for this data type)
  | "secondary" // 403/429 secondary limit; retryAfterSeconds set
  | "rate_limited" // primary limit exhausted; resetAt set
  | "transient" // 5xx, timeouts (also GitHub's HTTP 200 ones), network errors, malformed bodies
  | "invalid"; // the query itself was refused: parse or validation errors (a bug)

export class GithubError extends Error {
  constructor(
    readonly kind: GithubErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterSeconds?: number; resetAt?: string } = {},
  ) {
    super(message);
    this.name = "GithubError";
  }
}

export interface GithubClient {
  /** Sends one GraphQL document; resolves with `data` or throws a GithubError. */
  query<T>(document: string, variables: Record<string, unknown>, timeoutMs: number): Promise<T>;
}

export interface GithubClientOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const v = (headers as Record<string, unknown>)[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** One entry of a GraphQL answer's `errors`, as GitHub sends it. */
export interface GraphqlErrorEntry {
  type?: string;
  message?: string;
  path?: unknown[];
  locations?: unknown[];
  extensions?: Record<string, unknown>;
}

// GitHub's own `type`s that refuse the query as written (its query analysis: node limit and
// pagination arguments); sending it again cannot help.
const QUERY_REFUSED_TYPES = new Set(["MAX_NODE_LIMIT_EXCEEDED", "EXCESSIVE_PAGINATION", "MISSING_PAGINATION_BOUNDARIES"]);
// GitHub answers a query that ran too long with HTTP 200 (or 502) and, without any `type`:
// "Something went wrong while executing your query. This may be the result of a timeout, or it
// could be a GitHub bug. Please include `…` when reporting this issue." (also on a nested path
// with partial data), or "We couldn't respond to your request in time".
const TIMEOUT_WORDING = /something went wrong while executing your query|result of a timeout|timed out|couldn't respond to your request in time/i;

/**
 * Whether one GraphQL error says the document itself is wrong. Evidence for the shapes:
 * GitHub validates with graphql-ruby, whose static validation errors carry no `type` but an
 * `extensions.code` ("undefinedField", "argumentLiteralsIncompatible", "variableMismatch", …;
 * e.g. refined-github/refined-github#6946) and whose variable errors carry `extensions.problems`;
 * parse errors read "Parse error on …"; GraphQL validators without codes (graphql-js, as the
 * simulator uses) give `locations` but no `path`, since no field was being executed. Execution
 * errors name the field that failed (`path`) or, like a timeout of the whole query, no place.
 */
export function isDocumentError(e: GraphqlErrorEntry): boolean {
  if (e.type) return QUERY_REFUSED_TYPES.has(e.type);
  if (e.extensions && (typeof e.extensions.code === "string" || "problems" in e.extensions)) return true;
  if (/^(Parse error|Syntax Error)\b/i.test(e.message ?? "")) return true;
  if (TIMEOUT_WORDING.test(e.message ?? "")) return false;
  return Array.isArray(e.locations) && e.locations.length > 0 && !Array.isArray(e.path);
}

export function classifyGithubError(e: unknown): GithubError {
  if (e instanceof GithubError) return e;
  const err = e as {
    name?: string;
    message?: string;
    status?: number;
    errors?: GraphqlErrorEntry[];
    response?: { headers?: unknown; data?: unknown };
    headers?: unknown;
  };
  const message = err?.message ?? String(e);
  if (Array.isArray(err?.errors) && err.errors.length > 0) {
    const types = err.errors.map((x) => x.type ?? "");
    if (types.includes("NOT_FOUND")) return new GithubError("not_found", message);
    if (types.includes("INSUFFICIENT_SCOPES")) return new GithubError("insufficient_scopes", message);
    if (types.includes("FORBIDDEN")) return new GithubError("forbidden", message);
    if (types.includes("RATE_LIMITED")) {
      // GraphQL's primary limit: HTTP 200, x-ratelimit-reset in epoch seconds.
      const reset = Number(headerValue(err.headers, "x-ratelimit-reset"));
      return new GithubError("rate_limited", message, {
        resetAt: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined,
      });
    }
    if (err.errors.some(isDocumentError)) return new GithubError("invalid", message);
    // Timeouts, INTERNAL, SERVICE_UNAVAILABLE, any other type and errors without one: worth another
    // try with a smaller page (the worker halves it), and a bounded number of attempts.
    return new GithubError("transient", message);
  }
  const status = typeof err?.status === "number" ? err.status : undefined;
  const headers = err?.response?.headers ?? err?.headers;
  if (status === 403 || status === 429) {
    const retryAfter = headerValue(headers, "retry-after");
    const remaining = headerValue(headers, "x-ratelimit-remaining");
    if (retryAfter !== undefined || status === 429 || /secondary rate limit/i.test(message)) {
      return new GithubError("secondary", message, { status, retryAfterSeconds: retryAfter ? Number(retryAfter) : undefined });
    }
    if (remaining === "0") {
      const reset = headerValue(headers, "x-ratelimit-reset");
      return new GithubError("rate_limited", message, {
        status,
        resetAt: reset ? new Date(Number(reset) * 1000).toISOString() : undefined,
      });
    }
    return new GithubError("forbidden", message, { status });
  }
  if (status === 401) return new GithubError("bad_credentials", message, { status });
  if (status === 404) return new GithubError("not_found", message, { status });
  if (status === 400 || status === 422) return new GithubError("invalid", message, { status });
  // 5xx, aborts (timeouts), network failures and unparsable bodies are all worth another try.
  return new GithubError("transient", message, { status });
}

export function createGithubClient(options: GithubClientOptions): GithubClient {
  const client = graphql.defaults({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    headers: { authorization: `token ${options.token}`, "user-agent": "workspace-backfill-engine" },
    request: options.fetch ? { fetch: options.fetch } : {},
  });
  return {
    async query<T>(document: string, variables: Record<string, unknown>, timeoutMs: number): Promise<T> {
      try {
        return await client<T>(document, { ...variables, request: { signal: AbortSignal.timeout(timeoutMs) } });
      } catch (e) {
        throw classifyGithubError(e);
      }
    },
  };
}
