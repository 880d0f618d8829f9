// Conversation comments (issues and PRs) and review comments come from GitHub's repository-wide
// REST lists, which cost 1 "core" request per 100 comments instead of GraphQL points:
//   GET /repos/{o}/{r}/issues/comments?since=…&sort=updated&direction=asc&per_page=100
//   GET /repos/{o}/{r}/pulls/comments?since=…&sort=updated&direction=asc&per_page=100
// They run as later phases of the pull_requests / issues data types, after those types' GraphQL
// pages. Each page is one chunk. Rows carry the parent's number, which the upsert resolves among
// stored PRs and issues (engine.upsert_comment_rows); a comment updated inside the window whose
// parent is not stored brings its parent along (parents.ts), so comments inside the window are
// kept whatever their parent's age (a capped initial job, "the last N PRs", keeps its cap).
//
// The walk is keyset, not page numbers: each page asks for the comments updated since the last
// one the previous page saw, minus one second. GitHub documents `since` as "Only show results that
// were last updated after the given time" (strictly after), some clients observe at-or-after;
// asking one second earlier reads the rest of that second under either reading, and the comments
// read twice are upserted twice, harmlessly (they count no item). Page numbers break on big
// repositories: GitHub answers 422 "pagination is limited for this resource" past page
// ~1,100-1,300, and offsets shift when a comment is deleted between two reads (or before a
// resume), skipping one. Only when a whole page shares one updated_at second does the walk step to
// the next page number of that second; should GitHub refuse that page (more comments in one
// second than it pages through), the walk goes on after that second rather than stopping.
import { excerptOf, GithubError } from "../../github/graphql.ts";
import { ChunkCollector, type ChunkRows, emptyRows, restActor, type RestUser } from "../ingest.ts";
import type { WindowedPage } from "./common.ts";
import { fetchParents, type ParentNumbers } from "./parents.ts";
import type { Answered, Fetched, FetchContext } from "./types.ts";

type Json = Record<string, unknown>;

export type CommentList = "review_comments" | "issue_comments";
const LIST_PATH: Record<CommentList, string> = { review_comments: "pulls/comments", issue_comments: "issues/comments" };
const PER_PAGE = 100;

/** Phases of a data type's cursor: `<phase>:<value>`. `comments` walks both lists side by side
 * (a task that fetches PRs but no issues runs both in its pull_requests type). */
export type Phase = "prs" | "issues" | CommentList | "comments";
const PHASE = /^(prs|issues|review_comments|issue_comments|comments):(.*)$/s;

/** The phase of a stored cursor and its value; a cursor without a phase (stored before phases
 * existed) is a GraphQL cursor of the data type's first phase. */
export function parsePhase(cursor: string | null, first: Phase): { phase: Phase; value: string | null } {
  if (cursor === null) return { phase: first, value: null };
  const m = PHASE.exec(cursor);
  if (!m) return { phase: first, value: cursor };
  return { phase: m[1] as Phase, value: m[2] === "" ? null : m[2] };
}

/** Where a comment list stands: the list's own start (`from`, the window start: the next list of
 * the task starts there too, and comments updated before it are left out), the last updated_at
 * seen (`since`; the request asks from one second before it) and the page within that `since`. */
export interface ListCursor {
  from: string | null;
  since: string | null;
  page: number;
}

const cursorValue = (list: CommentList, c: ListCursor) => `${list}:${JSON.stringify(c)}`;

/** A stored list cursor. One stored before the keyset walk (a page URL, GitHub's Link next)
 * restarts the list at that URL's `since`: re-reading is harmless, page numbers are not. */
export function parseListCursor(value: string): ListCursor {
  if (value.startsWith("{")) return listCursorOf(JSON.parse(value) as Partial<ListCursor>, value);
  const since = new URL(value, "http://relative.invalid").searchParams.get("since");
  return { from: since, since, page: 1 };
}

/** A list cursor read from its stored JSON (`value`, for the error). */
function listCursorOf(c: Partial<ListCursor>, value: string): ListCursor {
  const page = Number(c.page ?? 1);
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`comment list cursor ${value}: page must be a positive integer`);
  return { from: c.from ?? null, since: c.since ?? null, page };
}

/** The cursor of a list's first page: comments updated since `since` (all when null), least
 * recently updated first. */
export function listStart(list: CommentList, since: string | null): string {
  return cursorValue(list, { from: since, since, page: 1 });
}

/** Where each of the two lists walked side by side stands; null: that list is done. */
export type BothCursors = Record<CommentList, ListCursor | null>;
const LISTS: CommentList[] = ["review_comments", "issue_comments"];

/** The cursor of both lists' first pages, walked side by side: each chunk asks for the next page
 * of each list at once, so a task waits for one request's latency per two pages. */
export function bothListsStart(since: string | null): string {
  return bothCursorsValue({ review_comments: { from: since, since, page: 1 }, issue_comments: { from: since, since, page: 1 } });
}

const bothCursorsValue = (c: BothCursors) => `comments:${JSON.stringify(c)}`;

