/**
 * POST /graphql: parse and validate against GitHub's schema (cached per query text), analyse
 * cost and node limits before execution, check a classic PAT's scopes, charge the token's budget,
 * execute.
 */
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  parse,
  validate,
} from "npm:graphql@16.15.0";
import { githubSchema } from "./schema.ts";
import { analyzeQuery, type CostReport } from "./cost.ts";
import { fieldResolver, type ResolveContext, rootValue } from "./resolvers.ts";
import { SimError } from "./connection.ts";
import type { Dataset, RepoEntry } from "./dataset.ts";
import type { Limits, TokenState } from "./limits.ts";
import { insufficientScopes } from "./scopes.ts";

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** What the request's credential allows, and the hooks resolvers call. */
export interface GraphqlEnv {
  canSee(entry: RepoEntry): boolean;
  beforeLookup(id: string): void;
  /** A classic PAT's OAuth scopes; null when the token holds every scope. */
  scopes: string[] | null;
  discussionScopes: string[];
  chargeInsufficientScopes: boolean;
}

export type GraphqlOutcome =
  | { kind: "bad_request"; body: unknown }
  | { kind: "invalid"; body: unknown }
  | { kind: "insufficient_scopes"; body: unknown }
  | { kind: "secondary"; retryAfter: number }
  | { kind: "rate_limited"; body: unknown }
  | { kind: "ok"; body: unknown; cost: number; nodes: number };

const documents = new Map<string, { document?: DocumentNode; errors: readonly GraphQLError[] }>();

function compile(query: string) {
  let hit = documents.get(query);
  if (!hit) {
    try {
      const document = parse(query);
      hit = { document, errors: validate(githubSchema(), document) };
    } catch (error) {
      hit = { errors: [error as GraphQLError] };
    }
    if (documents.size > 500) documents.delete(documents.keys().next().value!);
    documents.set(query, hit);
  }
  return hit;
}

function formatError(error: GraphQLError) {
  const original = error.originalError;
  const out: Record<string, unknown> = {};
  if (original instanceof SimError) out.type = original.type;
  if (error.path) out.path = error.path;
  if (error.locations) out.locations = error.locations;
  out.message = error.message;
  if (error.extensions && Object.keys(error.extensions).length) out.extensions = error.extensions;
  return out;
}

export function runGraphql(
  ds: Dataset,
  limits: Limits,
  token: string,
  state: TokenState,
  request: GraphqlRequest,
  requestId: string,
  env: GraphqlEnv,
): GraphqlOutcome {
  if (typeof request.query !== "string" || !request.query.trim()) {
    return {
      kind: "bad_request",
      body: {
        message: "A query attribute must be specified and must be a string.",
        documentation_url: "https://docs.github.com/graphql",
      },
    };
  }
  const variables =
    (request.variables && typeof request.variables === "object" ? request.variables : {}) as Record<
      string,
      unknown
    >;
  const operationName = typeof request.operationName === "string" ? request.operationName : null;
  const compiled = compile(request.query);
  if (!compiled.document || compiled.errors.length) {
    return { kind: "invalid", body: { errors: compiled.errors.map(formatError) } };
  }
  let report: CostReport;
  try {
    report = analyzeQuery(githubSchema(), compiled.document, variables, operationName);
  } catch (error) {
    return {
      kind: "invalid",
      body: { errors: [{ message: `Could not analyse the query: ${(error as Error).message}` }] },
    };
  }
  if (report.errors.length) return { kind: "invalid", body: { errors: report.errors } };
  const scopeErrors = env.scopes
    ? insufficientScopes(githubSchema(), compiled.document, env.scopes, env.discussionScopes)
    : [];
  if (scopeErrors.length && !env.chargeInsufficientScopes) {
    return { kind: "insufficient_scopes", body: { errors: scopeErrors } };
  }

  const charge = report.dryRun ? 0 : report.cost;
  const retryAfter = limits.takeMinutePoints(state, charge);
  if (retryAfter !== null) return { kind: "secondary", retryAfter };
  if (!limits.spend(state, "graphql", charge)) {
    return {
      kind: "rate_limited",
      body: {
        errors: [{
          type: "RATE_LIMITED",
          message:
            `API rate limit exceeded for user ID ${state.userId}. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
        }],
      },
    };
  }
  if (scopeErrors.length) return { kind: "insufficient_scopes", body: { errors: scopeErrors } };
  const budget = limits.budget(state, "graphql");
  const ctx: ResolveContext = {
    ds,
    token,
    viewer: ds.users[(state.userId - 1) % ds.users.length],
    dryRun: report.dryRun,
    canSee: env.canSee,
    beforeLookup: env.beforeLookup,
    nodesServed: 0,
    rate: {
      cost: report.cost,
      limit: budget.limit,
      remaining: budget.remaining,
      used: budget.used,
      resetAt: budget.resetAt,
      nodeCount: report.nodeCount,
    },
  };
  const result = execute({
    schema: githubSchema(),
    document: compiled.document,
    rootValue,
    contextValue: ctx,
    variableValues: variables,
    operationName,
    fieldResolver,
  });
  if (result instanceof Promise) throw new Error("resolvers must be synchronous");
  const body: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors?.length) body.errors = result.errors.map(formatError);
  return { kind: "ok", body, cost: charge, nodes: ctx.nodesServed };
}
