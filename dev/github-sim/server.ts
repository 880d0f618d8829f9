/**
 * The simulator: authentication, latency and faults, limits and headers, dispatch to GraphQL,
 * REST (rest_routes.ts) and the control endpoints (control.ts). Usable in-process (`sim.fetch`)
 * or over HTTP (`sim.listen`).
 */
import { Dataset, type DatasetOptions } from "./dataset.ts";
import {
  type CounterSet,
  LIMIT_DEFAULTS,
  type LimitOptions,
  Limits,
  type Resource,
  type TokenState,
} from "./limits.ts";
import {
  badGateway,
  FAULT_DEFAULTS,
  type FaultOptions,
  Faults,
  gatewayTimeout,
  timeoutError,
  truncate,
} from "./faults.ts";
import { type GraphqlEnv, type GraphqlRequest, runGraphql } from "./graphql.ts";
import { restAnswer } from "./rest_routes.ts";
import { notFound } from "./rest.ts";
import { STAR_HISTORY_DEFAULTS, type StarHistoryOptions } from "./star_history.ts";
import { LIST_DEFAULTS, type ListOptions } from "./rest_lists.ts";
import { Auth, AUTH_DEFAULTS, type AuthOptions, BAD_CREDENTIALS } from "./auth.ts";
import {
  deleteItem,
  deleteOnFollowUp,
  type DeleteTarget,
  DELETION_DEFAULTS,
  deletionCounts,
  type DeletionOptions,
  type DeletionRecord,
} from "./deletions.ts";
import { control } from "./control.ts";
import { truth, type TruthQuery, type TruthResult } from "./truth.ts";

type Behaviour = StarHistoryOptions & ListOptions & DeletionOptions;
const BEHAVIOUR_DEFAULTS: Behaviour = {
  ...STAR_HISTORY_DEFAULTS,
  ...LIST_DEFAULTS,
  ...DELETION_DEFAULTS,
};

export interface SimulatorOptions
  extends
    DatasetOptions,
    Partial<LimitOptions>,
    Partial<FaultOptions>,
    Partial<Behaviour>,
    Partial<AuthOptions> {
  /** Tokens answered with 401 Bad credentials. */
  invalidTokens?: string[];
  /** Alias of invalidTokens. */
  forbiddenTokens?: string[];
  /** Time source for limits and windows (ms since epoch); defaults to Date.now. */
  clock?: () => number;
  /** Deepest page the repository-wide comment lists serve; deeper pages answer GitHub's 422
   * "pagination is limited for this resource" (default: no limit; null lifts it). */
  maxRestPage?: number | null;
}

export interface CountersSnapshot extends CounterSet {
  /** Per token; `userId` is null for a token GitHub never accepted (401 only). */
  tokens: Record<string, CounterSet & { userId: number | null }>;
  /** Items deleted at runtime, children included (see deletions()). */
  deleted: ReturnType<typeof deletionCounts>;
}

export interface Simulator {
  fetch(input: Request | URL | string, init?: RequestInit): Promise<Response>;
  listen(options?: { port?: number; hostname?: string }): { url: string; close(): Promise<void> };
  truth(query: TruthQuery): TruthResult;
  counters(): CountersSnapshot;
  configure(options: Partial<SimulatorOptions>): void;
  reset(): void;
  /** Deletes an item (and its children) now, as POST /_sim/delete does. */
  deleteItem(target: DeleteTarget): DeletionRecord;
  /** Every deletion so far, oldest first. */
  deletions(): DeletionRecord[];
  /** Revokes a token now: every later request with it answers 401 Bad credentials. */
  revokeToken(token: string): void;
  readonly dataset: Dataset;
}

const SECONDARY_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ";
const DOCS = {
  graphqlLimits:
    "https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api",
  auth:
    "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
};

