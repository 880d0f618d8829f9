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
 * `desc`, GitHub's default for list directions), `since` (ISO 8601: only comments updated at or
 * after it), `per_page` (default 30, at most 100: larger values are clamped) and `page` (from 1;
 * a page past the end is `[]`). Without `sort`, GitHub orders by ascending id, which on GitHub is
 * creation order; the simulator's ids are allocated per parent, so it orders by `created_at`, then
 * id — the same order GitHub's would be. Timestamps compare at the second, as they are shown.
 *
 * Pagination follows GitHub: a `Link` header with `prev`, `next`, `last`, `first` (in that order,
 * each only when it applies) whose absolute URLs use the request's origin and GitHub's
 * `/repositories/{id}/…` form, keeping every query parameter but `page`.
 *
 * GitHub limits how deep these lists page on big repositories: past some page (about 1,100 to
 * 1,300 at 30 per page on `issues/comments`) it answers 422 "In order to keep the API fast for
 * everyone, pagination is limited for this resource. Check the rel=last link relation in the Link
 * response header to see how far back you can traverse." (singer-io/tap-github#61,
 * go-gitea/gitea#31856). `maxPage` reproduces it: `last` stops there, `next` still points one
 * page further (walkers following it meet the 422, as they do on GitHub).
 */
import type { Dataset, UserRec } from "./dataset.ts";
import type { CommentRec, RepoData } from "./repo_data.ts";
import { hash32 } from "./prng.ts";
import { iso } from "./resolvers.ts";

export type ListKind = "issues/comments" | "pulls/comments";
export const LIST_KINDS: readonly ListKind[] = ["issues/comments", "pulls/comments"];

interface Entry {
  /** Seconds-precision times (ms), as the API shows them. */
  created: number;
  updated: number;
  id: number;
  render: (api: string) => Record<string, unknown>;
}

interface Index {
  byCreated: Entry[];
  byUpdated?: Entry[];
}

const indexes = new WeakMap<RepoData, Map<ListKind, Index>>();

const second = (ms: number) => Math.floor(ms / 1000) * 1000;

function sorted(entries: Entry[], key: "created" | "updated"): Entry[] {
  return entries.sort((a, b) => a[key] - b[key] || a.id - b.id);
}

/** GitHub's `author_association`: stable per (repository, user). */
function association(ds: Dataset, repo: RepoData, user: UserRec | null): string {
  if (!user) return "NONE";
  const h = hash32(ds.seed, repo.ordinal, "association", user.databaseId) % 10;
  return h < 2 ? "MEMBER" : h < 4 ? "COLLABORATOR" : h < 8 ? "CONTRIBUTOR" : "NONE";
}

/** GitHub's simple user object; `null` for a deleted account (the ghost). */
function restUser(user: UserRec | null, api: string) {
  if (!user) return null;
  return {
    login: user.login,
    id: user.databaseId,
    node_id: user.id,
    avatar_url: user.avatarUrl,
    gravatar_id: "",
    url: `${api}/users/${user.login}`,
    html_url: `https://github.com/${user.login}`,
    type: "User",
    site_admin: false,
  };
}

function common(ds: Dataset, repo: RepoData, c: CommentRec, api: string) {
  return {
    id: c.databaseId,
    node_id: c.id,
    user: restUser(c.author, api),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    author_association: association(ds, repo, c.author),
    body: c.body,
  };
}

function buildIssueComments(ds: Dataset, repo: RepoData): Entry[] {
  const web = `https://github.com/${repo.nameWithOwner}`;
  const entries: Entry[] = [];
  const add = (c: CommentRec, number: number, htmlPath: string) =>
    entries.push({
      created: second(c.createdAt),
      updated: second(c.updatedAt),
      id: c.databaseId,
      render: (api) => {
        const base = `${api}/repos/${repo.nameWithOwner}`;
        return {
          url: `${base}/issues/comments/${c.databaseId}`,
          html_url: `${web}/${htmlPath}/${number}#issuecomment-${c.databaseId}`,
          issue_url: `${base}/issues/${number}`,
          ...common(ds, repo, c, api),
          performed_via_github_app: null,
        };
      },
    });
  for (let i = 0; i < repo.spec.prs; i++) {
    const number = repo.pr(i).number;
    for (const c of repo.prDetail(i).comments) add(c, number, "pull");
  }
  for (let i = 0; i < repo.spec.issues; i++) {
    const number = repo.issue(i).number;
    for (const c of repo.issueComments(i)) add(c, number, "issues");
  }
  return entries;
}

