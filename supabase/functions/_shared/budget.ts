// The shared GitHub budget, kept in Postgres (engine.rate_limit_budgets) so every worker sees
// the same numbers: reserve a request's estimated cost before sending it, reconcile with what
// GitHub reported afterwards, pause a token for everyone after a secondary limit.
import type { RateLimitInfo } from "./github.ts";

/** Thrown by reserve() when the budget cannot cover the request; no request may be sent. */
export class BudgetWait extends Error {
  constructor(readonly until: number, reason: string) {
    super(reason);
    this.name = "BudgetWait";
  }
}

export interface Lease {
  tokenId: string;
  token: string;
}

export interface Budget {
  /** The token with the most headroom. */
  lease(): Promise<Lease>;
  /** Reserves `cost` points or throws BudgetWait. */
  reserve(tokenId: string, cost: number): Promise<void>;
  /** Releases the reservation and records what GitHub reported (null: no answer). */
  reconcile(tokenId: string, reserved: number, rateLimit: RateLimitInfo | null): Promise<void>;
  /** Secondary limit: no worker uses the token before `untilMs`. */
  pause(tokenId: string, untilMs: number): Promise<void>;
  /** Primary limit exhausted until `resetMs`. */
  exhausted(tokenId: string, resetMs: number): Promise<void>;
}

/** A budget that never refuses: for unit tests that are not about limits. */
export function unlimitedBudget(token = "test-token"): Budget {
  return {
    lease: () => Promise.resolve({ tokenId: "unlimited", token }),
    reserve: () => Promise.resolve(),
    reconcile: () => Promise.resolve(),
    pause: () => Promise.resolve(),
    exhausted: () => Promise.resolve(),
  };
}
