// GitHub requests of a task, each under the shared budget and inside the pass's time budget.
import { GithubError, type RateLimitInfo } from "../github/graphql.ts";
import { operationName, queryCost } from "../github/query_cost.ts";
import { type Budget, BudgetWait, type Reservation, secondaryPauseMs } from "./budget.ts";
import { heartbeat } from "./claims.ts";
import type { Answered } from "./fetchers/mod.ts";
import { type Claim, type Pass, TaskStop } from "./pass.ts";

// One GitHub request under a shared budget (GraphQL points or REST "core" requests). Limits
// answered by GitHub are recorded for every worker (pause / exhausted) and the request is tried
// again through reserve(), which then picks another token or throws BudgetWait: no request goes
// out while a token is known limited.
export async function underBudget<A extends { rateLimit: RateLimitInfo | null }>(
  pass: Pass,
  claim: Claim,
  pool: Budget,
  cost: number,
  send: (r: Reservation) => Promise<A>,
): Promise<A> {
  for (let limited = 0;; limited++) {
    const reservation = await reserveSoon(pass, claim, pool, cost);
    claim.lastTokenId = reservation.tokenId;
    pass.report.requests++;
    let answer: A;
    try {
      answer = await send(reservation);
    } catch (e) {
      const ge = e instanceof GithubError ? e : null;
      // The pause first: pause() blocks this isolate's other slots before its first await.
      // Whatever happens, the reservation is released (reconcile in finally).
      try {
        if (ge?.kind === "secondary") {
          await pool.pause(reservation.tokenId, pass.now() + secondaryPauseMs(reservation.tokenId, ge.details.retryAfterSeconds));
        }
      } finally {
        await pool.reconcile(reservation, null);
      }
      // A token problem, not the repository's: the token is set aside and the request goes to
      // another one (reserve() raises NoUsableToken when none is left).
      if (ge?.kind === "bad_credentials") {
        await pool.disable(reservation.tokenId, `GitHub answered 401 Bad credentials on ${new Date(pass.now()).toISOString()}: ` +
          "the token was revoked or has expired; replace it (supabase secrets set GITHUB_TOKEN=…, or update its Vault " +
          "secret), the new value is used from the next pass");
        if (limited >= 10) throw e;
        continue;
      }
      if (ge?.kind === "insufficient_scopes") {
        const type = claim.currentDataType ?? "this data type";
        const sc = ge.details.scopes;
        const why = sc
          ? `the '${sc.field ?? type}' field requires one of the scopes ${sc.required.join(", ")}; the token has ` +
            (sc.granted.length ? sc.granted.join(", ") : "none")
          : ge.message.split("\n").find((l) => /scope/i.test(l))?.replace(/^\s*-\s*/, "") ?? ge.message;
        await pool.deny(reservation.tokenId, type, `GitHub refused the token for ${type} (INSUFFICIENT_SCOPES: ${why}): ` +
          "grant the token that scope, or add a token that has it");
        if (limited >= 10) throw e;
        continue;
      }
      if (ge?.kind === "rate_limited") {
        const reset = ge.details.resetAt ? Date.parse(ge.details.resetAt) : NaN;
        await pool.exhausted(reservation.tokenId, Number.isFinite(reset) ? reset : pass.now() + 60_000);
      } else if (ge?.kind !== "secondary") {
        throw e;
      }
      if (limited >= 10) throw e;
      continue;
    }
    await pool.reconcile(reservation, answer.rateLimit);
    return answer;
  }
}

/** Waits this long at most inside a chunk for a reservation: a token at its concurrency cap
 * (max_concurrent_requests_per_token) frees a slot within one request's latency; longer waits
 * (a window's end, pacing) release the task instead (BudgetWait reaches failures.ts). */
const SHORT_WAIT_MS = 500;

async function reserveSoon(pass: Pass, claim: Claim, pool: Budget, cost: number): Promise<Reservation> {
  const started = pass.now();
  while (true) {
    try {
      return await pool.reserve(cost, claim.tokenScope ?? null, claim.currentDataType ?? null);
    } catch (e) {
      const wait = e instanceof BudgetWait ? e.until - pass.now() : Infinity;
      if (wait > SHORT_WAIT_MS || pass.now() - started + wait > 10 * SHORT_WAIT_MS || pass.now() + wait >= pass.deadline) {
        throw e;
      }
      await pass.sleep(Math.max(10, wait));
    }
  }
}

// Reserves GitHub's cost of the document actually sent (GitHub's formula over its connections);
// an estimate that differs from what GitHub charged is logged, as it skews the shared budget.
export async function graphqlRequest<T>(
  pass: Pass,
  claim: Claim,
  timeoutMs: number,
  doc: string,
  vars: Record<string, unknown>,
  cost?: number,
): Promise<Answered<T>> {
  const estimated = queryCost(doc, vars).points;
  const reserved = cost ?? estimated;
  const { data, rateLimit } = await underBudget(pass, claim, pass.budget, reserved, async (r) => {
    const data = await pass.githubFor(r).query<T>(doc, vars, timeoutMs);
    return { data, rateLimit: (data as { rateLimit?: RateLimitInfo }).rateLimit ?? null };
  });
  if (rateLimit && rateLimit.cost !== estimated) {
    console.warn(`GraphQL cost estimate off for ${operationName(doc)}: estimated ${estimated} points, GitHub charged ${rateLimit.cost}`);
  }
  return { data, points: rateLimit?.cost ?? reserved };
}

// REST requests draw on the REST budget, not GraphQL points: they add 0 to points_used.
export async function restRequest<T>(pass: Pass, claim: Claim, timeoutMs: number, path: string): Promise<Answered<T>> {
  const { data, next } = await underBudget(pass, claim, pass.restBudget, 1, (r) => pass.restFor(r).get<T>(path, timeoutMs));
  return { data, points: 0, next };
}

// Before each request of a task: a request after the first since the claim or the last commit
// (follow-up pages, retries) first renews the claim (heartbeat + visibility), and every request
// must fit in what is left of the time budget, keeping the commit's margin. Returns the
// request's timeout.
export async function beforeRequest(pass: Pass, claim: Claim): Promise<number> {
  const { config } = pass;
  // Short passes (tests, the soak) keep a proportionate margin.
  const left = pass.deadline - pass.now() - Math.min(config.commitMarginMs, config.timeBudgetMs / 4);
  if (left < Math.min(1_000, config.requestTimeoutMs)) throw new TaskStop("deadline");
  if ((claim.sentSinceCommit ?? 0) > 0) await heartbeat(pass, claim);
  else claim.chunkStartedAt = pass.now();
  claim.sentSinceCommit = (claim.sentSinceCommit ?? 0) + 1;
  return Math.min(config.requestTimeoutMs, left);
}
