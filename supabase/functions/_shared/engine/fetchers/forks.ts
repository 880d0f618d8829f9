// Forks newest first by creation time, stopping at the window's edge. A flat connection: a page
// costs 1 point whatever its size, so pages are twice the chunk page size, up to 100.
import { ChunkCollector } from "../ingest.ts";
import { RATE_LIMIT, withFragments } from "../../github/queries.ts";
import { type Page, repositoryOf, takeNewestFirst } from "./common.ts";
import type { Fetcher } from "./types.ts";

type Json = Record<string, unknown>;

export const FORKS_QUERY = withFragments(/* GraphQL */ `
query ForksPage($owner: String!, $name: String!, $first: Int!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    forks(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      pageInfo { ...PageFields }
      nodes { databaseId nameWithOwner createdAt owner { login } }
    }
  }
}`);

export const fetchForks: Fetcher = async (ctx) => {
  const first = Math.max(1, Math.min(100, ctx.sizes.first * 2));
  const r = await ctx.graphql<{ repository: Json | null }>(FORKS_QUERY, {
    owner: ctx.owner, name: ctx.name, first, after: ctx.cursor,
  }, 1);
  const repo = repositoryOf(r.data);
  const collector = ChunkCollector.forRepository(repo);
  const forks: Json[] = collector.rows.forks = [];
  const page = takeNewestFirst(ctx, repo.forks as Page, (n) => n.createdAt as string, (n) =>
    forks.push({
      id: n.databaseId, repository_id: collector.repositoryId, full_name: n.nameWithOwner,
      owner_login: (n.owner as { login?: string } | null)?.login ?? null, created_at: n.createdAt,
    }));
  return { rows: collector.rows, ...page, points: r.points };
};
