// Conversation comments (issues and PRs) and review comments come from GitHub's repository-wide
// REST lists, which cost 1 "core" request per 100 comments instead of GraphQL points:
//   GET /repos/{o}/{r}/issues/comments?since=…&sort=updated&direction=asc&per_page=100
//   GET /repos/{o}/{r}/pulls/comments?since=…&sort=updated&direction=asc&per_page=100
// They run as later phases of the pull_requests / issues data types, after those types' GraphQL
// pages, so their parents are stored when they commit. Each page is one chunk. `since` filters on
// updated_at, so a list is a superset of the comments of this task's parents: rows carry the
// parent's number and the upsert keeps only comments whose parent is stored
// (engine.upsert_comment_rows).
//
// The walk is keyset, not page numbers: each page asks for the comments updated since the last
// one the previous page saw (since is inclusive, so the comments of that second are read again;
// upserts make that harmless). Page numbers break on big repositories: GitHub answers 422
// "pagination is limited for this resource" past page ~1,100-1,300, and offsets shift when a
// comment is deleted between two reads (or before a resume), skipping one. Only when a whole
// page shares one updated_at second does the walk step to the next page number of that second.
import { GithubError } from "../../github/graphql.ts";
import type { ChunkRows } from "../ingest.ts";
import type { WindowedPage } from "./common.ts";
import type { Answered, Fetched, FetchContext } from "./types.ts";

type Json = Record<string, unknown>;

export type CommentList = "review_comments" | "issue_comments";
const LIST_PATH: Record<CommentList, string> = { review_comments: "pulls/comments", issue_comments: "issues/comments" };
const PER_PAGE = 100;

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

/** Where a comment list stands: the list's own start (`from`, which the next list of the task
 * starts at too), the `since` of the next request and its page within that `since`. */
export interface ListCursor {
  from: string | null;
  since: string | null;
  page: number;
}

const cursorValue = (list: CommentList, c: ListCursor) => `${list}:${JSON.stringify(c)}`;

/** A stored list cursor. One stored before the keyset walk (a page URL, GitHub's Link next)
 * restarts the list at that URL's `since`: re-reading is harmless, page numbers are not. */
export function parseListCursor(value: string): ListCursor {
  if (value.startsWith("{")) {
    const c = JSON.parse(value) as Partial<ListCursor>;
    const page = Number(c.page ?? 1);
    if (!Number.isInteger(page) || page < 1) throw new RangeError(`comment list cursor ${value}: page must be a positive integer`);
    return { from: c.from ?? null, since: c.since ?? null, page };
  }
  const since = new URL(value, "http://relative.invalid").searchParams.get("since");
  return { from: since, since, page: 1 };
}

/** The cursor of a list's first page: comments updated since `since` (all when null), least
 * recently updated first. */
export function listStart(list: CommentList, since: string | null): string {
  return cursorValue(list, { from: since, since, page: 1 });
}

/** A chunk of a GraphQL phase (`prs`, `issues`) that a comment list follows: the phase goes on
 * at the page's cursor, and after its last page the data type goes on with the list at
 * `listCursor` (estimated total: the items done so far). */
export function pageThenList(
  ctx: FetchContext,
  phase: "prs" | "issues",
  rows: ChunkRows,
  page: WindowedPage,
  points: number,
  listCursor: string,
): Fetched {
  if (!page.done) return { rows, ...page, nextCursor: `${phase}:${page.nextCursor ?? ""}`, points };
  return { rows, ...page, done: false, nextCursor: listCursor, estimatedTotal: ctx.itemsDone + page.items, points };
}

/** The start (`from`) of a stored list cursor, null when it has none. */
export function listFrom(value: string): string | null {
  return parseListCursor(value).from;
}

/** The request of one list page. */
export function listPath(ctx: FetchContext, list: CommentList, c: ListCursor): string {
  const q = new URLSearchParams();
  if (c.since) q.set("since", c.since);
  q.set("sort", "updated");
  q.set("direction", "asc");
  q.set("per_page", String(PER_PAGE));
  if (c.page > 1) q.set("page", String(c.page));
  return `/repos/${encodeURIComponent(ctx.owner)}/${encodeURIComponent(ctx.name)}/${LIST_PATH[list]}?${q}`;
}

/**
 * The cursor after a page of `rows` (updated_at ascending), null when the list is done: a page
 * shorter than asked for with no Link next. A full page without a next goes on (a capped Link
 * header must not end the walk early; the extra request answers an empty page).
 */
export function nextListCursor(c: ListCursor, updatedAts: string[], hasNext: boolean): ListCursor | null {
  if (updatedAts.length === 0 || (!hasNext && updatedAts.length < PER_PAGE)) return null;
  const last = updatedAts[updatedAts.length - 1];
  if (c.since === null || Date.parse(last) > Date.parse(c.since)) return { from: c.from, since: last, page: 1 };
  // The whole page was updated in the second `since` names: the next page of that second.
  return { ...c, page: c.page + 1 };
}

/** Whether a failed list request is GitHub's 422 for paging too deep. */
export function isPaginationLimit(e: unknown): boolean {
  return e instanceof GithubError && e.details.status === 422 && /pagination is limited/i.test(e.message);
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
 * One page of a comment list as a chunk. `value` is the list's stored cursor; `then` is the
 * cursor after the list's last page (the next list's first page), or null when the data type is
 * done after it.
 */
export async function commentListChunk(ctx: FetchContext, list: CommentList, value: string, then: string | null): Promise<Fetched> {
  const repositoryId = ctx.repositoryId;
  if (repositoryId === null) {
    throw new Error(`listing ${list} of ${ctx.owner}/${ctx.name} before its repository id is known: the GraphQL pages run first`);
  }
  const cursor = parseListCursor(value);
  let r: Answered<RestComment[]>;
  try {
    r = await ctx.rest<RestComment[]>(listPath(ctx, list, cursor));
  } catch (e) {
    // Only a page past the first of one updated_at second can be this deep: more comments share
    // that second than GitHub pages through. Retrying cannot help, nor can re-reading.
    if (isPaginationLimit(e)) {
      throw new Error(`listing ${list} of ${ctx.owner}/${ctx.name}: more than ${(cursor.page - 1) * PER_PAGE} comments were ` +
        `last updated in the second ${cursor.since} and GitHub stops paging at page ${cursor.page} (${(e as Error).message}); ` +
        "those past the limit are fetched once they change again: retry the repository later");
    }
    throw e;
  }
  if (!Array.isArray(r.data)) throw new TypeError(`${list} of ${ctx.owner}/${ctx.name}: GitHub answered something other than a list`);
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
  const next = nextListCursor(cursor, r.data.map((c) => c.updated_at), (r.next ?? null) !== null);
  const nextCursor = next ? cursorValue(list, next) : then;
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
