/**
 * What remains of generated items once some were deleted (`POST /_sim/delete`, or
 * `deleteOnFollowUp`): the filters `RepoData` applies to nested lists, so that every reader
 * (GraphQL connections, `node(id:)`, the REST lists, the truth) sees GitHub's state after the
 * deletion. A review thread whose comments are all gone disappears with them.
 */
import type {
  CommentRec,
  DiscussionCommentRec,
  PrDetail,
  ReviewCommentRec,
  ReviewRec,
} from "./repo_data.ts";

export type IsDeleted = (id: string) => boolean;

export function liveComments<T extends CommentRec>(list: T[], gone: IsDeleted): T[] {
  return list.filter((c) => !gone(c.id));
}

export function livePrDetail(d: PrDetail, gone: IsDeleted): PrDetail {
  const reviews = d.reviews.filter((r) => !gone(r.id));
  const reviewsByIndex: ReviewRec[] = [];
  for (const r of reviews) reviewsByIndex[r.index] = r;
  const threads = d.threads
    .map((t) => ({ ...t, comments: gone(t.id) ? [] : liveComments(t.comments, gone) }))
    .filter((t) => t.comments.length > 0);
  const commentsByReview: ReviewCommentRec[][] = d.commentsByReview.map(() => []);
  for (const t of threads) for (const c of t.comments) commentsByReview[c.reviewIndex]?.push(c);
  for (const list of commentsByReview) {
    list.sort((a, b) => a.createdAt - b.createdAt || a.databaseId - b.databaseId);
  }
  return {
    reviews,
    comments: liveComments(d.comments, gone),
    threads,
    commentsByReview,
    reviewsByIndex,
  };
}

/** Top-level discussion comments left, each with its replies left (a deleted comment takes its
 * replies with it). */
export function liveDiscussionComments(
  list: DiscussionCommentRec[],
  gone: IsDeleted,
): DiscussionCommentRec[] {
  return list.filter((c) => !gone(c.id)).map((c) => ({
    ...c,
    replies: liveComments(c.replies, gone),
  }));
}
