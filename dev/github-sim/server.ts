/**
 * The simulator: routing, authentication, latency and faults, limits and headers, control
 * endpoints. Usable in-process (`sim.fetch`) or over HTTP (`sim.listen`).
 */
import { Dataset, type DatasetOptions, type RepoEntry } from "./dataset.ts";
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
import { type GraphqlRequest, runGraphql } from "./graphql.ts";
import { notFound, rateLimitBody, starHistory } from "./rest.ts";
import { LIST_KINDS, type ListKind, listPage, listParams } from "./rest_lists.ts";
import { truth, type TruthQuery, type TruthResult, type TruthType } from "./truth.ts";

export interface SimulatorOptions
  extends DatasetOptions, Partial<LimitOptions>, Partial<FaultOptions> {
  /** Tokens answered with 401 Bad credentials. */
  invalidTokens?: string[];
  /** Alias of invalidTokens. */
  forbiddenTokens?: string[];
  /** Time source for limits and windows (ms since epoch); defaults to Date.now. */
  clock?: () => number;
  /** Deepest page the repository-wide comment lists serve; deeper pages answer GitHub's 422
   * "pagination is limited for this resource" (default: no limit). */
  maxRestPage?: number;
}

export interface CountersSnapshot extends CounterSet {
  tokens: Record<string, CounterSet & { userId: number }>;
}

export interface Simulator {
  fetch(input: Request | URL | string, init?: RequestInit): Promise<Response>;
  listen(options?: { port?: number; hostname?: string }): { url: string; close(): Promise<void> };
  truth(query: TruthQuery): TruthResult;
  counters(): CountersSnapshot;
  configure(options: Partial<SimulatorOptions>): void;
  reset(): void;
  readonly dataset: Dataset;
}

const SECONDARY_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ";
const DOCS = {
  graphqlLimits:
    "https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api",
  restLimits: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
  auth:
    "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
};

/** Paths under /repos/{owner}/{repo}/ (or /repositories/{id}/) the simulator answers. */
const REPO_ENDPOINTS: readonly string[] = ["stargazers/history", ...LIST_KINDS];

