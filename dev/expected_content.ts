// What a job stores of one repository for a window, by the GitHub simulator's ground truth and the
// engine's rules (supabase/functions/_shared/engine/fetchers), for the tests, the demo and the soak
// to compare a database with. The truth itself knows windows by creation (and `updatedSince`);
// the engine stores activity inside the window:
// - every PR, issue and discussion last updated at or after the window start (the walk by
//   update), with all its reviews, or comments and replies;
// - every conversation and review comment updated inside the window (the REST lists, from the
//   window's first second: GitHub shows times to the second);
// - the parents of those comments, of the kinds the job fetches (fetched by number), with their
//   reviews.
// A capped initial job ("the last N PRs") is not covered here: it walks PRs by creation.

export type ContentType =
  | "pull_requests"
  | "reviews"
  | "review_comments"
  | "pr_comments"
  | "issues"
  | "issue_comments"
  | "discussions"
  | "discussion_comments";

export const CONTENT_TYPES: readonly ContentType[] = [
  "pull_requests", "reviews", "review_comments", "pr_comments", "issues", "issue_comments", "discussions", "discussion_comments",
];

/** The fields of a truth item the rules read. */
export interface TruthItemLike {
  databaseId?: number;
  updatedAt?: string;
  parentDatabaseId?: number;
}

export interface ExpectedContent {
  ids: Record<ContentType, number[]>;
  /** The progress counts of the pull_requests and issues data types: the walk's items and the
   * parents a data type's own lists fetched (the review comment list runs in pull_requests, the
   * conversation comment list in issues when the job fetches issues, else in pull_requests; a
   * list counts only parents of its own type). */
  items: { pull_requests: number; issues: number; discussions: number };
}

const sorted = (xs: Iterable<number>) => [...new Set(xs)].sort((a, b) => a - b);

/** `all(type)`: every truth item of the repository of that type (no window). */
export function expectedContent(
  all: (type: ContentType) => TruthItemLike[],
  since: string,
  dataTypes: readonly string[] = ["pull_requests", "issues", "discussions"],
): ExpectedContent {
  const edge = Date.parse(since);
  const updatedSince = (i: TruthItemLike) => Date.parse(i.updatedAt!) >= edge;
  const commentInWindow = (i: TruthItemLike) => Math.floor(Date.parse(i.updatedAt!) / 1000) >= Math.floor(edge / 1000);
  const has = (t: string) => dataTypes.includes(t);
  const ids = (items: TruthItemLike[]) => items.map((i) => i.databaseId!);
  const parents = (items: TruthItemLike[]) => items.map((i) => i.parentDatabaseId!);
  const reviewComments = has("pull_requests") ? all("review_comments").filter(commentInWindow) : [];
  const prComments = has("pull_requests") ? all("pr_comments").filter(commentInWindow) : [];
  const issueComments = has("issues") ? all("issue_comments").filter(commentInWindow) : [];
  const walkedPrs = has("pull_requests") ? ids(all("pull_requests").filter(updatedSince)) : [];
  const walkedIssues = has("issues") ? ids(all("issues").filter(updatedSince)) : [];
  const prs = new Set([...walkedPrs, ...parents(reviewComments), ...parents(prComments)]);
  const issues = new Set([...walkedIssues, ...parents(issueComments)]);
  const discussions = new Set(has("discussions") ? ids(all("discussions").filter(updatedSince)) : []);
  const prsOfPrType = new Set([...walkedPrs, ...parents(reviewComments), ...(has("issues") ? [] : parents(prComments))]);
  return {
    ids: {
      pull_requests: sorted(prs),
      reviews: sorted(ids(all("reviews").filter((r) => prs.has(r.parentDatabaseId!)))),
      review_comments: sorted(ids(reviewComments)),
      pr_comments: sorted(ids(prComments)),
      issues: sorted(issues),
      issue_comments: sorted(ids(issueComments)),
      discussions: sorted(discussions),
      discussion_comments: sorted(ids(all("discussion_comments").filter((c) => discussions.has(c.parentDatabaseId!)))),
    },
    items: { pull_requests: prsOfPrType.size, issues: issues.size, discussions: discussions.size },
  };
}
