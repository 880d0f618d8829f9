// Pull requests with labels and reviews (nested overflow through batched follow-ups), then the
// review comment list and, when this task fetches no issues, the conversation comment list
// (comment_lists.ts). The cursor carries the phase:
// `prs:<GraphQL cursor>` → `review_comments:<list cursor>`, or, when this type runs both lists,
// `prs:…` → `comments:<both list cursors>` (a page of each list per chunk, asked for at once).
// A cursor stored before the lists ran side by side goes on as it was:
// `review_comments:…` → `issue_comments:<list cursor>`.
// PRs come most recently updated first down to the window start, so a PR created before the
// window but reviewed, commented on, merged or closed inside it is stored with all its reviews,
// and the lists start at the window start. An initial job caps the count (ctx.cap) and takes the
// newest PRs by creation instead; its lists start at its oldest PR.
import { ChunkCollector } from "../ingest.ts";
import { bestPageSize, estimateCost, PULL_REQUESTS_BY_UPDATE_QUERY, PULL_REQUESTS_QUERY } from "../../github/queries.ts";
import {
  bothListsChunk, bothListsStart, commentListChunk, listFrom, listStart, pageThenList, parsePhase, runsIssueComments,
} from "./comment_lists.ts";
import { type Page, repositoryOf, takeNewestFirst, walksByUpdate } from "./common.ts";
import { runFollowUps } from "./follow_ups.ts";
import type { Fetcher, FetchContext } from "./types.ts";

type Json = Record<string, unknown>;

/** A PR page's `first`: the most PRs per point up to twice the chunk page size (100 at most;
 * halved page sizes after 502/504 halve it too), never past the cap. */
export function pullRequestPageSize(ctx: FetchContext): number {
  const max = Math.max(1, Math.min(100, ctx.sizes.first * 2, ctx.cap - ctx.itemsDone));
  const vars = { owner: ctx.owner, name: ctx.name, after: null, nested: 100 };
  return bestPageSize(max, (first) => estimateCost(PULL_REQUESTS_QUERY, { ...vars, first }));
}

export const fetchPullRequests: Fetcher = async (ctx) => {
  const { phase, value } = parsePhase(ctx.cursor, "prs");
  const afterReviewComments = (since: string | null) =>
    runsIssueComments(ctx, "pull_requests") ? listStart("issue_comments", since) : null;
  if (phase === "review_comments") {
    return await commentListChunk(ctx, "review_comments", value!, afterReviewComments(listFrom(value!)), "pull_requests");
  }
  if (phase === "issue_comments") return await commentListChunk(ctx, "issue_comments", value!, null, "pull_requests");
  if (phase === "comments") return await bothListsChunk(ctx, value!, "pull_requests");

  const byUpdate = walksByUpdate(ctx);
  const r = await ctx.graphql<{ repository: Json | null }>(byUpdate ? PULL_REQUESTS_BY_UPDATE_QUERY : PULL_REQUESTS_QUERY, {
    owner: ctx.owner, name: ctx.name, first: pullRequestPageSize(ctx), after: value, nested: 100,
  });
  const repo = repositoryOf(r.data);
  const collector = ChunkCollector.forRepository(repo);
  let oldest: string | null = null;
  const page = takeNewestFirst(ctx, repo.pullRequests as Page, (n) => (byUpdate ? n.updatedAt : n.createdAt) as string, (n) => {
    collector.addPullRequest(n);
    oldest = n.createdAt as string;
  });
  const points = r.points + await runFollowUps(ctx, collector.followUps);
  // After the last PR page the comment lists follow, from the window start or, for the capped
  // walk by creation, from this task's oldest PR (pages go newest first, so it is the last one
  // kept here; the window's start when this page kept none).
  const since = byUpdate ? ctx.windowStart : oldest ?? ctx.windowStart;
  const listCursor = runsIssueComments(ctx, "pull_requests") ? bothListsStart(since) : listStart("review_comments", since);
  return pageThenList(ctx, "prs", collector.rows, { ...page, items: page.items - collector.dropped }, points, listCursor);
};
