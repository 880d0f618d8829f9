// The worker's GitHub client: one GraphQL request through @octokit/graphql, with its outcome
// classified so the worker can decide between retrying, waiting, pausing the token and failing.
import { graphql } from "npm:@octokit/graphql@9.0.5";

export interface RateLimitInfo {
  cost: number;
  remaining: number;
  resetAt: string;
  limit: number;
}

/**
 * What a failed GitHub request means, for the worker to decide between retrying, waiting,
 * disabling a token, failing one data type and failing the repository. Every GithubError carries
 * exactly one of these.
 */
export type GithubErrorKind =
  /** The repository is missing or invisible to the token (GraphQL NOT_FOUND on `repository`,
   * REST 404). */
  | "not_found"
  /** An item a lookup named does not resolve any more: `node(id:)`, `nodes(ids:)` or
   * `repository.pullRequest(number:)` answered null with NOT_FOUND on that path (deleted since a
   * page listed it). `details.data` holds the rest of the answer, `details.paths` the missing
   * paths; fetchers drop those items and go on. */
  | "item_not_found"
  /** The token may not read this repository or resource (GraphQL FORBIDDEN, a REST 403 that is
   * no rate limit, e.g. SAML enforcement or an App without the permission). */
  | "forbidden"
  /** GitHub rejected the credential itself (HTTP 401 "Bad credentials": revoked, expired or
   * mistyped): every request with this token fails the same way until it is replaced. */
  | "bad_credentials"
  /** A classic token lacks an OAuth scope a field needs (GraphQL INSUFFICIENT_SCOPES, HTTP 200
   * without data); `details.scopes` names the field and the scopes needed and held. */
  | "insufficient_scopes"
  /** 403/429 secondary limit; retryAfterSeconds set when GitHub sent retry-after. */
  | "secondary"
  /** Primary limit exhausted; resetAt set. */
  | "rate_limited"
  /** 5xx, timeouts (also GitHub's HTTP 200 ones), network errors, unparsable bodies: worth
   * another try with a smaller page. */
  | "transient"
  /** The answer parsed but is not what the reader of that endpoint can read (an object for a
   * list, weeks without days, a 202 Accepted while GitHub computes it: `details.status`);
   * `details.excerpt` holds its start. Only the data type that reads it can fail. */
  | "unreadable"
  /** The query itself was refused: parse or validation errors, GitHub's query limits
   * (MAX_NODE_LIMIT_EXCEEDED, ARGUMENT_LIMIT, …): a bug in the worker, retrying cannot help. */
  | "invalid";

/** Scopes GitHub reported missing (INSUFFICIENT_SCOPES). */
export interface ScopeShortfall {
  /** The field that needs them, e.g. "discussions". */
  field: string | null;
  /** One of these is needed. */
  required: string[];
  /** What the token holds. */
  granted: string[];
}

export interface GithubErrorDetails {
  status?: number;
  retryAfterSeconds?: number;
  resetAt?: string;
  scopes?: ScopeShortfall;
  /** item_not_found: the answer's data (the items that resolved) and the paths that did not. */
  data?: unknown;
  paths?: (string | number)[][];
  /** unreadable: the first characters of the answer. */
  excerpt?: string;
}

export class GithubError extends Error {
  constructor(
    readonly kind: GithubErrorKind,
    message: string,
    readonly details: GithubErrorDetails = {},
  ) {
    super(message);
    this.name = "GithubError";
  }
}

/** The first ~200 characters of an answer, for messages about answers nobody can read. */
export function excerptOf(value: unknown, max = 200): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
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
// ARGUMENT_LIMIT: "You may not provide more than 100 node ids; you provided 101." (nodes(ids:)).
const QUERY_REFUSED_TYPES = new Set([
  "MAX_NODE_LIMIT_EXCEEDED", "EXCESSIVE_PAGINATION", "MISSING_PAGINATION_BOUNDARIES", "ARGUMENT_LIMIT",
]);
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

// GitHub's INSUFFICIENT_SCOPES wording: "Your token has not been granted the required scopes to
// execute this query. The 'discussions' field requires one of the following scopes: ['public_repo',
// 'repo'], but your token has only been granted the: ['read:org'] scopes. Please modify …".
const SCOPES_WORDING = /The '([^']+)' field requires one of the following scopes: \[([^\]]*)\], but your token has only been granted the: \[([^\]]*)\] scopes/;

/** The field and scopes an INSUFFICIENT_SCOPES message names (empty lists when it names none). */
export function parseScopeShortfall(message: string): ScopeShortfall {
  const m = SCOPES_WORDING.exec(message);
  const list = (text: string | undefined) => [...(text ?? "").matchAll(/'([^']+)'/g)].map((x) => x[1]);
  return { field: m?.[1] ?? null, required: list(m?.[2]), granted: list(m?.[3]) };
}

/** Whether a NOT_FOUND error is about the repository itself (path ["repository"], or none). */
function isRepositoryNotFound(e: GraphqlErrorEntry): boolean {
  return !Array.isArray(e.path) || e.path.length === 0 || (e.path.length === 1 && e.path[0] === "repository");
}

function classifyGraphqlErrors(errors: GraphqlErrorEntry[], message: string, headers: unknown, data: unknown): GithubError {
  const types = errors.map((x) => x.type ?? "");
  const notFound = errors.filter((x) => x.type === "NOT_FOUND");
  if (notFound.some(isRepositoryNotFound)) return new GithubError("not_found", message);
  if (notFound.length > 0 && notFound.length === errors.length) {
    return new GithubError("item_not_found", message, { data, paths: notFound.map((x) => x.path as (string | number)[]) });
  }
  if (types.includes("INSUFFICIENT_SCOPES")) {
    const first = errors.find((x) => x.type === "INSUFFICIENT_SCOPES")!;
    return new GithubError("insufficient_scopes", message, { scopes: parseScopeShortfall(first.message ?? "") });
  }
  if (types.includes("FORBIDDEN")) return new GithubError("forbidden", message);
  if (types.includes("RATE_LIMITED")) {
    // GraphQL's primary limit: HTTP 200, x-ratelimit-reset in epoch seconds.
    const reset = Number(headerValue(headers, "x-ratelimit-reset"));
    return new GithubError("rate_limited", message, {
      resetAt: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined,
    });
  }
  if (errors.some(isDocumentError)) return new GithubError("invalid", message);
  // A NOT_FOUND beside other errors, timeouts, INTERNAL, SERVICE_UNAVAILABLE, any other type and
  // errors without one: worth another try with a smaller page (the worker halves it), and a
  // bounded number of attempts.
  return new GithubError("transient", message);
}

export function classifyGithubError(e: unknown): GithubError {
  if (e instanceof GithubError) return e;
  const err = e as {
    name?: string;
    message?: string;
    status?: number;
    errors?: GraphqlErrorEntry[];
    data?: unknown;
    response?: { headers?: unknown; data?: unknown };
    headers?: unknown;
  };
  const message = err?.message ?? String(e);
  if (Array.isArray(err?.errors) && err.errors.length > 0) return classifyGraphqlErrors(err.errors, message, err.headers, err.data);
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
  // GitHub: "Authenticating with invalid credentials will initially return a 401 Unauthorized".
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
