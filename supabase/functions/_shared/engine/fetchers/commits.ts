// Commits of the default branch committed inside the window (history(since:)), newest first.
// The history is the only connection, so a page costs 1 point whatever its size: pages are
// twice the chunk page size, up to GitHub's 100.
// history(since:) filters by commit date, not by when a commit reached the branch: a pull request
// merged today may bring commits dated last week, which a scheduled sync starting at the last
// sync would never see. In "updated" mode the history is therefore read from
// COMMITS_OVERLAP_DAYS (14, ctx.commitsOverlapDays) before the window start; commits already
// stored are upserted again unchanged (by sha). Commits reaching the branch later than that
// overlap after their date are still missed until a backfill covers them.
import { type Actor, ChunkCollector } from "../ingest.ts";
import { RATE_LIMIT, withFragments } from "../../github/queries.ts";
import { type Page, repositoryOf } from "./common.ts";
import type { Fetcher, FetchContext } from "./types.ts";

type Json = Record<string, unknown>;

export const COMMITS_QUERY = withFragments(/* GraphQL */ `
query CommitsPage($owner: String!, $name: String!, $first: Int!, $after: String, $since: GitTimestamp) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    ...RepositoryFields
    defaultBranchRef {
      target {
        ... on Commit {
          history(first: $first, after: $after, since: $since) {
            totalCount
            pageInfo { ...PageFields }
            nodes {
              oid committedDate authoredDate additions deletions changedFilesIfAvailable messageHeadline
              author { name user { ...ActorFields } }
            }
          }
        }
      }
    }
  }
}`);

export const COMMITS_OVERLAP_DAYS = 14;

/** The `since` of the history: the window start, moved back by the overlap in "updated" mode. */
export function commitsSince(ctx: FetchContext): string | null {
  if (ctx.windowStart === null || ctx.mode !== "updated") return ctx.windowStart;
  const days = ctx.commitsOverlapDays ?? COMMITS_OVERLAP_DAYS;
  return new Date(Date.parse(ctx.windowStart) - days * 86_400_000).toISOString();
}

export const fetchCommits: Fetcher = async (ctx) => {
  const first = Math.max(1, Math.min(100, ctx.sizes.first * 2));
  const r = await ctx.graphql<{ repository: Json | null }>(COMMITS_QUERY, {
    owner: ctx.owner, name: ctx.name, first, after: ctx.cursor, since: commitsSince(ctx),
  }, 1);
  const repo = repositoryOf(r.data);
  const collector = ChunkCollector.forRepository(repo);
  const target = (repo.defaultBranchRef as { target?: { history?: Page } } | null)?.target;
  // An empty repository has no default branch; a non-commit target has no history.
  const history = target?.history;
  if (!history) return { rows: collector.rows, items: 0, nextCursor: ctx.cursor, done: true, estimatedTotal: 0, points: r.points };
  collector.rows.commits = history.nodes.map((c) => {
    const author = c.author as { name?: string | null; user?: Actor | null } | null;
    return {
      repository_id: collector.repositoryId, sha: c.oid, author_id: collector.actor(author?.user),
      author_name: author?.name ?? null, authored_at: c.authoredDate, committed_at: c.committedDate,
      additions: c.additions, deletions: c.deletions, changed_files: c.changedFilesIfAvailable ?? null,
      message_headline: c.messageHeadline,
    };
  });
  const done = !history.pageInfo.hasNextPage;
  return {
    rows: collector.rows,
    items: history.nodes.length,
    nextCursor: done ? ctx.cursor : history.pageInfo.endCursor,
    done,
    estimatedTotal: history.totalCount,
    points: r.points,
  };
};
