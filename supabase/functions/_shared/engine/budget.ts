// The shared GitHub budget, kept in Postgres (engine.rate_limit_budgets) so every worker sees
// the same numbers: reserve a request's estimated cost before sending it, reconcile with what
// GitHub reported afterwards, pause a token for everyone after a secondary limit.
// SQL side: supabase/schemas/44_engine_budget_and_tokens.sql (tokens: 15_github_credentials.sql).
import type { Sql } from "../db.ts";
import type { RateLimitInfo } from "../github/graphql.ts";

/** Thrown by reserve() when the budget cannot cover the request; no request may be sent. */
export class BudgetWait extends Error {
  constructor(readonly until: number, reason: string) {
    super(reason);
    this.name = "BudgetWait";
  }
}

/** Points reserved on one token for one request. */
export interface Reservation {
  tokenId: string;
  token: string;
  reserved: number;
  /** The row of engine.budget_reservations (SQL budget only): released by id. */
  reservationId?: number | null;
}

export interface Budget {
  /** Reserves `cost` points on the token with the most headroom, or throws BudgetWait. The pool
   * is the platform's (public repositories) unless `workspaceId` names the workspace whose own
   * tokens must be used (its private repositories). */
  reserve(cost: number, workspaceId?: string | null, dataType?: string | null): Promise<Reservation>;
  /** Releases the reservation and records what GitHub reported (null: no answer). */
  reconcile(reservation: Reservation, rateLimit: RateLimitInfo | null): Promise<void>;
  /** Secondary limit: no worker uses the token before `untilMs`. Returns the pause's end. */
  pause(tokenId: string, untilMs: number): Promise<number>;
  /** Primary limit exhausted until `resetMs`. */
  exhausted(tokenId: string, resetMs: number): Promise<void>;
  /** GitHub refused the token's credentials (401): no worker leases it again. */
  disable(tokenId: string, reason: string): Promise<void>;
  /** GitHub refused the token a data type (a missing scope): it serves the others. */
  deny(tokenId: string, dataType: string, reason: string): Promise<void>;
}

/** No token is left that may make the request: every one disabled, refused the data type, or
 * (a private repository) the workspace has none. The message says which and what to do. */
export class NoUsableToken extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoUsableToken";
  }
}

/** The token id of an unlimited budget's reservations: no engine.github_tokens row, so no
 * workspace's (a private repository's chunk fetched with it is never stored). */
export const UNLIMITED_TOKEN_ID = "00000000-0000-0000-0000-000000000000";

/** A budget without a limit on points, for tests that are not about limits (and the REST pool
 * of in-process tests); it still honours what GitHub answered: after a secondary or primary
 * limit it refuses until the pause ends, as no request may reach GitHub inside a retry-after. */
export function unlimitedBudget(token = "test-token", now: () => number = Date.now): Budget {
  let blockedUntil = 0;
  return {
    reserve: (cost) =>
      blockedUntil > now()
        ? Promise.reject(new BudgetWait(blockedUntil, "the token is paused by a GitHub rate limit"))
        : Promise.resolve({ tokenId: UNLIMITED_TOKEN_ID, token, reserved: cost }),
    reconcile: () => Promise.resolve(),
    pause: (_t, until) => Promise.resolve(blockedUntil = Math.max(blockedUntil, until)),
    exhausted: (_t, reset) => Promise.resolve(void (blockedUntil = Math.max(blockedUntil, reset))),
    disable: (_t, reason) => Promise.reject(new NoUsableToken(reason)),
    deny: (_t, _type, reason) => Promise.reject(new NoUsableToken(reason)),
  };
}

// Pauses seen by this isolate, honoured at once: a request reserved just before another slot's
// pause was committed must not go out (it would reach GitHub inside the retry-after).
const localPauses = new Map<string, number>();
// Consecutive secondary limits per token, for the backoff when GitHub gives no retry-after.
const secondaryStrikes = new Map<string, number>();

/** How long to pause a token after a secondary limit: `retry-after` when GitHub gave one, else
 * exponential backoff with jitter (1 min, 2, 4 … capped at 15 min, ×0.75–1.25). */
export function secondaryPauseMs(tokenId: string, retryAfterSeconds: number | undefined, random = Math.random): number {
  const strikes = (secondaryStrikes.get(tokenId) ?? 0) + 1;
  secondaryStrikes.set(tokenId, strikes);
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return retryAfterSeconds * 1000;
  }
  const base = Math.min(15 * 60_000, 60_000 * 2 ** (strikes - 1));
  return Math.round(base * (0.75 + random() / 2));
}

export interface SqlBudgetOptions {
  /** The functions' GITHUB_TOKEN (or a test token): its row is labelled `envLabel`. */
  envToken?: string;
  /** Label of the env token's row; must start with "env:". */
  envLabel?: string;
  /** Points kept untouched on every token (default 1,000). */
  reserve?: number;
  /** Also lease the Vault tokens of engine.github_tokens (default true). */
  vaultTokens?: boolean;
  resource?: "graphql" | "core";
  now?: () => number;
}

