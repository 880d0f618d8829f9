// Turns GitHub GraphQL nodes into the row sets one chunk commits (engine.upsert_github_rows),
// and lists the nested pages that did not fit so none is silently truncated; strips the NUL that
// Postgres refuses.
import type { NestedConnection } from "../github/queries.ts";

type Json = Record<string, unknown>;

export interface Actor {
  __typename?: string;
  login: string;
  avatarUrl?: string;
  id?: string;
  databaseId?: number | null;
}
interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
interface Connection<T> {
  pageInfo: PageInfo;
  nodes: T[];
}
interface Label {
  name: string;
  color: string;
}

export interface FollowUp {
  connection: NestedConnection;
  /** Node id of the parent the connection hangs off. */
  id: string;
  after: string | null;
  /** databaseId of the PR or issue the items belong to. */
  parentDatabaseId: number;
  parentKind: "pr" | "issue";
}

export interface ChunkRows {
  repository?: Json;
  contributors: Json[];
  pull_requests: Json[];
  issues: Json[];
  reviews: Json[];
  review_comments: Json[];
  issue_comments: Json[];
  discussions?: Json[];
  /** Top-level comments and replies (parent_id = the comment replied to). */
  discussion_comments?: Json[];
  commits?: Json[];
  forks?: Json[];
  /** One row per UTC day: {repository_id, day: "YYYY-MM-DD", stars}. */
  star_history?: Json[];
  /** Comments of the repository-wide REST lists, whose parent is known by number only: the
   * upsert resolves it among stored PRs/issues and drops comments of unstored parents. */
  issue_comments_by_number?: Json[];
  review_comments_by_number?: Json[];
}

export function emptyRows(): ChunkRows {
  return { contributors: [], pull_requests: [], issues: [], reviews: [], review_comments: [], issue_comments: [] };
}

export function repositoryRow(repo: Json): Json {
  const owner = repo.owner as { login: string; avatarUrl?: string };
  return {
    id: repo.databaseId,
    node_id: repo.id,
    owner: owner.login,
    name: repo.name,
    full_name: repo.nameWithOwner,
    avatar_url: owner.avatarUrl ?? null,
    stargazer_count: repo.stargazerCount,
    fork_count: repo.forkCount,
    default_branch: (repo.defaultBranchRef as { name?: string } | null)?.name ?? null,
    is_private: repo.isPrivate,
    github_created_at: repo.createdAt,
  };
}

/** Collects one chunk's rows; nested follow-up pages are merged in before the commit. */
export class ChunkCollector {
  readonly rows: ChunkRows = emptyRows();
  readonly followUps: FollowUp[] = [];
  private contributors = new Map<number, Json>();
  private prsByDbId = new Map<number, Json>();
  private issuesByDbId = new Map<number, Json>();

  constructor(readonly repositoryId: number) {}

  /** A collector for the chunk of an answer's `repository`, holding its metadata row. */
  static forRepository<C extends ChunkCollector>(this: new (repositoryId: number) => C, repo: Json): C {
    const collector = new this(repo.databaseId as number);
    collector.rows.repository = repositoryRow(repo);
    return collector;
  }

  /** The contributor id of an actor; actors without a databaseId (ghosts) are null. */
  actor(a: Actor | null | undefined): number | null {
    if (!a || a.databaseId === undefined || a.databaseId === null) return null;
    if (!this.contributors.has(a.databaseId)) {
      const row = { id: a.databaseId, node_id: a.id ?? null, login: a.login, avatar_url: a.avatarUrl ?? null, type: a.__typename ?? null };
      this.contributors.set(a.databaseId, row);
      this.rows.contributors.push(row);
    }
    return a.databaseId;
  }

  private follow(c: Connection<unknown>, connection: NestedConnection, id: string, parentDatabaseId: number, parentKind: "pr" | "issue") {
    if (c.pageInfo.hasNextPage) {
      this.followUps.push({ connection, id, after: c.pageInfo.endCursor, parentDatabaseId, parentKind });
    }
  }

  addPullRequest(n: Json): void {
    const id = n.databaseId as number;
    const labels = n.labels as Connection<Label>;
    const row: Json = {
      ...this.issueColumns(n, labels),
      is_draft: n.isDraft,
      additions: n.additions,
      deletions: n.deletions,
      changed_files: n.changedFiles,
      merged_at: n.mergedAt,
    };
    this.rows.pull_requests.push(row);
    this.prsByDbId.set(id, row);
    const node = n.id as string;
    this.follow(labels, "PullRequest.labels", node, id, "pr");
    this.addNested("PullRequest.reviews", n.reviews as Connection<Json>, node, id, "pr");
  }

  addIssue(n: Json): void {
    const id = n.databaseId as number;
    const labels = n.labels as Connection<Label>;
    const row = this.issueColumns(n, labels);
    this.rows.issues.push(row);
    this.issuesByDbId.set(id, row);
    this.follow(labels, "Issue.labels", n.id as string, id, "issue");
  }

  /** The columns pull requests and issues share (on GitHub a pull request is an issue). */
  private issueColumns(n: Json, labels: Connection<Label>): Json {
    return {
      id: n.databaseId,
      node_id: n.id,
      repository_id: this.repositoryId,
      number: n.number,
      title: n.title,
      body: n.body,
      state: n.state,
      author_id: this.actor(n.author as Actor),
      labels: labels.nodes.map((l) => ({ name: l.name, color: l.color })),
      created_at: n.createdAt,
      updated_at: n.updatedAt,
      closed_at: n.closedAt,
    };
  }

  /** Adds one page of a nested connection and queues its next page, if any. */
  addNested(connection: NestedConnection, page: Connection<Json>, parentNodeId: string, parentDatabaseId: number, parentKind: "pr" | "issue"): void {
    for (const x of page.nodes) {
      switch (connection) {
        case "PullRequest.reviews":
          this.rows.reviews.push({
            id: x.databaseId, node_id: x.id, repository_id: this.repositoryId, pull_request_id: parentDatabaseId,
            author_id: this.actor(x.author as Actor), state: x.state, body: x.body, submitted_at: x.submittedAt,
          });
          break;
        case "PullRequest.labels":
        case "Issue.labels": {
          const parent = (parentKind === "pr" ? this.prsByDbId : this.issuesByDbId).get(parentDatabaseId);
          (parent?.labels as Json[] | undefined)?.push({ name: x.name, color: x.color });
          break;
        }
      }
    }
    this.follow(page, connection, parentNodeId, parentDatabaseId, parentKind);
  }
}

/** Strings of GitHub's answers may hold NUL, which Postgres text and jsonb reject: removed. */
export function stripNul<T>(value: T): T {
  if (typeof value === "string") return (value.includes("\u0000") ? value.replaceAll("\u0000", "") : value) as T;
  if (Array.isArray(value)) return value.map(stripNul) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = stripNul(v);
    return out as T;
  }
  return value;
}
