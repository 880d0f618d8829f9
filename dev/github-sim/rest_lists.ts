/**
 * REST list endpoints over a whole repository, as documented by GitHub (docs.github.com/rest):
 *
 * - `GET /repos/{owner}/{repo}/issues/comments` ("List issue comments for a repository"): every
 *   IssueComment of the repository, on issues and on pull requests alike (every pull request is an
 *   issue; its `issue_url` carries the pull request's number, from the one number sequence PRs and
 *   issues share).
 * - `GET /repos/{owner}/{repo}/pulls/comments` ("List review comments in a repository").
 *
 * Parameters, both endpoints: `sort` (`created` | `updated`; the review comment list also takes
 * `created_at`), `direction` (`asc` | `desc`, ignored without `sort`; with `sort` it defaults to
 * `desc`, GitHub's default for list directions), `since` (ISO 8601; GitHub: "Only show results
 * that were last updated after the given time": strictly after by default, at or after with
 * `sinceMode: "inclusive"`, see `ListOptions`), `per_page` (default 30, at most 100: larger
 * values are clamped) and `page` (from 1; a page past the end is `[]`). Without `sort`, GitHub orders by ascending id, which on GitHub is
 * creation order; the simulator's ids are allocated per parent, so it orders by `created_at`, then
 * id — the same order GitHub's would be. Timestamps compare at the second, as they are shown.
 *
 * Pagination follows GitHub (paging.ts). The single comments the lists link to answer too:
 * `GET /repos/{owner}/{repo}/issues/comments/{comment_id}` ("Get an issue comment") and
 * `GET /repos/{owner}/{repo}/pulls/comments/{comment_id}` ("Get a review comment for a pull
 * request"); a deleted comment is a 404 there.
 *
 * GitHub limits how deep these lists page on big repositories: past some page (about 1,100 to
 * 1,300 at 30 per page on `issues/comments`) it answers 422 "In order to keep the API fast for
 * everyone, pagination is limited for this resource. Check the rel=last link relation in the Link
 * response header to see how far back you can traverse." (singer-io/tap-github#61,
 * go-gitea/gitea#31856). `maxPage` reproduces it: `last` stops there, `next` still points one
 * page further (walkers following it meet the 422, as they do on GitHub).
 */
import type { Dataset } from "./dataset.ts";
import type { RepoData } from "./repo_data.ts";
import { lastPageOf, linkHeader, pageRequest } from "./paging.ts";
import { notFound } from "./rest.ts";
import {
  byUpdated,
  entryOf,
  listIndex,
  type ListKind,
  nodeIdOf,
  render,
} from "./rest_list_index.ts";

export type { ListKind };
export const LIST_KINDS: readonly ListKind[] = ["issues/comments", "pulls/comments"];

export interface ListOptions {
  /** How `since` compares with `updated_at`. GitHub documents "Only show results that were last
   * updated after the given time", so the default is the literal reading, strictly after
   * ("exclusive"); "inclusive" (at or after) is what some clients observe. */
  sinceMode: "exclusive" | "inclusive";
}

export const LIST_DEFAULTS: ListOptions = { sinceMode: "exclusive" };

export interface ListParams {
  key: "created" | "updated";
  desc: boolean;
  since: number | null;
  perPage: number;
  page: number;
}

/** The query parameters of a list request, or the message of GitHub's 422 for a bad `since`. */
export function listParams(url: URL, kind: ListKind): ListParams | { invalid: string } {
  const p = url.searchParams;
  const sort = p.get("sort");
  const sorts = kind === "pulls/comments" ? ["created", "created_at", "updated"] : [
    "created",
    "updated",
  ];
  const sortGiven = sort !== null && sorts.includes(sort);
  const rawSince = p.get("since");
  let since: number | null = null;
  if (rawSince !== null && rawSince !== "") {
    since = /^\d{4}-\d{2}-\d{2}/.test(rawSince) ? Date.parse(rawSince) : NaN;
    if (Number.isNaN(since)) {
      return {
        invalid:
          `Invalid value for \`since\`: "${rawSince}". Use an ISO 8601 timestamp like 2026-11-15T00:00:00Z.`,
      };
    }
  }
  return {
    key: sortGiven && sort === "updated" ? "updated" : "created",
    desc: sortGiven && p.get("direction") !== "asc",
    since,
    ...pageRequest(url),
  };
}

/** One page of a repository-wide list, with GitHub's `Link` header. */
export const PAGINATION_LIMITED =
  "In order to keep the API fast for everyone, pagination is limited for this resource. Check the rel=last link relation in the Link response header to see how far back you can traverse.";

export function listPage(
  ds: Dataset,
  repo: RepoData,
  kind: ListKind,
  params: ListParams,
  url: URL,
  maxPage = Infinity,
  options: ListOptions = LIST_DEFAULTS,
): Response {
  if (params.page > maxPage) {
    return Response.json({
      message: PAGINATION_LIMITED,
      documentation_url: "https://docs.github.com/v3/#pagination",
    }, { status: 422 });
  }
  const index = listIndex(repo, kind);
  const { since, perPage, page, desc } = params;
  const inclusive = options.sinceMode === "inclusive";
  const keep = (i: number) =>
    since === null || (inclusive ? index.updated[i] >= since : index.updated[i] > since);
  let matching: ArrayLike<number>;
  if (params.key === "updated") {
    // Sorted by updated: the comments kept by `since` are a suffix.
    const all = byUpdated(index);
    let lo = 0, hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keep(all[mid])) hi = mid;
      else lo = mid + 1;
    }
    matching = all.subarray(lo);
  } else {
    matching = since === null ? index.byCreated : index.byCreated.filter(keep);
  }
  const total = matching.length;
  const start = (page - 1) * perPage;
  const slice: Record<string, unknown>[] = [];
  for (let k = start; k < Math.min(total, start + perPage); k++) {
    slice.push(render(ds, repo, kind, index, matching[desc ? total - 1 - k : k], url.origin));
  }
  const headers: Record<string, string> = {};
  const link = linkHeader(url, repo.databaseId, kind, page, lastPageOf(total, perPage), maxPage);
  if (link) headers.link = link;
  return Response.json(slice, { headers });
}

/** One comment of a list by its id (a REST sub-resource), or GitHub's 404 (deleted, unknown).
 * `beforeLookup` sees the comment's node id first (deleteOnFollowUp may delete it). */
export function listItem(
  ds: Dataset,
  repo: RepoData,
  kind: ListKind,
  id: number,
  url: URL,
  beforeLookup: (nodeId: string) => void = () => {},
): Response {
  const found = entryOf(listIndex(repo, kind), id);
  if (found !== undefined) beforeLookup(nodeIdOf(repo, kind, listIndex(repo, kind), found));
  const index = listIndex(repo, kind);
  const entry = entryOf(index, id);
  return entry === undefined
    ? notFound()
    : Response.json(render(ds, repo, kind, index, entry, url.origin));
}