function pick<T extends object>(source: Partial<SimulatorOptions>, defaults: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const v = (source as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as Partial<T>;
}

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  let dataset = new Dataset(options);
  const clock = options.clock ?? Date.now;
  const limits = new Limits({ ...LIMIT_DEFAULTS, ...pick(options, LIMIT_DEFAULTS) }, clock);
  const faults = new Faults({ ...FAULT_DEFAULTS, ...pick(options, FAULT_DEFAULTS) });
  const behaviour: Behaviour = { ...BEHAVIOUR_DEFAULTS, ...pick(options, BEHAVIOUR_DEFAULTS) };
  const auth = new Auth({ ...AUTH_DEFAULTS, ...pick(options, AUTH_DEFAULTS) });
  auth.invalid = new Set([...(options.invalidTokens ?? []), ...(options.forbiddenTokens ?? [])]);
  let maxRestPage = options.maxRestPage ?? Infinity;
  const hangs = new Set<() => void>();
  let requestSeq = 0;

  const sleep = (ms: number, signal: AbortSignal | null) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        hangs.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      hangs.add(done);
      signal?.addEventListener("abort", done);
    });

  const headersFor = (state: TokenState, resource: Resource, requestId: string) => {
    const b = limits.budget(state, resource);
    return {
      "x-ratelimit-limit": String(b.limit),
      "x-ratelimit-remaining": String(b.remaining),
      "x-ratelimit-used": String(b.used),
      "x-ratelimit-reset": String(Math.floor(b.resetAt / 1000)),
      "x-ratelimit-resource": resource,
      "x-github-request-id": requestId,
    };
  };

  const beforeLookup = (id: string) =>
    deleteOnFollowUp(dataset, behaviour.deleteOnFollowUp, id, clock());

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/_sim/")) return control(req, url, controlApi);

    const isGraphql = url.pathname === "/graphql";
    const resource: Resource = isGraphql ? "graphql" : "core";
    const requestId = `SIM${
      (++requestSeq).toString(16).toUpperCase().padStart(6, "0")
    }:${resource}`;
    if (isGraphql && req.method !== "POST") return notFound();

    const authorization = req.headers.get("authorization") ?? "";
    const token = /^(bearer|token)\s+(\S+)$/i.exec(authorization.trim())?.[2];
    if (!token) {
      limits.outcome(null, "unauthorized");
      return json({ message: "Requires authentication", documentation_url: DOCS.auth }, 401);
    }
    if (!auth.accepts(token)) {
      // No user behind it: counted under the token, charged to no budget.
      limits.unauthorized(token, isGraphql ? "graphql" : "rest");
      return json(BAD_CREDENTIALS(isGraphql ? "graphql" : "rest"), 401);
    }

    const state = limits.state(token);
    limits.count(state, (c) => {
      c.requests.total++;
      c.requests[isGraphql ? "graphql" : "rest"]++;
    });
    limits.violation(state, resource);
    const secondary = (retryAfter: number) => {
      limits.giveRetryAfter(state, retryAfter);
      limits.outcome(state, "secondary_limited");
      return json(
        {
          message: SECONDARY_MESSAGE + requestId + ".",
          documentation_url: DOCS.graphqlLimits + "#secondary-rate-limits",
        },
        403,
        { ...headersFor(state, resource, requestId), "retry-after": String(retryAfter) },
      );
    };

    state.inFlight++;
    try {
      if (state.inFlight > limits.options.maxConcurrent) {
        return secondary(limits.options.secondaryRetryAfterSeconds);
      }
      await sleep(faults.latency(), req.signal);
      const fault = faults.draw();
      if (fault === "502") {
        limits.outcome(state, "fault_502");
        return badGateway(requestId);
      }
      if (fault === "504") {
        limits.outcome(state, "fault_504");
        return gatewayTimeout();
      }
      if (fault === "hang") {
        limits.outcome(state, "fault_hang");
        await sleep(faults.options.maxHangMs, req.signal);
        return gatewayTimeout();
      }
      if (fault === "secondary") return secondary(limits.options.secondaryRetryAfterSeconds);
      if (fault === "timeout_error" && isGraphql) {
        limits.outcome(state, "fault_timeout_error");
        return timeoutError(requestId, headersFor(state, "graphql", requestId));
      }

      const response = isGraphql
        ? await graphql(req, token, state, requestId, secondary)
        : restAnswer(req, url, {
          dataset,
          limits,
          auth,
          token,
          state,
          requestId,
          options: behaviour,
          maxRestPage,
          headersFor: (r) => headersFor(state, r, requestId),
          secondary,
          beforeLookup,
        });
      if (fault === "malformed") {
        limits.outcome(state, "fault_malformed");
        return truncate(response);
      }
      return response;
    } finally {
      state.inFlight--;
    }
  }

  async function graphql(
    req: Request,
    token: string,
    state: TokenState,
    requestId: string,
    secondary: (retryAfter: number) => Response,
  ): Promise<Response> {
    let body: GraphqlRequest;
    try {
      body = await req.json();
    } catch {
      limits.outcome(state, "bad_request");
      return json({
        message: "Problems parsing JSON",
        documentation_url: "https://docs.github.com/graphql",
      }, 400);
    }
    const env: GraphqlEnv = {
      canSee: (entry) => auth.canSee(entry, token),
      beforeLookup,
      scopes: auth.scopesOf(token),
      discussionScopes: auth.options.discussionScopes,
      chargeInsufficientScopes: auth.options.chargeInsufficientScopes,
    };
    const outcome = runGraphql(dataset, limits, token, state, body, requestId, env);
    if (outcome.kind === "secondary") return secondary(outcome.retryAfter);
    limits.answered(state, "graphql");
    const headers = { ...headersFor(state, "graphql", requestId), ...auth.scopeHeaders(token, "") };
    if (outcome.kind === "bad_request") {
      limits.outcome(state, "bad_request");
      return json(outcome.body, 400, headers);
    }
    if (outcome.kind === "ok") {
      limits.count(state, (c) => (c.nodesServed += outcome.nodes));
    }
    limits.outcome(state, outcome.kind);
    return json(outcome.body, 200, headers);
  }

  function counters(): CountersSnapshot {
    const tokens: CountersSnapshot["tokens"] = {};
    for (const [token, state] of limits.entries()) {
      tokens[token] = { ...structuredClone(state.counters), userId: state.userId };
    }
    for (const [token, c] of limits.refusedEntries()) {
      tokens[token] = { ...structuredClone(c), userId: null };
    }
    return { ...structuredClone(limits.totals), tokens, deleted: deletionCounts(dataset) };
  }

  function configure(partial: Partial<SimulatorOptions>) {
    Object.assign(limits.options, pick(partial, LIMIT_DEFAULTS));
    const faultPart = pick(partial, FAULT_DEFAULTS);
    Object.assign(faults.options, faultPart);
    if (faultPart.faultSeed !== undefined) faults.reseed();
    Object.assign(behaviour, pick(partial, BEHAVIOUR_DEFAULTS));
    Object.assign(auth.options, pick(partial, AUTH_DEFAULTS));
    if (partial.maxRestPage !== undefined) maxRestPage = partial.maxRestPage ?? Infinity;
    if (partial.invalidTokens || partial.forbiddenTokens) {
      auth.invalid = new Set([
        ...(partial.invalidTokens ?? []),
        ...(partial.forbiddenTokens ?? []),
      ]);
    }
    if (partial.seed !== undefined || partial.now !== undefined || partial.repos !== undefined) {
      options = { ...options, ...partial };
      dataset = new Dataset(options);
    }
  }

  function reset() {
    limits.reset();
    faults.reseed();
    auth.reset();
  }

  const controlApi = {
    counters,
    reset,
    configure: (o: Record<string, unknown>) => configure(o as Partial<SimulatorOptions>),
    truth: (query: TruthQuery) => truth(dataset, query),
    deleteItem: (target: DeleteTarget) => deleteItem(dataset, target, clock()),
    deletions: () => ({ deleted: deletionCounts(dataset), items: dataset.deletions }),
    revokeToken: (token: string) => auth.revoke(token),
  };

  async function simFetch(input: Request | URL | string, init?: RequestInit): Promise<Response> {
    const req = input instanceof Request && !init ? input : new Request(input, init);
    const signal = req.signal;
    if (signal.aborted) {
      throw signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
    }
    // Like a real fetch, give up as soon as the caller aborts.
    return await new Promise<Response>((resolve, reject) => {
      const onAbort = () =>
        reject(signal.reason ?? new DOMException("The operation was aborted.", "AbortError"));
      signal.addEventListener("abort", onAbort, { once: true });
      handle(req).then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  return {
    fetch: simFetch,
    listen({ port = 0, hostname = "127.0.0.1" } = {}) {
      const server = Deno.serve(
        { port, hostname, onListen: () => {} },
        (req) =>
          handle(req).catch((error) => json({ message: `Simulator error: ${error.message}` }, 500)),
      );
      const addr = server.addr as Deno.NetAddr;
      return {
        url: `http://${hostname}:${addr.port}`,
        async close() {
          for (const wake of [...hangs]) wake();
          await server.shutdown();
        },
      };
    },
    truth: controlApi.truth,
    counters,
    configure,
    reset,
    deleteItem: controlApi.deleteItem,
    deletions: () => [...dataset.deletions],
    revokeToken: controlApi.revokeToken,
    get dataset() {
      return dataset;
    },
  };
}