export function parseBothCursors(value: string): BothCursors {
  const c = JSON.parse(value) as Partial<Record<CommentList, unknown>>;
  const one = (list: CommentList) => {
    const v = c[list];
    if (v === null) return null;
    if (typeof v !== "object" || v === undefined) throw new RangeError(`comment lists cursor ${value}: ${list} must be a list cursor or null`);
    return listCursorOf(v as Partial<ListCursor>, value);
  };
  return { review_comments: one("review_comments"), issue_comments: one("issue_comments") };
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

const SECOND = 1000;
const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The request of one list page: `since` one second before the cursor's (see the header). */
export function listPath(ctx: FetchContext, list: CommentList, c: ListCursor): string {
  const q = new URLSearchParams();
  if (c.since) q.set("since", isoSecond(Date.parse(c.since) - SECOND));
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
function isPaginationLimit(e: unknown): boolean {
  return e instanceof GithubError && e.details.status === 422 && /pagination is limited/i.test(e.message);
}

/** Whether this data type's fetcher also runs the IssueComment list: the list serves PRs and
 * issues alike, so it runs once, in the last of the two this task fetches. */
export function runsIssueComments(ctx: FetchContext, dataType: "pull_requests" | "issues"): boolean {
  return dataType === "issues" || !ctx.dataTypes.includes("issues");
}

interface RestComment {
  id: number;
  node_id: string;
  user: RestUser | null;
  body: string | null;
  created_at: string;
  updated_at: string;
  html_url?: string;
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

/** The kind of a comment's parent: a conversation comment's html_url reads …/pull/N#… on a PR
 * and …/issues/N#… on an issue (its issue_url says /issues/ for both); null when it says neither. */
export function parentKindOf(list: CommentList, c: RestComment): "pr" | "issue" | null {
  if (list === "review_comments") return "pr";
  const m = /\/(pull|issues)\/\d+(?:[#?/]|$)/.exec(c.html_url ?? "");
  return m ? (m[1] === "pull" ? "pr" : "issue") : null;
}

function commentRow(list: CommentList, c: RestComment, repositoryId: number): Json {
  return {
    id: c.id,
    node_id: c.node_id,
    repository_id: repositoryId,
    author: restActor(c.user),
    body: c.body,
    created_at: c.created_at,
    updated_at: c.updated_at,
    ...(list === "issue_comments"
      ? { number: numberAtEnd(c.issue_url, "issue_url") }
      : { number: numberAtEnd(c.pull_request_url, "pull_request_url"), review_id: c.pull_request_review_id ?? null, path: c.path ?? null }),
  };
}

/** The page after GitHub refused page `c.page` of the second `c.since` (422): the walk goes on
 * after that second; the comments of it past the pages GitHub serves are left out. */
function afterRefusedSecond(c: ListCursor): ListCursor {
  return { from: c.from, since: isoSecond(Date.parse(c.since!) + SECOND), page: 1 };
}

async function listPage(ctx: FetchContext, list: CommentList, cursor: ListCursor): Promise<Answered<RestComment[]> | null> {
  try {
    return await ctx.rest<RestComment[]>(listPath(ctx, list, cursor));
  } catch (e) {
    // Only a page past the first of one updated_at second is this deep. Retrying cannot help.
    if (!isPaginationLimit(e) || cursor.page === 1 || cursor.since === null) throw e;
    console.warn(`listing ${list} of ${ctx.owner}/${ctx.name}: more than ${(cursor.page - 1) * PER_PAGE} comments were last ` +
      `updated in the second ${cursor.since} and GitHub stops paging at page ${cursor.page} (${(e as Error).message}); ` +
      "the rest of that second is skipped (they are fetched once they change again)");
    return null;
  }
}

/**
 * The parents this page's comments miss, of the kinds the task fetches (a capped initial job
 * fetches none: its cap is the promise), fetched into `collector`. Returns the points spent.
 */
async function missingParents(ctx: FetchContext, list: CommentList, comments: RestComment[], collector: ChunkCollector): Promise<number> {
  if (!ctx.lookupParents || Number.isFinite(ctx.cap) || comments.length === 0) return 0;
  const byKind = { pr: new Set<number>(), issue: new Set<number>() };
  for (const c of comments) {
    const kind = parentKindOf(list, c);
    if (kind) byKind[kind].add(numberAtEnd(list === "issue_comments" ? c.issue_url : c.pull_request_url, "parent url"));
  }
  const { stored, taskDataTypes } = await ctx.lookupParents([...byKind.pr, ...byKind.issue]);
  const wanted = (kind: "pr" | "issue", dataType: string) =>
    taskDataTypes.includes(dataType) ? [...byKind[kind]].filter((n) => !stored.has(n)).sort((a, b) => a - b) : [];
  const numbers: ParentNumbers = { pullRequests: wanted("pr", "pull_requests"), issues: wanted("issue", "issues") };
  if (numbers.pullRequests.length + numbers.issues.length === 0) return 0;
  return await fetchParents(ctx, collector, numbers);
}

/** One page of a list: its rows (comments and the parents they brought), the parents of the
 * data type's own kind (its items), the points the parents cost, and the list's next cursor
 * (null: the list is done). */
interface ListPart {
  rows: ChunkRows;
  items: number;
  points: number;
  next: ListCursor | null;
}

async function listPart(ctx: FetchContext, list: CommentList, cursor: ListCursor, dataType: "pull_requests" | "issues"): Promise<ListPart> {
  const repositoryId = ctx.repositoryId;
  if (repositoryId === null) {
    throw new Error(`listing ${list} of ${ctx.owner}/${ctx.name} before its repository id is known: the GraphQL pages run first`);
  }
  const r = await listPage(ctx, list, cursor);
  if (r === null) return { rows: { ...emptyRows(), ...listRows(list, []) }, items: 0, points: 0, next: afterRefusedSecond(cursor) };
  if (!Array.isArray(r.data)) {
    throw new GithubError("unreadable", `${list} of ${ctx.owner}/${ctx.name} (data type ${dataType}): GitHub answered something ` +
      `other than a list of comments: ${excerptOf(r.data)}`, { excerpt: excerptOf(r.data) });
  }
  // Timestamps are shown to the second: the window's first second is kept whole.
  const from = cursor.from === null ? -Infinity : Math.floor(Date.parse(cursor.from) / SECOND) * SECOND;
  const inWindow = r.data.filter((c) => Date.parse(c.updated_at) >= from);
  const collector = new ChunkCollector(repositoryId);
  const points = await missingParents(ctx, list, inWindow, collector);
  const rows: ChunkRows = { ...collector.rows, ...listRows(list, inWindow.map((c) => commentRow(list, c, repositoryId))) };
  if (list === "issue_comments" && !ctx.dataTypes.includes("issues")) rows.issue_comment_parents = "pull_requests";
  const items = dataType === "pull_requests" ? collector.rows.pull_requests.length : collector.rows.issues.length;
  return { rows, items, points, next: nextListCursor(cursor, r.data.map((c) => c.updated_at), (r.next ?? null) !== null) };
}

/**
 * One page of a comment list as a chunk. `value` is the list's stored cursor; `then` is the
 * cursor after the list's last page (the next list's first page), or null when the data type is
 * done after it. `dataType` is the data type running the list: the parents of its own kind that
 * the page brings are its items (new rows: they were not stored).
 */
export async function commentListChunk(
  ctx: FetchContext,
  list: CommentList,
  value: string,
  then: string | null,
  dataType: "pull_requests" | "issues",
): Promise<Fetched> {
  const part = await listPart(ctx, list, parseListCursor(value), dataType);
  const nextCursor = part.next ? cursorValue(list, part.next) : then;
  return {
    rows: part.rows,
    items: part.items,
    nextCursor: nextCursor ?? ctx.cursor,
    done: nextCursor === null,
    estimatedTotal: ctx.itemsDone + part.items,
    points: part.points,
  };
}

/**
 * The next page of each list not done yet, asked for at once, as one chunk (`value`: the stored
 * BothCursors). Should one request fail, the chunk fails when both have answered (the other
 * page is read again on the retry: at most one request repeated). The data type is done when
 * both lists are.
 */
export async function bothListsChunk(ctx: FetchContext, value: string, dataType: "pull_requests" | "issues"): Promise<Fetched> {
  const cursors = parseBothCursors(value);
  const lists = LISTS.filter((l) => cursors[l] !== null);
  const settled = await Promise.allSettled(lists.map((l) => listPart(ctx, l, cursors[l]!, dataType)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  const parts = settled.map((s) => (s as PromiseFulfilledResult<ListPart>).value);
  const next: BothCursors = { ...cursors };
  lists.forEach((l, i) => next[l] = parts[i].next);
  const rows = mergeRows(parts.map((p) => p.rows));
  // A parent both pages brought is one item.
  const own = dataType === "pull_requests" ? rows.pull_requests : rows.issues;
  const items = new Set(own.map((r) => r.id)).size;
  const done = LISTS.every((l) => next[l] === null);
  return {
    rows,
    items,
    nextCursor: done ? ctx.cursor : bothCursorsValue(next),
    done,
    estimatedTotal: ctx.itemsDone + items,
    points: parts.reduce((a, p) => a + p.points, 0),
  };
}

/** The rows of several list pages as one chunk's (arrays concatenated; the upserts take each
 * id once). */
function mergeRows(all: ChunkRows[]): ChunkRows {
  const out: Record<string, unknown> = { ...emptyRows() };
  for (const rows of all) {
    for (const [key, v] of Object.entries(rows)) {
      if (Array.isArray(v)) out[key] = [...((out[key] as unknown[] | undefined) ?? []), ...v];
      else if (v !== undefined) out[key] = v;
    }
  }
  return out as unknown as ChunkRows;
}

function listRows(list: CommentList, comments: Json[]): Pick<ChunkRows, "issue_comments_by_number" | "review_comments_by_number"> {
  return { [`${list}_by_number`]: comments };
}
