// GraphQL documents the backfill worker sends, valid on GitHub's public schema. Every query asks
// for `rateLimit { cost remaining resetAt limit }` so the shared budget can be reconciled with
// what GitHub actually charged. Nested connections report `pageInfo`, and anything that did not
// fit is fetched through `node(id:)` follow-ups before the chunk commits (see ingest.ts).

export const RATE_LIMIT = "rateLimit { cost remaining resetAt limit }";

const FRAGMENT_TEXT: Record<string, string> = {
  ActorFields: `fragment ActorFields on Actor {
  __typename
  login
  avatarUrl
  ... on User { id databaseId }
  ... on Bot { id databaseId }
  ... on Mannequin { id databaseId }
  ... on Organization { id databaseId }
}`,
  RepositoryFields: `fragment RepositoryFields on Repository {
  id databaseId name nameWithOwner
  owner { login avatarUrl }
  stargazerCount forkCount isPrivate createdAt
  defaultBranchRef { name }
}`,
  ReviewFields: `fragment ReviewFields on PullRequestReview {
  id databaseId state body submittedAt
  author { ...ActorFields }
}`,
  CommentFields: `fragment CommentFields on IssueComment {
  id databaseId body createdAt updatedAt
  author { ...ActorFields }
}`,
  ReviewCommentFields: `fragment ReviewCommentFields on PullRequestReviewComment {
  id databaseId path body createdAt updatedAt
  pullRequestReview { databaseId }
  author { ...ActorFields }
}`,
  PageFields: `fragment PageFields on PageInfo { hasNextPage endCursor }`,
};

/** Appends exactly the fragments a document uses (GitHub refuses unused ones). */
export function withFragments(operation: string): string {
  const used = new Set<string>();
  const visit = (text: string) => {
    for (const m of text.matchAll(/\.\.\.(\w+)/g)) {
      const name = m[1];
      if (FRAGMENT_TEXT[name] && !used.has(name)) {
        used.add(name);
        visit(FRAGMENT_TEXT[name]);
      }
    }
  };
  visit(operation);
  return [operation, ...[...used].map((n) => FRAGMENT_TEXT[n])].join("\n");
}

/** Page sizes of one chunk: top-level items and each nested connection. */
export interface PageSizes {
  first: number;
  nested: number;
  threadComments: number;
}

export const REPOSITORY_QUERY = withFragments(/* GraphQL */ `
query RepositoryMetadata($owner: String!, $name: String!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) { ...RepositoryFields }
}`);

export const PULL_REQUESTS_QUERY = withFragments(/* GraphQL */ `
query PullRequestsPage($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!, $threadComments: Int!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    pullRequests(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      pageInfo { ...PageFields }
      nodes {
        id databaseId number title body state isDraft additions deletions changedFiles
        createdAt updatedAt closedAt mergedAt
        author { ...ActorFields }
        labels(first: $nested) { pageInfo { ...PageFields } nodes { name color } }
        reviews(first: $nested) { pageInfo { ...PageFields } nodes { ...ReviewFields } }
        comments(first: $nested) { pageInfo { ...PageFields } nodes { ...CommentFields } }
        reviewThreads(first: $nested) {
          pageInfo { ...PageFields }
          nodes {
            id
            comments(first: $threadComments) { pageInfo { ...PageFields } nodes { ...ReviewCommentFields } }
          }
        }
      }
    }
  }
}`);

export const ISSUES_QUERY = withFragments(/* GraphQL */ `
query IssuesPage($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    issues(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      pageInfo { ...PageFields }
      nodes {
        id databaseId number title body state createdAt updatedAt closedAt
        author { ...ActorFields }
        labels(first: $nested) { pageInfo { ...PageFields } nodes { name color } }
        comments(first: $nested) { pageInfo { ...PageFields } nodes { ...CommentFields } }
      }
    }
  }
}`);

/** Follow-up pages of one nested connection of one parent node. */
export type NestedConnection =
  | "PullRequest.reviews"
  | "PullRequest.comments"
  | "PullRequest.labels"
  | "PullRequest.reviewThreads"
  | "PullRequestReviewThread.comments"
  | "Issue.comments"
  | "Issue.labels";

const NESTED_SELECTION: Record<NestedConnection, string> = {
  "PullRequest.reviews": "... on PullRequest { reviews(first: $first, after: $after) { pageInfo { ...PageFields } nodes { ...ReviewFields } } }",
  "PullRequest.comments": "... on PullRequest { comments(first: $first, after: $after) { pageInfo { ...PageFields } nodes { ...CommentFields } } }",
  "PullRequest.labels": "... on PullRequest { labels(first: $first, after: $after) { pageInfo { ...PageFields } nodes { name color } } }",
  "PullRequest.reviewThreads":
    "... on PullRequest { reviewThreads(first: $first, after: $after) { pageInfo { ...PageFields } nodes { id comments(first: $threadComments) { pageInfo { ...PageFields } nodes { ...ReviewCommentFields } } } } }",
  "PullRequestReviewThread.comments":
    "... on PullRequestReviewThread { comments(first: $first, after: $after) { pageInfo { ...PageFields } nodes { ...ReviewCommentFields } } }",
  "Issue.comments": "... on Issue { comments(first: $first, after: $after) { pageInfo { ...PageFields } nodes { ...CommentFields } } }",
  "Issue.labels": "... on Issue { labels(first: $first, after: $after) { pageInfo { ...PageFields } nodes { name color } } }",
};

export function nestedQuery(connection: NestedConnection): string {
  const threadVar = connection === "PullRequest.reviewThreads" ? ", $threadComments: Int!" : "";
  return withFragments(`query NestedPage($id: ID!, $first: Int!, $after: String${threadVar}) {
  ${RATE_LIMIT}
  node(id: $id) { ${NESTED_SELECTION[connection]} }
}`);
}

/**
 * GitHub's cost formula (requests per connection, summed, /100, rounded, minimum 1), for the
 * documents above: used to reserve budget before sending.
 */
export function estimateCost(kind: "repository" | "pull_requests" | "issues" | NestedConnection, sizes: PageSizes): number {
  const { first, nested, threadComments } = sizes;
  let requests: number;
  switch (kind) {
    case "repository":
      requests = 1;
      break;
    case "pull_requests":
      // pullRequests + (labels, reviews, comments, reviewThreads) per PR + thread comments per thread
      requests = 1 + first * 4 + first * nested;
      void threadComments;
      break;
    case "issues":
      requests = 1 + first * 2;
      break;
    case "PullRequest.reviewThreads":
      requests = 1 + first;
      break;
    default:
      requests = 1;
  }
  return Math.max(1, Math.round(requests / 100));
}
