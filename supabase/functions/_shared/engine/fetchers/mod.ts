// The fetcher of each data type the worker can fetch (engine.supported_data_types()).
import { fetchCommits } from "./commits.ts";
import { fetchDiscussions } from "./discussions.ts";
import { fetchForks } from "./forks.ts";
import { fetchIssues } from "./issues.ts";
import { fetchPullRequests } from "./pull_requests.ts";
import { fetchRepository } from "./repository.ts";
import { fetchStars } from "./stars.ts";
import type { Fetcher } from "./types.ts";

export type { Answered, FetchContext, Fetched, Fetcher, FetchMode, ParentLookup } from "./types.ts";
export { fetchModeForJob } from "./types.ts";

export const FETCHERS: Readonly<Record<string, Fetcher>> = {
  repository: fetchRepository,
  pull_requests: fetchPullRequests,
  issues: fetchIssues,
  discussions: fetchDiscussions,
  commits: fetchCommits,
  stars: fetchStars,
  forks: fetchForks,
};
