// GraphQL documents the backfill worker sends, valid on GitHub's public schema. Every query asks
// for `rateLimit { cost remaining resetAt limit }` so the shared budget can be reconciled with
// what GitHub actually charged. Nested connections report `pageInfo`, and anything that did not
// fit is fetched in batched follow-ups before the chunk commits (engine/fetchers/follow_ups.ts).
import { queryCost } from "./query_cost.ts";

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
  PageFields: `fragment PageFields on PageInfo { hasNextPage endCursor }`,
  DiscussionCommentFields: `fragment DiscussionCommentFields on DiscussionComment {
  id databaseId body createdAt updatedAt
  author { ...ActorFields }
}`,
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

// What a PR or an issue page holds of each item, whichever order the page is in (also a parent
// fetched by number, fetchers/parents.ts).
export const PULL_REQUEST_NODE = `
        id databaseId number title body state isDraft additions deletions changedFiles
        createdAt updatedAt closedAt mergedAt
        author { ...ActorFields }
        labels(first: $nested) { pageInfo { ...PageFields } nodes { name color } }
        reviews(first: $nested) { pageInfo { ...PageFields } nodes { ...ReviewFields } }`;
export const ISSUE_NODE = `
        id databaseId number title body state createdAt updatedAt closedAt
        author { ...ActorFields }
        labels(first: $nested) { pageInfo { ...PageFields } nodes { name color } }`;

// Only two connections per PR (reviews, labels): with GitHub's formula a page of `first` PRs
// costs 1 + 2·first requests (100 PRs: 201 → 2 points; 74 PRs: 149 → 1 point), whatever the
// nested `first`. Conversation and review comments come from the repository-wide REST lists
// (fetchers/comment_lists.ts), which draw on the REST budget instead of points.
export const PULL_REQUESTS_QUERY = withFragments(/* GraphQL */ `
query PullRequestsPage($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    pullRequests(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      pageInfo { ...PageFields }
      nodes { ${PULL_REQUEST_NODE} }
    }
  }
}`);

// Scheduled (incremental) syncs: the same page, most recently updated first; the walk stops at
// the first PR updated before the last sync (GitHub has no updated-since filter on pullRequests).
export const PULL_REQUESTS_BY_UPDATE_QUERY = withFragments(/* GraphQL */ `
query PullRequestsUpdatedPage($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
      totalCount
      pageInfo { ...PageFields }
      nodes { ${PULL_REQUEST_NODE} }
    }
  }
}`);

// Labels only (1 + first requests: 100 issues cost 1 point); comments come from the REST list.
export const ISSUES_QUERY = withFragments(/* GraphQL */ `
query IssuesPage($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    issues(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      pageInfo { ...PageFields }
      nodes { ${ISSUE_NODE} }
    }
  }
}`);

// Scheduled (incremental) syncs: issues updated since the last sync (GitHub's `filterBy.since`
// is by update), most recently updated first.
export const ISSUES_BY_UPDATE_QUERY = withFragments(/* GraphQL */ `
query IssuesUpdatedPage($owner: String!, $name: String!, $first: Int!, $after: String, $nested: Int!, $since: DateTime!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    issues(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }, filterBy: { since: $since }) {
      totalCount
      pageInfo { ...PageFields }
      nodes { ${ISSUE_NODE} }
    }
  }
}`);

/** A nested connection whose pages may not fit on its parent's page: `<parent type>.<field>`. */
export type NestedConnection =
  | "PullRequest.reviews"
  | "PullRequest.labels"
  | "Issue.labels"
  | "Discussion.comments"
  | "DiscussionComment.replies";

const NESTED_NODES: Record<NestedConnection, string> = {
  "PullRequest.reviews": "...ReviewFields",
  "PullRequest.labels": "name color",
  "Issue.labels": "name color",
  "Discussion.comments": "...DiscussionCommentFields",
  "DiscussionComment.replies": "...DiscussionCommentFields",
};

/** Most parents in one follow-up request: GitHub refuses more than 100 ids in nodes(ids:)
 * (ARGUMENT_LIMIT); aliased node(id:) lookups are kept to the same number. */
export const MAX_FOLLOW_UP_PARENTS = 100;
/** Items per follow-up page: the most GitHub gives, at the cost of fewer (a follow-up's nested
 * connection has no children, so its size does not change the cost). */
export const FOLLOW_UP_PAGE = 100;

function nestedSelection(connection: NestedConnection, after: string | null): string {
  const [type, field] = connection.split(".");
  const args = after === null ? `first: ${FOLLOW_UP_PAGE}` : `first: ${FOLLOW_UP_PAGE}, after: ${after}`;
  return `... on ${type} { ${field}(${args}) { pageInfo { ...PageFields } nodes { ${NESTED_NODES[connection]} } } }`;
}

/** The first pages of one nested connection of up to 100 parents (`$ids`), in their order. */
export function nestedFirstPagesQuery(connection: NestedConnection): string {
  return withFragments(`query NestedFirstPages($ids: [ID!]!) {
  ${RATE_LIMIT}
  nodes(ids: $ids) { ${nestedSelection(connection, null)} }
}`);
}

/** The next page of one nested connection of `count` parents, each after its own cursor
 * (`$id<k>`, `$after<k>`; answered under the aliases `p<k>`): nodes(ids:) takes one selection for
 * every id, so it cannot carry a cursor per parent. */
export function nestedNextPagesQuery(connection: NestedConnection, count: number): string {
  const k = Array.from({ length: count }, (_, i) => i);
  return withFragments(`query NestedNextPages(${k.map((i) => `$id${i}: ID!, $after${i}: String!`).join(", ")}) {
  ${RATE_LIMIT}
  ${k.map((i) => `p${i}: node(id: $id${i}) { ${nestedSelection(connection, `$after${i}`)} }`).join("\n  ")}
}`);
}

/** GitHub's cost of `document` with `variables` in points (query_cost.ts), reserved before sending. */
export function estimateCost(document: string, variables: Record<string, unknown>): number {
  return queryCost(document, variables).points;
}

/**
 * The page size in 1..max that gets the most items per point for a page whose cost depends on
 * `first` (`costOf`); ties go to the larger page (fewer requests). E.g. the PR page: 74 PRs cost
 * 1 point (149 requests), 100 cost 2, so up to 100 the best is 74.
 */
export function bestPageSize(max: number, costOf: (first: number) => number): number {
  let best = 1;
  let bestRate = 0;
  for (let first = Math.max(1, Math.min(100, Math.floor(max))); first >= 1; first--) {
    const rate = first / costOf(first);
    if (rate > bestRate) {
      best = first;
      bestRate = rate;
    }
  }
  return best;
}
