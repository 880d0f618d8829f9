/** REST answers shared by the endpoints: GitHub's 404 and the `/rate_limit` body. */
import type { BudgetView } from "./limits.ts";

const DOCS = "https://docs.github.com/rest";

export function notFound(): Response {
  return Response.json({ message: "Not Found", documentation_url: `${DOCS}`, status: "404" }, {
    status: 404,
  });
}

export function rateLimitBody(core: BudgetView, graphql: BudgetView) {
  const shape = (b: BudgetView) => ({
    limit: b.limit,
    used: b.used,
    remaining: b.remaining,
    reset: Math.floor(b.resetAt / 1000),
  });
  return {
    resources: { core: shape(core), graphql: shape(graphql) },
    rate: shape(core),
  };
}
