// Issues most recently updated first down to the window start (GitHub's filterBy.since, by update),
// with labels (overflow through batched follow-ups), so an issue created before the window but
// commented on or closed inside it is stored; then the repository's conversation comment list,
// which serves issues and PRs alike (comment_lists.ts). The cursor carries the phase:
// `issues:<GraphQL cursor>` → `issue_comments:<list cursor>`.
import { ChunkCollector } from "../ingest.ts";
import { bestPageSize, estimateCost, ISSUES_BY_UPDATE_QUERY, ISSUES_QUERY } from "../../github/queries.ts";
import { commentListChunk, listStart, pageThenList, parsePhase } from "./comment_lists.ts";
import { type Page, repositoryOf, takeNewestFirst } from "./common.ts";
import { runFollowUps } from "./follow_ups.ts";
import type { Fetcher } from "./types.ts";

type Json = Record<string, unknown>;

export const fetchIssues: Fetcher = async (ctx) => {
  const { phase, value } = parsePhase(ctx.cursor, "issues");
  if (phase === "issue_comments") return await commentListChunk(ctx, "issue_comments", value!, null, "issues");

  // Without a window every issue is wanted, in whichever order.
  const byUpdate = ctx.windowStart !== null;
  const query = byUpdate ? ISSUES_BY_UPDATE_QUERY : ISSUES_QUERY;
  const vars = { owner: ctx.owner, name: ctx.name, after: value, nested: 100, ...(byUpdate ? { since: ctx.windowStart } : {}) };
  const max = Math.max(1, Math.min(100, ctx.sizes.first * 2, ctx.cap - ctx.itemsDone));
  const first = bestPageSize(max, (f) => estimateCost(query, { ...vars, first: f }));
  const r = await ctx.graphql<{ repository: Json | null }>(query, { ...vars, first });
  const repo = repositoryOf(r.data);
  const collector = ChunkCollector.forRepository(repo);
  const page = takeNewestFirst(ctx, repo.issues as Page, (n) => (byUpdate ? n.updatedAt : n.createdAt) as string, (n) => collector.addIssue(n));
  const points = r.points + await runFollowUps(ctx, collector.followUps);
  // The list covers this task's PRs too (their window starts at the same time), so it starts at
  // the window's start.
  const listed = { ...page, items: page.items - collector.dropped };
  return pageThenList(ctx, "issues", collector.rows, listed, points, listStart("issue_comments", ctx.windowStart));
};
