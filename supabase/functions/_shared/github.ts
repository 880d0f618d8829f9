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
  | "forbidden" // token lacks access (FORBIDDEN) or credentials rejected
  | "secondary" // 403/429 secondary limit; retryAfterSeconds set
  | "rate_limited" // primary limit exhausted; resetAt set
  | "transient" // 5xx, timeouts, network errors, malformed bodies
  | "invalid"; // the query itself was refused (a bug)

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

export function classifyGithubError(e: unknown): GithubError {
  if (e instanceof GithubError) return e;
  const err = e as {
    name?: string;
    message?: string;
    status?: number;
    errors?: { type?: string; message?: string }[];
    response?: { headers?: unknown; data?: unknown };
    headers?: unknown;
  };
  const message = err?.message ?? String(e);
  if (Array.isArray(err?.errors) && err.errors.length > 0) {
    const types = err.errors.map((x) => x.type ?? "");
    if (types.includes("NOT_FOUND")) return new GithubError("not_found", message);
    if (types.includes("FORBIDDEN")) return new GithubError("forbidden", message);
    if (types.includes("RATE_LIMITED")) {
      // GraphQL's primary limit: HTTP 200, x-ratelimit-reset in epoch seconds.
      const reset = Number(headerValue(err.headers, "x-ratelimit-reset"));
      return new GithubError("rate_limited", message, {
        resetAt: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined,
      });
    }
    return new GithubError("invalid", message);
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
  if (status === 401) return new GithubError("forbidden", message, { status });
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
