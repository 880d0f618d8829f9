// The parents of comments that the repository-wide REST lists name by number only and that are
// not stored: a comment updated inside the window on a PR or an issue the walk did not store (one
// whose own last update is older). They are fetched by number, with what a page holds of them
// (labels, reviews and their follow-ups), and committed in the same chunk as their comments, which
// engine.upsert_comment_rows resolves after the chunk's PRs and issues.
import type { ChunkCollector } from "../ingest.ts";
import { ISSUE_NODE, PULL_REQUEST_NODE, RATE_LIMIT, withFragments } from "../../github/queries.ts";
import { repositoryOf } from "./common.ts";
import { lookup, runFollowUps } from "./follow_ups.ts";
import type { FetchContext } from "./types.ts";

type Json = Record<string, unknown>;

export interface ParentNumbers {
  pullRequests: number[];
  issues: number[];
}

/** Parents per request: a PR brings two connections (labels, reviews), so 50 PRs are 101
 * requests, 1 point. */
const PARENTS_PER_REQUEST = 50;

/** PRs and issues of one repository by number, under the aliases `pr<n>` and `issue<n>`. */
export function parentsQuery(numbers: ParentNumbers): string {
  const fields = [
    ...numbers.pullRequests.map((n) => `pr${n}: pullRequest(number: ${n}) { ${PULL_REQUEST_NODE} }`),
    ...numbers.issues.map((n) => `issue${n}: issue(number: ${n}) { ${ISSUE_NODE} }`),
  ];
  return withFragments(/* GraphQL */ `
query ParentsByNumber($owner: String!, $name: String!, $nested: Int!) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    ${fields.join("\n    ")}
  }
}`);
}

/** Batches of at most PARENTS_PER_REQUEST parents. */
function batches(numbers: ParentNumbers): ParentNumbers[] {
  const all = [
    ...numbers.pullRequests.map((n) => ({ kind: "pr" as const, n })),
    ...numbers.issues.map((n) => ({ kind: "issue" as const, n })),
  ];
  const out: ParentNumbers[] = [];
  for (let i = 0; i < all.length; i += PARENTS_PER_REQUEST) {
    const part = all.slice(i, i + PARENTS_PER_REQUEST);
    out.push({
      pullRequests: part.filter((x) => x.kind === "pr").map((x) => x.n),
      issues: part.filter((x) => x.kind === "issue").map((x) => x.n),
    });
  }
  return out;
}

/**
 * Fetches the PRs and issues numbered in `numbers` into `collector`, nested pages included. One
 * that does not resolve (deleted since its comment was listed: null, with NOT_FOUND on GitHub) is
 * left out, and the upsert drops its comments. Returns the points spent.
 */
export async function fetchParents(ctx: FetchContext, collector: ChunkCollector, numbers: ParentNumbers): Promise<number> {
  let points = 0;
  for (const part of batches(numbers)) {
    const r = await lookup<{ repository: Json | null }>(ctx, parentsQuery(part), { owner: ctx.owner, name: ctx.name, nested: 100 });
    points += r.points;
    const repo = repositoryOf(r.data);
    for (const n of part.pullRequests) {
      if (repo[`pr${n}`]) collector.addPullRequest(repo[`pr${n}`] as Json);
    }
    for (const n of part.issues) {
      if (repo[`issue${n}`]) collector.addIssue(repo[`issue${n}`] as Json);
    }
  }
  return points + await runFollowUps(ctx, collector.followUps);
}
