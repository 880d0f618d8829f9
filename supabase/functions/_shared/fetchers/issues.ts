// Issues newest first with labels and comments; nested overflow through node(id:) follow-ups.
import { ChunkCollector, repositoryRow } from "../ingest.ts";
import { estimateCost, ISSUES_QUERY } from "../queries.ts";
import { fetchFollowUps, firstUnderCap, type Page, repositoryOf, takeNewestFirst } from "./common.ts";
import type { Fetcher } from "./types.ts";

type Json = Record<string, unknown>;

export const fetchIssues: Fetcher = async (ctx) => {
  const first = firstUnderCap(ctx);
  const r = await ctx.graphql<{ repository: Json | null }>(ISSUES_QUERY, {
    owner: ctx.owner, name: ctx.name, first, after: ctx.cursor, nested: ctx.sizes.nested,
  }, estimateCost("issues", { ...ctx.sizes, first }));
  const repo = repositoryOf(r.data);
  const collector = new ChunkCollector(repo.databaseId as number);
  collector.rows.repository = repositoryRow(repo);
  const page = takeNewestFirst(ctx, repo.issues as Page, (n) => n.createdAt as string, (n) => collector.addIssue(n));
  const points = r.points + await fetchFollowUps(ctx, collector);
  return { rows: collector.rows, ...page, points };
};
