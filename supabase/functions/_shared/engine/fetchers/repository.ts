// Repository metadata (avatars, counts, default branch): one request, one item.
import { REPOSITORY_QUERY } from "../../github/queries.ts";
import { repositoryOf, rowsWithRepository } from "./common.ts";
import type { Fetcher } from "./types.ts";

export const fetchRepository: Fetcher = async (ctx) => {
  const r = await ctx.graphql<{ repository: Record<string, unknown> | null }>(
    REPOSITORY_QUERY, { owner: ctx.owner, name: ctx.name });
  const repo = repositoryOf(r.data);
  return { rows: rowsWithRepository(repo), items: 1, nextCursor: null, done: true, estimatedTotal: 1, points: r.points };
};
