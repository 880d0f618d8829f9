// Discussions most recently updated first down to the window start, so an old discussion answered
// or commented on inside the window is stored with all its comments, and each comment's replies.
//
// Cost, by GitHub's formula (connections resolved, /100, rounded, at least 1): a page of
// discussions with their first 100 top-level comments is 1 + first requests (100 discussions:
// 1 point, empty repository or not), since the comments connection has no child connection. The
// replies, which would multiply (first × comments), come in follow-ups: nodes(ids:) over up to 100
// comments with their first 100 replies each, 1 point (follow_ups.ts). Pages after the first of a
// discussion's comments or of a comment's replies follow the same way. A chunk takes the page's
// discussions up to MAX_COMMENTS_PER_CHUNK top-level comments (at least one discussion) and goes on
// after the last one it took, so its follow-ups fit in a worker pass whatever the page holds.
import { type Actor, ChunkCollector } from "../ingest.ts";
import { bestPageSize, estimateCost, FOLLOW_UP_PAGE, RATE_LIMIT, withFragments } from "../../github/queries.ts";
import { type Page, repositoryOf, takeNewestFirst } from "./common.ts";
import { followIfMore, type NestedPage, runFollowUps } from "./follow_ups.ts";
import type { Fetcher } from "./types.ts";

type Json = Record<string, unknown>;

export const DISCUSSIONS_QUERY = withFragments(/* GraphQL */ `
query DiscussionsPage($owner: String!, $name: String!, $first: Int!, $after: String, $comments: Int!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    discussions(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      totalCount
      pageInfo { ...PageFields }
      edges { cursor }
      nodes {
        id databaseId number title body createdAt updatedAt answerChosenAt
        author { ...ActorFields }
        comments(first: $comments) { pageInfo { ...PageFields } nodes { ...DiscussionCommentFields } }
      }
    }
  }
}`);

class DiscussionCollector extends ChunkCollector {
  constructor(repositoryId: number) {
    super(repositoryId);
    this.rows.discussions = [];
    this.rows.discussion_comments = [];
  }

  addDiscussion(n: Json): void {
    const id = n.databaseId as number;
    this.rows.discussions!.push({
      id, node_id: n.id, repository_id: this.repositoryId, number: n.number, title: n.title, body: n.body,
      author_id: this.actor(n.author as Actor), created_at: n.createdAt, updated_at: n.updatedAt,
      answer_chosen_at: n.answerChosenAt ?? null,
    });
    const take = (page: NestedPage) => this.addComments(page, id);
    const comments = n.comments as NestedPage;
    take(comments);
    followIfMore(this.followUps, comments, { connection: "Discussion.comments", id: n.id as string, take, gone: () => this.dropDiscussion(id) });
  }

  /** Top-level comments; each one's replies are a follow-up from their first page. */
  private addComments(page: NestedPage, discussionId: number): void {
    for (const c of page.nodes) {
      const commentId = this.addComment(c, discussionId, null);
      this.followUps.push({
        connection: "DiscussionComment.replies", id: c.id as string, after: null,
        take: (replies) => replies.nodes.forEach((r) => this.addComment(r, discussionId, commentId)),
        gone: () => this.dropComment(commentId),
      });
    }
  }

  private addComment(c: Json, discussionId: number, parentId: number | null): number {
    this.rows.discussion_comments!.push({
      id: c.databaseId, node_id: c.id, repository_id: this.repositoryId, discussion_id: discussionId, parent_id: parentId,
      author_id: this.actor(c.author as Actor), body: c.body, created_at: c.createdAt, updated_at: c.updatedAt,
    });
    return c.databaseId as number;
  }

  /** Deleted before a follow-up reached it: gone with its comments and replies. */
  private dropDiscussion(id: number): void {
    const before = this.rows.discussions!.length;
    this.rows.discussions = this.rows.discussions!.filter((d) => d.id !== id);
    this.rows.discussion_comments = this.rows.discussion_comments!.filter((c) => c.discussion_id !== id);
    if (this.rows.discussions.length < before) this.dropped++;
  }

  /** A comment deleted before its replies were fetched: gone with them. */
  private dropComment(id: number): void {
    this.rows.discussion_comments = this.rows.discussion_comments!.filter((c) => c.id !== id && c.parent_id !== id);
  }
}

/** Top-level comments one chunk takes: their replies are one request per 100. */
export const MAX_COMMENTS_PER_CHUNK = 1000;

/** The page cut after the discussions whose first comments reach MAX_COMMENTS_PER_CHUNK (at least
 * one), resuming after the last one kept (its edge's cursor). */
function boundedPage(page: Page & { edges?: { cursor: string }[] }): Page {
  let comments = 0;
  let k = 0;
  while (k < page.nodes.length) {
    comments += ((page.nodes[k].comments as NestedPage | undefined)?.nodes.length ?? 0);
    if (k > 0 && comments > MAX_COMMENTS_PER_CHUNK) break;
    k++;
  }
  if (k === page.nodes.length || !page.edges?.[k - 1]) return page;
  return { totalCount: page.totalCount, pageInfo: { hasNextPage: true, endCursor: page.edges[k - 1].cursor }, nodes: page.nodes.slice(0, k) };
}

export const fetchDiscussions: Fetcher = async (ctx) => {
  const vars = { owner: ctx.owner, name: ctx.name, after: ctx.cursor, comments: FOLLOW_UP_PAGE };
  const max = Math.max(1, Math.min(100, ctx.sizes.first * 2, ctx.cap - ctx.itemsDone));
  const first = bestPageSize(max, (f) => estimateCost(DISCUSSIONS_QUERY, { ...vars, first: f }));
  const r = await ctx.graphql<{ repository: Json | null }>(DISCUSSIONS_QUERY, { ...vars, first });
  const repo = repositoryOf(r.data);
  const collector = DiscussionCollector.forRepository(repo);
  const page = takeNewestFirst(ctx, boundedPage(repo.discussions as Page), (n) => n.updatedAt as string, (n) => collector.addDiscussion(n));
  const points = r.points + await runFollowUps(ctx, collector.followUps);
  return { rows: collector.rows, ...page, items: page.items - collector.dropped, points };
};
