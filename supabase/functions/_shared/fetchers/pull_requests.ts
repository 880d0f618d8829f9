// Pull requests newest first with labels, reviews, conversation comments and review threads;
// nested overflow through node(id:) follow-ups. An initial job caps the count (ctx.cap).
import { ChunkCollector, repositoryRow } from "../ingest.ts";
import { estimateCost, PULL_REQUESTS_QUERY } from "../queries.ts";
import { fetchFollowUps, firstUnderCap, type Page, repositoryOf, takeNewestFirst } from "./common.ts";
import type { Fetcher } from "./types.ts";

type Json = Record<string, unknown>;

export const fetchPullRequests: Fetcher = async (ctx) => {
  const first = firstUnderCap(ctx);
  const r = await ctx.graphql<{ repository: Json | null }>(PULL_REQUESTS_QUERY, {
    owner: ctx.owner, name: ctx.name, first, after: ctx.cursor, nested: ctx.sizes.nested, threadComments: ctx.sizes.threadComments,
  }, estimateCost("pull_requests", { ...ctx.sizes, first }));
  const repo = repositoryOf(r.data);
  const collector = new ChunkCollector(repo.databaseId as number);
  collector.rows.repository = repositoryRow(repo);
  const page = takeNewestFirst(ctx, repo.pullRequests as Page, (n) => n.createdAt as string, (n) => collector.addPullRequest(n));
  const points = r.points + await fetchFollowUps(ctx, collector);
  return { rows: collector.rows, ...page, points };
};