function buildReviewComments(ds: Dataset, repo: RepoData): Entry[] {
  const web = `https://github.com/${repo.nameWithOwner}`;
  const entries: Entry[] = [];
  for (let i = 0; i < repo.spec.prs; i++) {
    const number = repo.pr(i).number;
    const detail = repo.prDetail(i);
    for (const thread of detail.threads) {
      // On GitHub every reply in a thread points at the thread's first comment.
      const root = thread.comments[0];
      for (const c of thread.comments) {
        const reviewId = detail.reviewsByIndex[c.reviewIndex]?.databaseId ?? null;
        entries.push({
          created: second(c.createdAt),
          updated: second(c.updatedAt),
          id: c.databaseId,
          render: (api) => {
            const base = `${api}/repos/${repo.nameWithOwner}`;
            return {
              url: `${base}/pulls/comments/${c.databaseId}`,
              pull_request_review_id: reviewId,
              ...common(ds, repo, c, api),
              path: c.path,
              diff_hunk: "@@ -1,3 +1,3 @@",
              subject_type: "line",
              ...(c === root ? {} : { in_reply_to_id: root.databaseId }),
              html_url: `${web}/pull/${number}#discussion_r${c.databaseId}`,
              pull_request_url: `${base}/pulls/${number}`,
            };
          },
        });
      }
    }
  }
  return entries;
}

function indexOf(ds: Dataset, repo: RepoData, kind: ListKind): Index {
  let perRepo = indexes.get(repo);
  if (!perRepo) indexes.set(repo, perRepo = new Map());
  let index = perRepo.get(kind);
  if (!index) {
    const entries = kind === "issues/comments"
      ? buildIssueComments(ds, repo)
      : buildReviewComments(ds, repo);
    index = { byCreated: sorted(entries, "created") };
    perRepo.set(kind, index);
  }
  return index;
}

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
  const int = (name: string) => {
    const v = p.get(name);
    return v !== null && /^\d+$/.test(v) ? Number(v) : 0;
  };
  const perPage = int("per_page");
  return {
    key: sortGiven && sort === "updated" ? "updated" : "created",
    desc: sortGiven && p.get("direction") !== "asc",
    since,
    perPage: perPage < 1 ? 30 : Math.min(100, perPage),
    page: Math.max(1, int("page")),
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
): Response {
  if (params.page > maxPage) {
    return Response.json({
      message: PAGINATION_LIMITED,
      documentation_url: "https://docs.github.com/v3/#pagination",
    }, { status: 422 });
  }
  const index = indexOf(ds, repo, kind);
  let all = index.byCreated;
  if (params.key === "updated") {
    all = index.byUpdated ??= sorted([...index.byCreated], "updated");
  }
  const { since, perPage, page, desc } = params;
  const matching = since === null ? all : all.filter((e) => e.updated >= since);
  const total = matching.length;
  const start = (page - 1) * perPage;
  const slice: Entry[] = [];
  for (let k = start; k < Math.min(total, start + perPage); k++) {
    slice.push(matching[desc ? total - 1 - k : k]);
  }
  const headers: Record<string, string> = {};
  const link = linkHeader(url, repo, kind, page, Math.max(1, Math.ceil(total / perPage)), maxPage);
  if (link) headers.link = link;
  return Response.json(slice.map((e) => e.render(url.origin)), { headers });
}

function linkHeader(
  url: URL,
  repo: RepoData,
  kind: ListKind,
  page: number,
  lastPage: number,
  maxPage: number,
): string {
  const to = (n: number) => {
    const query = new URLSearchParams(url.searchParams);
    query.set("page", String(n));
    return `<${url.origin}/repositories/${repo.databaseId}/${kind}?${query}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${to(page - 1)}; rel="prev"`);
  if (page < lastPage) {
    parts.push(`${to(page + 1)}; rel="next"`, `${to(Math.min(lastPage, Math.max(page, maxPage)))}; rel="last"`);
  }
  if (page > 1) parts.push(`${to(1)}; rel="first"`);
  return parts.join(", ");
}