/** A token's fingerprint: enough to tell a rotated value from the old one, useless to anyone else. */
async function fingerprint(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The GitHub tokens a budget leases, and their values. */
function tokenPool(sql: Sql, options: SqlBudgetOptions) {
  const envLabel = options.envLabel ?? "env:GITHUB_TOKEN";
  const useVault = options.vaultTokens ?? true;
  let pool: Promise<string[]> | null = null;
  let envTokenId: string | null = null;
  const secrets = new Map<string, string>();

  // The tokens this worker can use: its env token and (optionally) the Vault pool. Rows of
  // other env tokens belong to other deployments or tests and are never leased here.
  function tokenIds(): Promise<string[]> {
    pool ??= (async () => {
      const ids: string[] = [];
      if (options.envToken) {
        const [{ id }] = await sql<{ id: string }[]>`
          select engine.ensure_env_github_token(${envLabel}, ${await fingerprint(options.envToken)}) as id`;
        envTokenId = id;
        ids.push(id);
      }
      if (useVault) {
        // The platform's pool only: workspaces' own tokens serve their private repositories.
        const rows = await sql<{ id: string }[]>`
          select id from engine.github_tokens
          where enabled and vault_secret_id is not null and workspace_id is null order by id`;
        ids.push(...rows.map((r) => r.id));
      }
      if (ids.length === 0) {
        throw new Error("no GitHub token: set GITHUB_TOKEN in the function secrets or add a token to Vault and engine.github_tokens");
      }
      return ids;
    })().catch((e) => {
      pool = null;
      throw e;
    });
    return pool;
  }

  async function tokenValue(id: string): Promise<string> {
    if (id === envTokenId && options.envToken) return options.envToken;
    let v = secrets.get(id);
    if (!v) {
      const [{ secret }] = await sql<{ secret: string | null }[]>`select engine.github_token_secret(${id}) as secret`;
      if (!secret) throw new Error(`GitHub token ${id} has no readable Vault secret: fix or disable it in engine.github_tokens`);
      v = secret;
      secrets.set(id, v);
    }
    return v;
  }

  return { ids: tokenIds, value: tokenValue };
}

/** The budget in Postgres: engine.reserve_budget / reconcile_budget / pause_token. */
export function sqlBudget(sql: Sql, options: SqlBudgetOptions = {}): Budget {
  const reserveKept = options.reserve ?? 1000;
  const resource = options.resource ?? "graphql";
  const now = options.now ?? Date.now;
  const tokens = tokenPool(sql, options);

  const budget: Budget = {
    async reserve(cost, workspaceId = null, dataType = null) {
      // A workspace's pool is all of its enabled tokens, whose values are in Vault.
      const ids = workspaceId ? null : await tokens.ids();
      let r: { token_id: string | null; reserved: number; wait_until: Date | null; reason: string | null; reservation_id: string | null };
      try {
        [r] = await sql`
          select token_id, reserved, wait_until, reason, reservation_id
          from engine.reserve_budget(${Math.max(1, Math.ceil(cost))}, ${resource}, ${reserveKept}, ${ids}::uuid[],
            ${workspaceId}::uuid, ${dataType})`;
      } catch (e) {
        // P0002: no candidate token at all; the message says why.
        if ((e as { code?: string }).code === "P0002") throw new NoUsableToken((e as Error).message);
        throw e;
      }
      if (!r.token_id) {
        throw new BudgetWait(r.wait_until ? new Date(r.wait_until).getTime() : now() + 60_000, r.reason ?? "the GitHub budget is exhausted");
      }
      const reservation: Reservation = {
        tokenId: r.token_id, token: "", reserved: r.reserved,
        reservationId: r.reservation_id === null ? null : Number(r.reservation_id),
      };
      // From here on every way out without a sent request releases the reservation.
      try {
        const pausedUntil = localPauses.get(r.token_id) ?? 0;
        if (pausedUntil > now()) throw new BudgetWait(pausedUntil, "the token is paused by a GitHub secondary rate limit");
        reservation.token = await tokens.value(r.token_id);
        return reservation;
      } catch (e) {
        await budget.reconcile(reservation, null).catch(() => {});
        throw e;
      }
    },
    async reconcile(reservation, rl) {
      if (rl) secondaryStrikes.delete(reservation.tokenId);
      await sql`select engine.reconcile_budget(${reservation.tokenId}, ${reservation.reserved},
        ${rl?.cost ?? null}, ${rl?.remaining ?? null}, ${rl?.resetAt ?? null}, ${rl?.limit ?? null}, ${resource},
        ${reservation.reservationId ?? null})`;
    },
    async pause(tokenId, untilMs) {
      localPauses.set(tokenId, Math.max(localPauses.get(tokenId) ?? 0, untilMs));
      const [{ until }] = await sql<{ until: Date }[]>`
        select engine.pause_token(${tokenId}, ${new Date(untilMs).toISOString()}) as until`;
      const end = new Date(until).getTime();
      localPauses.set(tokenId, Math.max(localPauses.get(tokenId) ?? 0, end));
      return end;
    },
    async exhausted(tokenId, resetMs) {
      await sql`select engine.reconcile_budget(${tokenId}, 0, null, 0, ${new Date(resetMs).toISOString()}, null, ${resource})`;
    },
    async disable(tokenId, reason) {
      await sql`select engine.disable_token(${tokenId}, ${reason})`;
    },
    async deny(tokenId, dataType, reason) {
      await sql`select engine.deny_token_data_type(${tokenId}, ${dataType}, ${reason})`;
    },
  };
  return budget;
}
