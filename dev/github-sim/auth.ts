/**
 * Credentials: which tokens GitHub accepts, what each may see, and which scopes it holds.
 *
 * - Any token is accepted and is its own user, except `invalidTokens`/`forbiddenTokens`, tokens
 *   revoked at runtime (`POST /_sim/tokens/revoke`) and tokens past `revokeAfterRequests`: those
 *   get GitHub's 401 "Bad credentials" on REST and GraphQL alike. GitHub: "Authenticating with
 *   invalid credentials will initially return a 401 Unauthorized response" (docs "Authenticating
 *   to the REST API", "Failed login limit").
 * - Private repositories are visible to tokens listed in their `visibleTo`, and to GitHub App
 *   installation tokens of an installation that holds them: tokens listed in
 *   `installations[id].tokens`, or shaped `ghs_<id>` / `ghs_<id>_<anything>`. Everyone else gets
 *   GitHub's NOT_FOUND / 404, as for a repository that does not exist.
 * - `tokenScopes` makes a token a classic PAT with those OAuth scopes: REST answers carry
 *   `x-oauth-scopes` and `x-accepted-oauth-scopes` ("X-OAuth-Scopes lists the scopes your token
 *   has authorized. X-Accepted-OAuth-Scopes lists the scopes that the action checks for.", docs
 *   "Scopes for OAuth apps"); private repositories need `repo` ("Access tokens require the repo
 *   scope for private repositories and the public_repo scope for public repositories", docs
 *   "Using the GraphQL API for Discussions"); discussions need one of `discussionScopes`
 *   (scopes.ts). Tokens not listed hold every scope.
 */
import type { RepoEntry } from "./dataset.ts";

export interface Installation {
  /** "owner/name" of the repositories the installation was granted. */
  repos: string[];
  /** Installation tokens (besides any `ghs_<id>` / `ghs_<id>_…` token). */
  tokens?: string[];
}

export interface AuthOptions {
  /** Tokens that answer 401 from their (N+1)-th request on: revoked mid-job. */
  revokeAfterRequests: Record<string, number>;
  /** Classic PATs and their OAuth scopes (tokens not listed hold every scope). */
  tokenScopes: Record<string, string[]>;
  /** Any one of these scopes lets a classic PAT read discussions. Default: GitHub's documented
   * ["public_repo", "repo"]; ["read:discussion"] is the other reading. */
  discussionScopes: string[];
  /** Whether a query refused for INSUFFICIENT_SCOPES costs its points (default false: GUESS,
   * the check is static, like a validation error). */
  chargeInsufficientScopes: boolean;
  /** GitHub App installations by id. */
  installations: Record<string, Installation>;
}

export const AUTH_DEFAULTS: AuthOptions = {
  revokeAfterRequests: {},
  tokenScopes: {},
  discussionScopes: ["public_repo", "repo"],
  chargeInsufficientScopes: false,
  installations: {},
};

export const BAD_CREDENTIALS = (api: "rest" | "graphql") => ({
  message: "Bad credentials",
  documentation_url: `https://docs.github.com/${api}`,
  status: "401",
});

export class Auth {
  /** Tokens answered 401 whatever their requests (invalidTokens/forbiddenTokens). */
  invalid = new Set<string>();
  /** Tokens revoked at runtime (POST /_sim/tokens/revoke, revokeAfterRequests). */
  readonly revoked = new Set<string>();
  private served = new Map<string, number>();

  constructor(public options: AuthOptions) {}

  /** Whether GitHub accepts the token for this request; counts the requests it serves. */
  accepts(token: string): boolean {
    if (this.invalid.has(token) || this.revoked.has(token)) return false;
    const limit = this.options.revokeAfterRequests[token];
    const served = this.served.get(token) ?? 0;
    if (limit !== undefined && served >= limit) {
      this.revoked.add(token);
      return false;
    }
    this.served.set(token, served + 1);
    return true;
  }

  revoke(token: string) {
    this.revoked.add(token);
  }

  /** Forgets runtime revocations and served counts (POST /_sim/reset). */
  reset() {
    this.revoked.clear();
    this.served.clear();
  }

  /** The OAuth scopes of a classic PAT listed in tokenScopes; null for any other token. */
  scopesOf(token: string): string[] | null {
    return Object.hasOwn(this.options.tokenScopes, token) ? this.options.tokenScopes[token] : null;
  }

  /** The installation a token belongs to, if any. */
  installationOf(token: string): Installation | null {
    const installations = this.options.installations;
    for (const installation of Object.values(installations)) {
      if (installation.tokens?.includes(token)) return installation;
    }
    const id = /^ghs_(\d+)(?:_.*)?$/.exec(token)?.[1];
    return id !== undefined && Object.hasOwn(installations, id) ? installations[id] : null;
  }

  /** Whether a token may see a repository. */
  canSee(entry: RepoEntry, token: string): boolean {
    if (!entry.spec.private) return true;
    const scopes = this.scopesOf(token);
    if (scopes && !scopes.includes("repo")) return false;
    if (entry.spec.visibleTo.includes(token)) return true;
    const names = [`${entry.owner}/${entry.name}`, ...entry.spec.formerNames]
      .map((n) => n.toLowerCase());
    const granted = this.installationOf(token)?.repos ?? [];
    return granted.some((r) => names.includes(r.toLowerCase()));
  }

  /** `x-oauth-scopes` / `x-accepted-oauth-scopes` for a classic PAT's answers (none otherwise). */
  scopeHeaders(token: string, accepted: string): Record<string, string> {
    const scopes = this.scopesOf(token);
    return scopes
      ? { "x-oauth-scopes": scopes.join(", "), "x-accepted-oauth-scopes": accepted }
      : {};
  }
}