function pick<T extends object>(source: Partial<SimulatorOptions>, defaults: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const v = (source as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as Partial<T>;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  let dataset = new Dataset(options);
  const clock = options.clock ?? Date.now;
  const limits = new Limits({ ...LIMIT_DEFAULTS, ...pick(options, LIMIT_DEFAULTS) }, clock);
  const faults = new Faults({ ...FAULT_DEFAULTS, ...pick(options, FAULT_DEFAULTS) });
  let badTokens = new Set([...(options.invalidTokens ?? []), ...(options.forbiddenTokens ?? [])]);
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

  const headersFor = (
    state: TokenState,
    resource: Resource,
    extra: Record<string, string> = {},
  ) => {
    const b = limits.budget(state, resource);
    return {
      "x-ratelimit-limit": String(b.limit),
      "x-ratelimit-remaining": String(b.remaining),
      "x-ratelimit-used": String(b.used),
      "x-ratelimit-reset": String(Math.floor(b.resetAt / 1000)),
      "x-ratelimit-resource": resource,
      "x-github-request-id": extra["x-github-request-id"] ?? "",
      ...extra,
    };
  };

  const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
    });

  function control(req: Request, url: URL): Promise<Response> | Response {
    switch (url.pathname) {
      case "/_sim/health":
        return json({ ok: true }, 200);
      case "/_sim/counters":
        return json(counters(), 200);
      case "/_sim/reset":
        if (req.method !== "POST") return json({ message: "Use POST /_sim/reset" }, 405);
        reset();
        return json({ ok: true }, 200);
      case "/_sim/config":
        if (req.method !== "POST") {
          return json({ message: "Use POST /_sim/config with a JSON body" }, 405);
        }
        return req.json().then((body) => {
          configure(body as Partial<SimulatorOptions>);
          return json({ ok: true }, 200);
        }, (error) => json({ message: `Invalid JSON for /_sim/config: ${error.message}` }, 400));
      case "/_sim/truth": {
        const p = url.searchParams;
        try {
          return json(
            truth(dataset, {
              repo: p.get("repo") ?? "",
              type: (p.get("type") ?? "") as TruthType,
              since: p.get("since") ?? undefined,
              until: p.get("until") ?? undefined,
              updatedSince: p.get("updatedSince") ?? undefined,
            }),
            200,
          );
        } catch (error) {
          return json({ message: (error as Error).message }, 400);
        }
      }
    }
    return notFound();
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/_sim/")) return control(req, url);

    const isGraphql = url.pathname === "/graphql";
    const resource: Resource = isGraphql ? "graphql" : "core";
    const requestId = `SIM${
      (++requestSeq).toString(16).toUpperCase().padStart(6, "0")
    }:${resource}`;
    if (isGraphql && req.method !== "POST") return notFound();

    const auth = req.headers.get("authorization") ?? "";
    const token = /^(bearer|token)\s+(\S+)$/i.exec(auth.trim())?.[2];
    if (!token) {
      limits.outcome(null, "unauthorized");
      return json({ message: "Requires authentication", documentation_url: DOCS.auth }, 401);
    }
    if (badTokens.has(token)) {
      limits.outcome(null, "unauthorized");
      return json(
        { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" },
        401,
      );
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
        {
          ...headersFor(state, resource, { "x-github-request-id": requestId }),
          "retry-after": String(retryAfter),
        },
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
        return timeoutError(requestId, headersFor(state, "graphql", { "x-github-request-id": requestId }));
      }

      const response = isGraphql
        ? await graphql(req, token, state, requestId)
        : rest(req, url, token, state, requestId, secondary);
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
    const outcome = runGraphql(dataset, limits, token, state, body, requestId);
    if (outcome.kind === "secondary") {
      limits.giveRetryAfter(state, outcome.retryAfter);
      limits.outcome(state, "secondary_limited");
      return json(
        {
          message: SECONDARY_MESSAGE + requestId + ".",
          documentation_url: DOCS.graphqlLimits + "#secondary-rate-limits",
        },
        403,
        {
          ...headersFor(state, "graphql", { "x-github-request-id": requestId }),
          "retry-after": String(outcome.retryAfter),
        },
      );
    }
    limits.answered(state, "graphql");
    const headers = headersFor(state, "graphql", { "x-github-request-id": requestId });
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

  function rest(
    req: Request,
    url: URL,
    token: string,
    state: TokenState,
    requestId: string,
    secondary: (retryAfter: number) => Response,
  ): Response {
    if (req.method !== "GET") return notFound();
    if (url.pathname === "/rate_limit") {
      limits.outcome(state, "ok");
      // GitHub does not charge /rate_limit against the core budget.
      return json(
        rateLimitBody(limits.budget(state, "core"), limits.budget(state, "graphql")),
        200,
        headersFor(state, "core", { "x-github-request-id": requestId }),
      );
    }
    const retryAfter = limits.takeMinutePoints(state, 1);
    if (retryAfter !== null) return secondary(retryAfter);
    if (!limits.spend(state, "core", 1)) {
      limits.answered(state, "core");
      limits.outcome(state, "rate_limited");
      return json(
        {
          message:
            `API rate limit exceeded for user ID ${state.userId}. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
          documentation_url: DOCS.restLimits,
        },
        403,
        headersFor(state, "core", { "x-github-request-id": requestId }),
      );
    }
    limits.answered(state, "core");
    const headers = headersFor(state, "core", { "x-github-request-id": requestId });
    const withHeaders = (response: Response) => {
      for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
      return response;
    };
    // Repository-scoped endpoints, by name or (as GitHub's redirects and Link headers use) by id.
    let entry: RepoEntry | undefined;
    let tail: string | undefined;
    let redirected = false;
    const byName = /^\/repos\/([^/]+)\/([^/]+)\/(.+)$/.exec(url.pathname);
    const byId = /^\/repositories\/(\d+)\/(.+)$/.exec(url.pathname);
    if (byName && REPO_ENDPOINTS.includes(byName[3])) {
      const hit = dataset.lookup(decodeURIComponent(byName[1]), decodeURIComponent(byName[2]));
      if (hit.kind === "found") {
        entry = hit.entry;
        redirected = hit.redirectedFrom !== undefined;
      }
      tail = byName[3];
    } else if (byId && REPO_ENDPOINTS.includes(byId[2])) {
      entry = dataset.entries.find((e) => dataset.repo(e.ordinal).databaseId === Number(byId[1]));
      tail = byId[2];
    }
    if (!entry || !tail || !dataset.visible(entry, token)) {
      limits.outcome(state, "not_found");
      return withHeaders(notFound());
    }
    const repo = dataset.repo(entry.ordinal);
    if (redirected) {
      limits.outcome(state, "redirect");
      const location = `${url.origin}/repositories/${repo.databaseId}/${tail}${url.search}`;
      return withHeaders(
        json(
          {
            message: "Moved Permanently",
            url: location,
            documentation_url: "https://docs.github.com/rest",
          },
          301,
          { location },
        ),
      );
    }
    if (tail === "stargazers/history") {
      limits.outcome(state, "ok");
      return withHeaders(starHistory(dataset, entry.ordinal, url));
    }
    const kind = tail as ListKind;
    const params = listParams(url, kind);
    if ("invalid" in params) {
      limits.outcome(state, "invalid");
      return withHeaders(
        json({ message: params.invalid, documentation_url: "https://docs.github.com/rest" }, 422),
      );
    }
    const page = listPage(dataset, repo, kind, params, url, maxRestPage);
    limits.outcome(state, page.status === 422 ? "pagination_limited" : "ok");
    return withHeaders(page);
  }

  function counters(): CountersSnapshot {
    const tokens: CountersSnapshot["tokens"] = {};
    for (const [token, state] of limits.entries()) {
      tokens[token] = { ...structuredClone(state.counters), userId: state.userId };
    }
    return { ...structuredClone(limits.totals), tokens };
  }

  function configure(partial: Partial<SimulatorOptions>) {
    Object.assign(limits.options, pick(partial, LIMIT_DEFAULTS));
    const faultPart = pick(partial, FAULT_DEFAULTS);
    Object.assign(faults.options, faultPart);
    if (faultPart.faultSeed !== undefined) faults.reseed();
    if (partial.maxRestPage !== undefined) maxRestPage = partial.maxRestPage ?? Infinity;
    if (partial.invalidTokens || partial.forbiddenTokens) {
      badTokens = new Set([...(partial.invalidTokens ?? []), ...(partial.forbiddenTokens ?? [])]);
    }
    if (partial.seed !== undefined || partial.now !== undefined || partial.repos !== undefined) {
      options = { ...options, ...partial };
      dataset = new Dataset(options);
    }
  }

  function reset() {
    limits.reset();
    faults.reseed();
  }

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
    truth: (query) => truth(dataset, query),
    counters,
    configure,
    reset,
    get dataset() {
      return dataset;
    },
  };
}
