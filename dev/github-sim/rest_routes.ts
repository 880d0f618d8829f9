/**
 * REST routing: `/rate_limit`, and the repository endpoints by name (`/repos/{owner}/{repo}/…`)
 * or, as GitHub's redirects and Link headers use, by id (`/repositories/{id}/…`). Every request
 * but `/rate_limit` costs one core request and one secondary-limit point; a renamed repository
 * answers 301 to its `/repositories/{id}/…` address; one the token may not see is a 404.
 */
import type { Dataset, RepoEntry } from "./dataset.ts";
import type { Limits, Resource, TokenState } from "./limits.ts";
import type { Auth } from "./auth.ts";
import { notFound, rateLimitBody } from "./rest.ts";
import { starHistory, type StarHistoryOptions } from "./star_history.ts";
import {
  LIST_KINDS,
  listItem,
  type ListKind,
  type ListOptions,
  listPage,
  listParams,
} from "./rest_lists.ts";

export interface RestContext {
  dataset: Dataset;
  limits: Limits;
  auth: Auth;
  token: string;
  state: TokenState;
  requestId: string;
  options: StarHistoryOptions & ListOptions;
  maxRestPage: number;
  headersFor(resource: Resource): Record<string, string>;
  secondary(retryAfter: number): Response;
  beforeLookup(nodeId: string): void;
}

const ITEM = /^(issues|pulls)\/comments\/(\d+)$/;

function known(tail: string): boolean {
  return tail === "stargazers/history" || (LIST_KINDS as readonly string[]).includes(tail) ||
    ITEM.test(tail);
}

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

/** The repository and endpoint a path names, if the simulator serves it. */
function route(ds: Dataset, url: URL) {
  const byName = /^\/repos\/([^/]+)\/([^/]+)\/(.+)$/.exec(url.pathname);
  const byId = /^\/repositories\/(\d+)\/(.+)$/.exec(url.pathname);
  if (byName && known(byName[3])) {
    const hit = ds.lookup(decodeURIComponent(byName[1]), decodeURIComponent(byName[2]));
    if (hit.kind !== "found") return null;
    return { entry: hit.entry, tail: byName[3], redirected: hit.redirectedFrom !== undefined };
  }
  if (byId && known(byId[2])) {
    const entry: RepoEntry | undefined = ds.entries.find((e) =>
      ds.repo(e.ordinal).databaseId === Number(byId[1])
    );
    return entry ? { entry, tail: byId[2], redirected: false } : null;
  }
  return null;
}

export function restAnswer(req: Request, url: URL, ctx: RestContext): Response {
  const { dataset, limits, state } = ctx;
  if (req.method !== "GET") return notFound();
  const scopeHeaders = ctx.auth.scopeHeaders(
    ctx.token,
    url.pathname === "/rate_limit" ? "" : "repo",
  );
  if (url.pathname === "/rate_limit") {
    limits.outcome(state, "ok");
    // GitHub does not charge /rate_limit against the core budget.
    return json(
      rateLimitBody(limits.budget(state, "core"), limits.budget(state, "graphql")),
      200,
      { ...ctx.headersFor("core"), ...scopeHeaders },
    );
  }
  const retryAfter = limits.takeMinutePoints(state);
  if (retryAfter !== null) return ctx.secondary(retryAfter);
  if (!limits.spend(state, "core", 1)) {
    limits.answered(state, "core");
    limits.outcome(state, "rate_limited");
    return json(
      {
        message:
          `API rate limit exceeded for user ID ${state.userId}. If you reach out to GitHub Support for help, please include the request ID ${ctx.requestId}.`,
        documentation_url:
          "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api",
      },
      403,
      ctx.headersFor("core"),
    );
  }
  limits.answered(state, "core");
  const headers = { ...ctx.headersFor("core"), ...scopeHeaders };
  const withHeaders = (response: Response) => {
    for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
    return response;
  };
  const hit = route(dataset, url);
  if (!hit || !ctx.auth.canSee(hit.entry, ctx.token)) {
    limits.outcome(state, "not_found");
    return withHeaders(notFound());
  }
  const repo = dataset.repo(hit.entry.ordinal);
  if (hit.redirected) {
    limits.outcome(state, "redirect");
    const location = `${url.origin}/repositories/${repo.databaseId}/${hit.tail}${url.search}`;
    const body = {
      message: "Moved Permanently",
      url: location,
      documentation_url: "https://docs.github.com/rest",
    };
    return withHeaders(json(body, 301, { location }));
  }
  if (hit.tail === "stargazers/history") {
    const answer = starHistory(dataset, hit.entry.ordinal, url, ctx.options);
    limits.outcome(
      state,
      answer.status === 200 ? "ok" : answer.status === 202 ? "accepted" : "invalid",
    );
    return withHeaders(answer);
  }
  const item = ITEM.exec(hit.tail);
  if (item) {
    const kind = `${item[1]}/comments` as ListKind;
    const answer = listItem(dataset, repo, kind, Number(item[2]), url, ctx.beforeLookup);
    limits.outcome(state, answer.status === 200 ? "ok" : "not_found");
    return withHeaders(answer);
  }
  const kind = hit.tail as ListKind;
  const params = listParams(url, kind);
  if ("invalid" in params) {
    limits.outcome(state, "invalid");
    return withHeaders(
      json({ message: params.invalid, documentation_url: "https://docs.github.com/rest" }, 422),
    );
  }
  const page = listPage(dataset, repo, kind, params, url, ctx.maxRestPage, ctx.options);
  limits.outcome(state, page.status === 422 ? "pagination_limited" : "ok");
  return withHeaders(page);
}
