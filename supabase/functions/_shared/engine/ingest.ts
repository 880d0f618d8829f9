// Turns GitHub GraphQL nodes into the row sets one chunk commits (engine.upsert_github_rows),
// queues the nested pages that did not fit (fetchers/follow_ups.ts) so none is silently
// truncated, drops items a follow-up found deleted; strips the NUL that Postgres refuses.
import { type FollowUp, followIfMore, type NestedPage } from "./fetchers/follow_ups.ts";

type Json = Record<string, unknown>;

export interface Actor {
  __typename?: string;
  login: string;
  avatarUrl?: string;
  id?: string;
  databaseId?: number | null;
}
interface Label {
  name: string;
  color: string;
}

/** GitHub's simple user object of REST answers. */
export interface RestUser {
  id: number;
  node_id: string;
  login: string;
  avatar_url?: string;
  type?: string;
}

/**
 * The contributor of a REST user object, spelt as GraphQL spells it so one account is one row:
 * REST names a GitHub App's bot `dependabot[bot]` (type "Bot") where GraphQL's Bot.login is
 * `dependabot`.
 */
export function restActor(u: RestUser | null | undefined): Json | null {
  if (!u) return null;
  const login = u.type === "Bot" ? u.login.replace(/\[bot\]$/, "") : u.login;
  return { id: u.id, node_id: u.node_id, login, avatar_url: u.avatar_url ?? null, type: u.type ?? null };
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
  /** "pull_requests" when the job does not fetch issues: its conversation comments attach to
   * stored PRs only (not to issues another job stored). */
  issue_comment_parents?: "pull_requests";
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
  /** Top-level items (PRs, issues, discussions) dropped since: deleted before their follow-up. */
  dropped = 0;
  private contributors = new Map<number, Json>();

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

  addPullRequest(n: Json): void {
    const id = n.databaseId as number;
    const labels = n.labels as NestedPage;
    const row: Json = {
      ...this.issueColumns(n, labels),
      is_draft: n.isDraft,
      additions: n.additions,
      deletions: n.deletions,
      changed_files: n.changedFiles,
      merged_at: n.mergedAt,
    };
    this.rows.pull_requests.push(row);
    const node = n.id as string;
    const gone = () => this.dropPullRequest(id);
    followIfMore(this.followUps, labels, { connection: "PullRequest.labels", id: node, take: (p) => addLabels(row, p), gone });
    const reviews = n.reviews as NestedPage;
    const take = (p: NestedPage) => this.addReviews(p, id);
    take(reviews);
    followIfMore(this.followUps, reviews, { connection: "PullRequest.reviews", id: node, take, gone });
  }

  addIssue(n: Json): void {
    const id = n.databaseId as number;
    const labels = n.labels as NestedPage;
    const row = this.issueColumns(n, labels);
    this.rows.issues.push(row);
    followIfMore(this.followUps, labels, {
      connection: "Issue.labels", id: n.id as string, take: (p) => addLabels(row, p), gone: () => this.dropIssue(id),
    });
  }

  private addReviews(page: NestedPage, pullRequestId: number): void {
    for (const x of page.nodes) {
      this.rows.reviews.push({
        id: x.databaseId, node_id: x.id, repository_id: this.repositoryId, pull_request_id: pullRequestId,
        author_id: this.actor(x.author as Actor), state: x.state, body: x.body, submitted_at: x.submittedAt,
      });
    }
  }

  /** A PR deleted before its follow-up: gone with its reviews. */
  private dropPullRequest(id: number): void {
    const before = this.rows.pull_requests.length;
    this.rows.pull_requests = this.rows.pull_requests.filter((p) => p.id !== id);
    this.rows.reviews = this.rows.reviews.filter((r) => r.pull_request_id !== id);
    if (this.rows.pull_requests.length < before) this.dropped++;
  }

  private dropIssue(id: number): void {
    const before = this.rows.issues.length;
    this.rows.issues = this.rows.issues.filter((i) => i.id !== id);
    if (this.rows.issues.length < before) this.dropped++;
  }

  /** The columns pull requests and issues share (on GitHub a pull request is an issue). */
  private issueColumns(n: Json, labels: NestedPage): Json {
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
}

function addLabels(row: Json, page: NestedPage): void {
  (row.labels as Label[]).push(...page.nodes.map((l) => ({ name: l.name as string, color: l.color as string })));
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
