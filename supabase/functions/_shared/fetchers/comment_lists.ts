// Conversation comments (issues and PRs) and review comments come from GitHub's repository-wide
// REST lists, which cost 1 "core" request per 100 comments instead of GraphQL points:
//   GET /repos/{o}/{r}/issues/comments?since=…&sort=created&direction=asc&per_page=100
//   GET /repos/{o}/{r}/pulls/comments?since=…&sort=created&direction=asc&per_page=100
// They run as later phases of the pull_requests / issues data types, after those types' GraphQL
// pages, so their parents are stored when they commit. Each page is one chunk; the cursor holds
// the page's URL (GitHub's Link rel="next" as given), so a crash resumes at that page. `since`
// filters on updated_at, so a list is a superset of the comments of this task's parents: rows
// carry the parent's number and the upsert keeps only comments whose parent is stored
// (engine.upsert_comment_rows).
import type { Fetched, FetchContext } from "./types.ts";

type Json = Record<string, unknown>;

export type CommentList = "review_comments" | "issue_comments";
const LIST_PATH: Record<CommentList, string> = { review_comments: "pulls/comments", issue_comments: "issues/comments" };

/** Phases of a data type's cursor: `<phase>:<value>`. */
export type Phase = "prs" | "issues" | CommentList;
const PHASE = /^(prs|issues|review_comments|issue_comments):(.*)$/s;

/** The phase of a stored cursor and its value; a cursor without a phase (stored before phases
 * existed) is a GraphQL cursor of the data type's first phase. */
export function parsePhase(cursor: string | null, first: Phase): { phase: Phase; value: string | null } {
  if (cursor === null) return { phase: first, value: null };
  const m = PHASE.exec(cursor);
  if (!m) return { phase: first, value: cursor };
  return { phase: m[1] as Phase, value: m[2] === "" ? null : m[2] };
}

/** The cursor of a list's first page: comments updated since `since` (all when null), oldest first. */
export function listStart(ctx: FetchContext, list: CommentList, since: string | null): string {
  const q = new URLSearchParams();
  if (since) q.set("since", since);
  q.set("sort", "created");
  q.set("direction", "asc");
  q.set("per_page", "100");
  return `${list}:/repos/${encodeURIComponent(ctx.owner)}/${encodeURIComponent(ctx.name)}/${LIST_PATH[list]}?${q}`;
}

/** The `since` of a list URL (relative or absolute), null when it has none. */
export function sinceOf(url: string): string | null {
  return new URL(url, "http://relative.invalid").searchParams.get("since");
}

/** Whether this data type's fetcher also runs the IssueComment list: the list serves PRs and
 * issues alike, so it runs once, in the last of the two this task fetches. */
export function runsIssueComments(ctx: FetchContext, dataType: "pull_requests" | "issues"): boolean {
  return dataType === "issues" || !ctx.dataTypes.includes("issues");
}

interface RestUser {
  id: number;
  node_id: string;
  login: string;
  avatar_url?: string;
  type?: string;
}

interface RestComment {
  id: number;
  node_id: string;
  user: RestUser | null;
  body: string | null;
  created_at: string;
  updated_at: string;
  issue_url?: string;
  pull_request_url?: string;
  pull_request_review_id?: number | null;
  path?: string;
}

const numberAtEnd = (url: string | undefined, what: string): number => {
  const m = /\/(\d+)$/.exec(url ?? "");
  if (!m) throw new Error(`a REST comment's ${what} has no number at its end: "${url}"`);
  return Number(m[1]);
};

const author = (u: RestUser | null) =>
  u ? { id: u.id, node_id: u.node_id, login: u.login, avatar_url: u.avatar_url ?? null, type: u.type ?? null } : null;

/**
 * One page of a comment list as a chunk. `then` is the cursor after the list's last page (the
 * next list's first page), or null when the data type is done after it.
 */
export async function commentListChunk(ctx: FetchContext, list: CommentList, url: string, then: string | null): Promise<Fetched> {
  const repositoryId = ctx.repositoryId;
  if (repositoryId === null) {
    throw new Error(`listing ${list} of ${ctx.owner}/${ctx.name} before its repository id is known: the GraphQL pages run first`);
  }
  const r = await ctx.rest<RestComment[]>(url);
  const rows: Json[] = r.data.map((c) => ({
    id: c.id,
    node_id: c.node_id,
    repository_id: repositoryId,
    author: author(c.user),
    body: c.body,
    created_at: c.created_at,
    updated_at: c.updated_at,
    ...(list === "issue_comments"
      ? { number: numberAtEnd(c.issue_url, "issue_url") }
      : { number: numberAtEnd(c.pull_request_url, "pull_request_url"), review_id: c.pull_request_review_id ?? null, path: c.path ?? null }),
  }));
  const nextCursor = r.next ? `${list}:${r.next}` : then;
  return {
    rows: {
      contributors: [], pull_requests: [], issues: [], reviews: [], review_comments: [], issue_comments: [],
      [`${list}_by_number`]: rows,
    },
    items: 0,
    nextCursor: nextCursor ?? ctx.cursor,
    done: nextCursor === null,
    estimatedTotal: ctx.itemsDone,
    points: 0,
  };
}
