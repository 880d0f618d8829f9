// The worker's GitHub REST client: one GET through fetch, its outcome classified exactly like
// GraphQL's (graphql.ts: 401 bad_credentials, 404 not_found, 403/429 with retry-after secondary,
// 403 with no requests left rate_limited, other 403 forbidden, 5xx/timeouts/bad bodies transient,
// 202 Accepted unreadable), and the REST budget read from the x-ratelimit-* headers (each request
// costs 1 of the "core" resource).
import { classifyGithubError, excerptOf, GithubError, type RateLimitInfo } from "./graphql.ts";

export interface RestAnswer<T> {
  data: T;
  /** From x-ratelimit-*; null when GitHub sent none. */
  rateLimit: RateLimitInfo | null;
  /** The Link header's rel="next" URL (absolute, as GitHub gives it); null on a list's last page. */
  next: string | null;
}

export interface RestClient {
  /** GETs `path` (below the API root, e.g. "/repos/o/r/stargazers/history?since=…"), or an
   * absolute URL on the API's origin (a Link header's next page). */
  get<T>(path: string, timeoutMs: number): Promise<RestAnswer<T>>;
}

export interface RestClientOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}

/** The REST budget as GitHub reports it on every answer. */
export function restRateLimit(headers: Headers): RateLimitInfo | null {
  const remaining = Number(headers.get("x-ratelimit-remaining"));
  const limit = Number(headers.get("x-ratelimit-limit"));
  const reset = Number(headers.get("x-ratelimit-reset"));
  if (headers.get("x-ratelimit-remaining") === null || !Number.isFinite(remaining)) return null;
  return {
    cost: 1,
    remaining,
    limit: Number.isFinite(limit) && limit > 0 ? limit : remaining,
    resetAt: new Date((Number.isFinite(reset) && reset > 0 ? reset : Date.now() / 1000 + 3600) * 1000).toISOString(),
  };
}

/** The rel="next" URL of a Link header, null when there is none. */
export function nextLink(header: string | null): string | null {
  for (const part of (header ?? "").split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return null;
}

export function createRestClient(options: RestClientOptions): RestClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  return {
    async get<T>(path: string, timeoutMs: number): Promise<RestAnswer<T>> {
      let url = base + path;
      if (/^https?:\/\//.test(path)) {
        // The token goes only to the API's own origin, whatever a Link header says.
        if (new URL(path).origin !== new URL(base).origin) {
          throw new GithubError("invalid", `GET ${path}: not on the GitHub API's origin ${new URL(base).origin}`);
        }
        url = path;
      }
      let res: Response;
      try {
        res = await doFetch(url, {
          headers: {
            authorization: `token ${options.token}`,
            accept: "application/vnd.github+json",
            "user-agent": "workspace-backfill-engine",
          },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new GithubError("transient", `GET ${path} failed: ${(e as Error).message}`);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        throw new GithubError("transient", `GET ${path}: reading the answer failed: ${(e as Error).message}`);
      }
      if (!res.ok) {
        let message = text.slice(0, 200);
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch { /* not JSON: keep the text */ }
        throw classifyGithubError({
          status: res.status,
          message: `GET ${path} answered ${res.status}: ${message}`,
          headers: Object.fromEntries(res.headers),
        });
      }
      if (res.status === 202) {
        // GitHub's statistics endpoints: "If the data hasn't been cached when you query a
        // repository's statistics, you'll receive a 202 response … Give the job a few moments to
        // complete, and then submit the request again."
        throw new GithubError("unreadable", `GET ${path} answered 202 Accepted: GitHub is still computing it (${excerptOf(text)}); try again in a few minutes`,
          { status: 202, excerpt: excerptOf(text) });
      }
      try {
        return { data: JSON.parse(text) as T, rateLimit: restRateLimit(res.headers), next: nextLink(res.headers.get("link")) };
      } catch {
        throw new GithubError("transient", `GET ${path} answered an unparsable body: ${text.slice(0, 100)}`);
      }
    },
  };
}
