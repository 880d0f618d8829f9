// Discussions newest first with their comments and each comment's replies. Nested pages that
// overflow (a discussion's comments, a comment's replies) are fetched through node(id:)
// follow-ups before the chunk commits, exactly like pull requests' nested connections.
// In "updated" mode (scheduled syncs) discussions come most recently updated first and the walk
// stops at the first one updated before the window start (the last sync), so an old discussion
// answered or commented on since is fetched again with all its comments.
import { type Actor, ChunkCollector } from "../ingest.ts";
import { RATE_LIMIT, withFragments } from "../../github/queries.ts";
import { firstUnderCap, type Page, repositoryOf, takeNewestFirst } from "./common.ts";
import type { FetchContext, Fetcher } from "./types.ts";

type Json = Record<string, unknown>;

const COMMENT_FIELDS = "id databaseId body createdAt updatedAt author { ...ActorFields }";
const COMMENTS = (first: string) =>
  `comments(first: ${first}, after: $after) { pageInfo { ...PageFields } nodes { ${COMMENT_FIELDS} replies(first: $replies) { pageInfo { ...PageFields } nodes { ${COMMENT_FIELDS} } } } }`;

const discussionsPage = (operation: string, order: "CREATED_AT" | "UPDATED_AT") => withFragments(/* GraphQL */ `
query ${operation}($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!, $replies: Int!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    discussions(first: $first, after: $after, orderBy: { field: ${order}, direction: DESC }) {
      totalCount
      pageInfo { ...PageFields }
      nodes {
        id databaseId number title body createdAt updatedAt answerChosenAt
        author { ...ActorFields }
        comments(first: $nested) {
          pageInfo { ...PageFields }
          nodes { ${COMMENT_FIELDS} replies(first: $replies) { pageInfo { ...PageFields } nodes { ${COMMENT_FIELDS} } } }
        }
      }
    }
  }
}`);

export const DISCUSSIONS_QUERY = discussionsPage("DiscussionsPage", "CREATED_AT");
export const DISCUSSIONS_BY_UPDATE_QUERY = discussionsPage("DiscussionsUpdatedPage", "UPDATED_AT");

/** Next page of one discussion's comments (with their first replies). */
export const DISCUSSION_COMMENTS_QUERY = withFragments(/* GraphQL */ `
query DiscussionCommentsPage($id: ID!, $first: Int!, $after: String, $replies: Int!) {
  ${RATE_LIMIT}
  node(id: $id) { ... on Discussion { ${COMMENTS("$first")} } }
}`);

/** Next page of one comment's replies. */
export const DISCUSSION_REPLIES_QUERY = withFragments(/* GraphQL */ `
query DiscussionRepliesPage($id: ID!, $first: Int!, $after: String) {
  ${RATE_LIMIT}
  node(id: $id) { ... on DiscussionComment { replies(first: $first, after: $after) { pageInfo { ...PageFields } nodes { ${COMMENT_FIELDS} } } } }
}`);

/** GitHub's formula for the documents above (connections resolved, /100, rounded, min 1). */
export function discussionsCost(kind: "page" | "comments" | "replies", first: number, nested: number, replies: number): number {
  const requests = kind === "page" ? 1 + first + first * nested : kind === "comments" ? 1 + first : 1;
  void replies;
  return Math.max(1, Math.round(requests / 100));
}

interface FollowUp {
  kind: "comments" | "replies";
  /** Node id of the discussion (comments) or of the comment (replies). */
  id: string;
  after: string | null;
  discussionId: number;
  /** databaseId of the comment whose replies these are. */
  commentId: number | null;
}

class DiscussionCollector extends ChunkCollector {
  readonly discussionFollowUps: FollowUp[] = [];

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
    this.addComments(n.comments as Page, n.id as string, id);
  }

  addComments(page: Omit<Page, "totalCount">, discussionNodeId: string, discussionId: number): void {
    for (const c of page.nodes) {
      const commentId = this.addComment(c, discussionId, null);
      this.addReplies(c.replies as Page, c.id as string, discussionId, commentId);
    }
    if (page.pageInfo.hasNextPage) {
      this.discussionFollowUps.push({ kind: "comments", id: discussionNodeId, after: page.pageInfo.endCursor, discussionId, commentId: null });
    }
  }

  addReplies(page: Omit<Page, "totalCount">, commentNodeId: string, discussionId: number, commentId: number): void {
    for (const r of page.nodes) this.addComment(r, discussionId, commentId);
    if (page.pageInfo.hasNextPage) {
      this.discussionFollowUps.push({ kind: "replies", id: commentNodeId, after: page.pageInfo.endCursor, discussionId, commentId });
    }
  }

  private addComment(c: Json, discussionId: number, parentId: number | null): number {
    this.rows.discussion_comments!.push({
      id: c.databaseId, node_id: c.id, repository_id: this.repositoryId, discussion_id: discussionId, parent_id: parentId,
      author_id: this.actor(c.author as Actor), body: c.body, created_at: c.createdAt, updated_at: c.updatedAt,
    });
    return c.databaseId as number;
  }
}

async function fetchDiscussionFollowUps(ctx: FetchContext, collector: DiscussionCollector): Promise<number> {
  let points = 0;
  const replies = ctx.sizes.threadComments;
  while (collector.discussionFollowUps.length > 0) {
    const f = collector.discussionFollowUps.shift()!;
    if (f.kind === "comments") {
      const first = ctx.sizes.nested;
      const r = await ctx.graphql<{ node: { comments: Page } }>(DISCUSSION_COMMENTS_QUERY,
        { id: f.id, first, after: f.after, replies }, discussionsCost("comments", first, 0, replies));
      points += r.points;
      collector.addComments(r.data.node.comments, f.id, f.discussionId);
    } else {
      const r = await ctx.graphql<{ node: { replies: Page } }>(DISCUSSION_REPLIES_QUERY,
        { id: f.id, first: 100, after: f.after }, discussionsCost("replies", 100, 0, 0));
      points += r.points;
      collector.addReplies(r.data.node.replies, f.id, f.discussionId, f.commentId!);
    }
  }
  return points;
}

export const fetchDiscussions: Fetcher = async (ctx) => {
  const first = firstUnderCap(ctx);
  const { nested, threadComments: replies } = ctx.sizes;
  const byUpdate = ctx.mode === "updated";
  const r = await ctx.graphql<{ repository: Json | null }>(byUpdate ? DISCUSSIONS_BY_UPDATE_QUERY : DISCUSSIONS_QUERY, {
    owner: ctx.owner, name: ctx.name, first, after: ctx.cursor, nested, replies,
  }, discussionsCost("page", first, nested, replies));
  const repo = repositoryOf(r.data);
  const collector = DiscussionCollector.forRepository(repo);
  const page = takeNewestFirst(ctx, repo.discussions as Page, (n) => (byUpdate ? n.updatedAt : n.createdAt) as string,
    (n) => collector.addDiscussion(n));
  const points = r.points + await fetchDiscussionFollowUps(ctx, collector);
  return { rows: collector.rows, ...page, points };
};
