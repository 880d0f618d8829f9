/**
 * Per-token budgets and counters. Each distinct token is its own user: a primary budget per
 * resource ("graphql" points, "core" REST requests) over a window that starts at the token's
 * first request, secondary limits (concurrent requests, points per minute), and violations:
 * requests made while the token's budget was known exhausted (the last answer said remaining 0,
 * and the window had not reset) or before a `retry-after` given to it had expired.
 */

export type Resource = "graphql" | "core";

export interface LimitOptions {
  /** GraphQL points per window (GitHub: 5,000/hour for a user). */
  limit: number;
  /** REST ("core") requests per window (GitHub: 5,000/hour). */
  restLimit: number;
  windowSeconds: number;
  /** Concurrent requests per token before secondary-limit answers (GitHub: 100). */
  maxConcurrent: number;
  /** Points per rolling minute per token (GitHub: 2,000 for GraphQL). Each GraphQL query counts
   * its cost, each REST request 1 (`secondaryPoints: "query_cost"`). */
  pointsPerMinute: number;
  /** How requests count against the per-minute secondary limit. "query_cost" (default, the
   * simulator's first reading): one shared bucket of `pointsPerMinute`, a query counting its
   * primary cost and a REST request 1. "documented": GitHub's published table ("GraphQL requests
   * without mutations: 1", "Most REST API GET, HEAD, and OPTIONS requests: 1"; "For GraphQL
   * requests, these point values are separate from the point value calculations for the primary
   * rate limit"), with separate buckets: GraphQL `pointsPerMinute`, REST `restPointsPerMinute`. */
  secondaryPoints: "query_cost" | "documented";
  /** REST points per rolling minute in "documented" mode (GitHub: 900). */
  restPointsPerMinute: number;
  /** The `retry-after` given with secondary-limit answers when no better value is known. */
  secondaryRetryAfterSeconds: number;
}

export const LIMIT_DEFAULTS: LimitOptions = {
  limit: 5000,
  restLimit: 5000,
  windowSeconds: 3600,
  maxConcurrent: 100,
  pointsPerMinute: 2000,
  secondaryPoints: "query_cost",
  restPointsPerMinute: 900,
  secondaryRetryAfterSeconds: 60,
};

export interface CounterSet {
  requests: { total: number; graphql: number; rest: number };
  /** Answers by outcome: ok, invalid, rate_limited, secondary_limited, fault_502, … */
  outcomes: Record<string, number>;
  pointsSpent: number;
  nodesServed: number;
  violations: { total: number; primary: number; secondary: number };
}

export function emptyCounters(): CounterSet {
  return {
    requests: { total: 0, graphql: 0, rest: 0 },
    outcomes: {},
    pointsSpent: 0,
    nodesServed: 0,
    violations: { total: 0, primary: 0, secondary: 0 },
  };
}

interface Budget {
  used: number;
  resetAt: number;
  /** resetAt of the window in which an answer reported remaining 0 (0 = not exhausted). */
  knownExhaustedUntil: number;
}

export class TokenState {
  readonly budgets: Record<Resource, Budget>;
  inFlight = 0;
  retryUntil = 0;
  minute: { at: number; points: number }[] = [];
  /** The REST bucket of `secondaryPoints: "documented"`. */
  minuteRest: { at: number; points: number }[] = [];
  readonly counters = emptyCounters();
  constructor(readonly userId: number, now: number, windowMs: number) {
    const fresh = () => ({ used: 0, resetAt: now + windowMs, knownExhaustedUntil: 0 });
    this.budgets = { graphql: fresh(), core: fresh() };
  }
}

export interface BudgetView {
  limit: number;
  used: number;
  remaining: number;
  /** ms since epoch */
  resetAt: number;
  resource: Resource;
}

export class Limits {
  private tokens = new Map<string, TokenState>();
  /** Counters of tokens GitHub never accepted: no user, no budget, only what they asked. */
  private refused = new Map<string, CounterSet>();
  readonly totals = emptyCounters();
  constructor(public options: LimitOptions, private clock: () => number) {}

  reset() {
    this.tokens.clear();
    this.refused.clear();
    Object.assign(this.totals, emptyCounters());
  }

