/**
 * A repository shaped like a large open-source project over one year, for benchmarks: about
 * 15,000 PRs, 60,000 reviews, 150,000 comments (PR conversation, review and issue comments,
 * discussion comments and replies), 5,000 issues, 500 discussions, 20,000 commits, 50,000 stars
 * and 5,000 forks over 365 days. Not in the default dataset: pass it in `repos`. Everything is
 * generated lazily (repo_data.ts); `large_repo_measure.ts` pages all of it and reports time and
 * memory.
 */
import type { RepoSpec } from "./dataset.ts";

export const LARGE_OSS_REPO: RepoSpec = {
  owner: "bigco",
  name: "framework",
  prs: 15_000,
  reviewsPerPr: 4,
  commentsPerPr: 5,
  reviewCommentsPerPr: 3,
  issues: 5_000,
  commentsPerIssue: 5,
  discussions: 500,
  commentsPerDiscussion: 5,
  repliesPerComment: 1,
  commits: 20_000,
  starsPerDay: 140,
  forks: 5_000,
  days: 365,
  heavyItems: 5,
  description: "A large open-source project: a year of activity at scale.",
};