  /** Counts a request refused with 401 for its credentials, under its token (a revoked token
   * keeps its counters), charging nothing: an unauthenticated request is not the user's. */
  unauthorized(token: string, api: "graphql" | "rest") {
    let counters = this.tokens.get(token)?.counters ?? this.refused.get(token);
    if (!counters) this.refused.set(token, counters = emptyCounters());
    for (const c of [this.totals, counters]) {
      c.requests.total++;
      c.requests[api]++;
      c.outcomes.unauthorized = (c.outcomes.unauthorized ?? 0) + 1;
    }
  }

  refusedEntries(): [string, CounterSet][] {
    return [...this.refused.entries()];
  }

  state(token: string): TokenState {
    let s = this.tokens.get(token);
    if (!s) {
      s = new TokenState(this.tokens.size + 1, this.clock(), this.options.windowSeconds * 1000);
      this.tokens.set(token, s);
    }
    return s;
  }

  entries(): [string, TokenState][] {
    return [...this.tokens.entries()];
  }

  private limitOf(resource: Resource) {
    return resource === "graphql" ? this.options.limit : this.options.restLimit;
  }

  /** The budget as of now, rolling the window over when it has ended. */
  budget(s: TokenState, resource: Resource): BudgetView {
    const b = s.budgets[resource];
    const now = this.clock();
    if (now >= b.resetAt) {
      b.used = 0;
      b.resetAt = now + this.options.windowSeconds * 1000;
    }
    const limit = this.limitOf(resource);
    return {
      limit,
      used: b.used,
      remaining: Math.max(0, limit - b.used),
      resetAt: b.resetAt,
      resource,
    };
  }

  /** Spends points if they fit; false when the budget cannot pay (primary limit). */
  spend(s: TokenState, resource: Resource, points: number): boolean {
    const view = this.budget(s, resource);
    if (points > view.remaining) return false;
    s.budgets[resource].used += points;
    this.count(s, (c) => (c.pointsSpent += resource === "graphql" ? points : 0));
    return true;
  }

  /** Remember what the answer told the client, so later requests can be judged. */
  answered(s: TokenState, resource: Resource) {
    const view = this.budget(s, resource);
    s.budgets[resource].knownExhaustedUntil = view.remaining === 0 ? view.resetAt : 0;
  }

  /** Records and returns the violation a request commits by arriving now, if any. */
  violation(s: TokenState, resource: Resource): "primary" | "secondary" | null {
    const now = this.clock();
    let kind: "primary" | "secondary" | null = null;
    if (s.retryUntil > now) kind = "secondary";
    else if (s.budgets[resource].knownExhaustedUntil > now) kind = "primary";
    if (kind) {
      this.count(s, (c) => {
        c.violations.total++;
        c.violations[kind!]++;
      });
    }
    return kind;
  }

  /** Secondary points-per-minute check of a request (`queryCost`: a GraphQL query's primary
   * cost; undefined for REST); returns retry-after seconds when over the cap. */
  takeMinutePoints(s: TokenState, queryCost?: number): number | null {
    const now = this.clock();
    const documented = this.options.secondaryPoints === "documented";
    const rest = documented && queryCost === undefined;
    const points = documented || queryCost === undefined ? 1 : Math.max(1, queryCost);
    const cap = rest ? this.options.restPointsPerMinute : this.options.pointsPerMinute;
    const bucket = (rest ? s.minuteRest : s.minute).filter((m) => m.at > now - 60_000);
    if (rest) s.minuteRest = bucket;
    else s.minute = bucket;
    const used = bucket.reduce((a, m) => a + m.points, 0);
    if (used + points > cap) {
      const oldest = bucket[0]?.at ?? now;
      return Math.max(
        1,
        Math.min(
          this.options.secondaryRetryAfterSeconds,
          Math.ceil((oldest + 60_000 - now) / 1000),
        ),
      );
    }
    bucket.push({ at: now, points });
    return null;
  }

  giveRetryAfter(s: TokenState, seconds: number) {
    s.retryUntil = Math.max(s.retryUntil, this.clock() + seconds * 1000);
  }

  /** Applies a counter update to the token's counters and the totals. */
  count(s: TokenState | null, update: (c: CounterSet) => void) {
    update(this.totals);
    if (s) update(s.counters);
  }

  outcome(s: TokenState | null, outcome: string) {
    this.count(s, (c) => (c.outcomes[outcome] = (c.outcomes[outcome] ?? 0) + 1));
  }
}
