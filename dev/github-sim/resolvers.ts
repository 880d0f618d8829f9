/**
 * The GraphQL object model over the dataset. Objects expose scalar fields as properties and
 * fields with arguments as methods, which graphql-js's field resolution calls with
 * (args, context). Fields the simulator does not model resolve to null, or — when the schema
 * says non-null — to an error naming the field (see `fieldResolver`).
 */
import { type GraphQLFieldResolver, isNonNullType } from "npm:graphql@16.15.0";
import { type Dataset, type RepoEntry, type UserRec } from "./dataset.ts";
import {
  type CommentRec,
  type CommitRec,
  type DiscussionCommentRec,
  type LabelRec,
  type PrRec,
  type RepoData,
  type ReviewCommentRec,
  type ReviewRec,
  type ThreadRec,
} from "./repo_data.ts";
import { connection, type PageArgs, type ServeCounter, SimError } from "./connection.ts";
import { decodeNodeId } from "./ids.ts";

export interface RateInfo {
  cost: number;
  limit: number;
  remaining: number;
  used: number;
  resetAt: number;
  nodeCount: number;
}

export interface ResolveContext extends ServeCounter {
  ds: Dataset;
  token: string;
  viewer: UserRec;
  rate: RateInfo;
  /** `rateLimit(dryRun: true)`: only rateLimit is evaluated. */
  dryRun: boolean;
  /** Whether this request's credential may see a repository (auth.ts). */
  canSee(entry: RepoEntry): boolean;
  /** Called with each id `node`/`nodes` is about to resolve (deleteOnFollowUp). */
  beforeLookup(id: string): void;
}

type Order = { field?: string; direction?: "ASC" | "DESC" } | null | undefined;
type Args = PageArgs & Record<string, unknown>;

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** GitHub's DateTime format ("2026-11-30T23:48:05Z"), without Date allocation (hot path). */
export function iso(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  // Civil-from-days (Howard Hinnant), proleptic Gregorian, UTC.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(rest / 3600), mm = Math.floor((rest % 3600) / 60), ss = rest % 60;
  return `${y}-${pad2(m)}-${pad2(d)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}Z`;
}

export const fieldResolver: GraphQLFieldResolver<unknown, ResolveContext> = (
  source,
  args,
  ctx,
  info,
) => {
  if (source === null || typeof source !== "object") return null;
  const value = (source as Record<string, unknown>)[info.fieldName];
  if (typeof value === "function") return value.call(source, args, ctx, info);
  if (value === undefined && isNonNullType(info.returnType)) {
    throw new Error(
      `The GitHub simulator does not implement ${info.parentType.name}.${info.fieldName}; remove it from the query or add it to dev/github-sim/resolvers.ts.`,
    );
  }
  return value ?? null;
};

const users = new WeakMap<UserRec, object>();
function user(rec: UserRec | null) {
  if (!rec) return null;
  let u = users.get(rec);
  if (!u) {
    u = {
      __typename: "User",
      login: rec.login,
      databaseId: rec.databaseId,
      id: rec.id,
      avatarUrl: rec.avatarUrl,
      name: rec.name,
      email: "",
      url: `https://github.com/${rec.login}`,
      resourcePath: `/${rec.login}`,
    };
    users.set(rec, u);
  }
  return u;
}

function label(rec: LabelRec) {
  return { __typename: "Label", ...rec };
}

/** Comment-like objects; dates are formatted only when asked for. */
class CommentNode {
  constructor(protected c: CommentRec, readonly __typename: string, readonly url: string) {}
  get id() {
    return this.c.id;
  }
  get databaseId() {
    return this.c.databaseId;
  }
  get body() {
    return this.c.body;
  }
  get bodyText() {
    return this.c.body;
  }
  get createdAt() {
    return iso(this.c.createdAt);
  }
  get updatedAt() {
    return iso(this.c.updatedAt);
  }
  get publishedAt() {
    return iso(this.c.createdAt);
  }
  get lastEditedAt() {
    return this.c.updatedAt !== this.c.createdAt ? iso(this.c.updatedAt) : null;
  }
  get author() {
    return user(this.c.author);
  }
  readonly isMinimized = false;
}

function comment(rec: CommentRec, typename: string, url: string) {
  return new CommentNode(rec, typename, url);
}

/** Positions of a top-level kind after state filter and ordering, cached per repository. */
const listCache = new WeakMap<RepoData, Map<string, Uint32Array>>();
function orderedList(
  repo: RepoData,
  kind: "pr" | "issue" | "discussion",
  order: Order,
  defaultOrder: { field: string; direction: "ASC" | "DESC" },
  states: string[] | null,
  since: number | null,
): { list: Uint32Array; desc: boolean } {
  const field = order?.field === "UPDATED_AT"
    ? "UPDATED_AT"
    : order?.field === "CREATED_AT"
    ? "CREATED_AT"
    : defaultOrder.field as "CREATED_AT" | "UPDATED_AT";
  const desc = (order?.direction ?? (order ? "ASC" : defaultOrder.direction)) === "DESC";
  const perm = repo.order(kind, field);
  if (!states?.length && since === null) return { list: perm, desc };
  let cache = listCache.get(repo);
  if (!cache) listCache.set(repo, cache = new Map());
  const key = `${repo.version}:${kind}:${field}:${[...(states ?? [])].sort().join(",")}:${since}`;
  let list = cache.get(key);
  if (!list) {
    const wanted = new Set(states ?? []);
    const out: number[] = [];
    for (const i of perm) {
      if (wanted.size) {
        const state = kind === "pr" ? repo.prState(i) : repo.issueState(i);
        if (!wanted.has(state)) continue;
      }
      if (since !== null && repo.updatedAtOf(kind, i) < since) continue;
      out.push(i);
    }
    list = Uint32Array.from(out);
    if (cache.size > 64) cache.clear();
    cache.set(key, list);
  }
  return { list, desc };
}

function pick(list: Uint32Array, desc: boolean, p: number): number {
  return desc ? list[list.length - 1 - p] : list[p];
}

function lowerBound(arr: Float64Array, value: number): number {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function parseTime(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms)) {
    throw new SimError(
      "INVALID_ARGUMENTS",
      `Argument '${field}' has an invalid value (${value}). Expected type 'DateTime'.`,
    );
  }
  return ms;
}

// ---- objects ------------------------------------------------------------------------------------

export class RepositoryNode {
  readonly __typename = "Repository";
  constructor(private repo: RepoData) {}
  get id() {
    return this.repo.id;
  }
  get databaseId() {
    return this.repo.databaseId;
  }
  get name() {
    return this.repo.name;
  }
  get nameWithOwner() {
    return this.repo.nameWithOwner;
  }
  get url() {
    return `https://github.com/${this.repo.nameWithOwner}`;
  }
  get owner() {
    return {
      __typename: "Organization",
      login: this.repo.owner,
      id: `O_kgDO${btoa(this.repo.owner).replaceAll("=", "")}`,
      avatarUrl: `https://avatars.githubusercontent.com/${this.repo.owner}`,
      url: `https://github.com/${this.repo.owner}`,
    };
  }
  get stargazerCount() {
    return this.repo.stargazerCount();
  }
  get forkCount() {
    return this.repo.spec.forks;
  }
  get isPrivate() {
    return this.repo.spec.private;
  }
  readonly isFork = false;
  readonly isArchived = false;
  readonly isDisabled = false;
  readonly isEmpty = false;
  get description() {
    return this.repo.spec.description;
  }
  get createdAt() {
    return iso(this.repo.createdAt);
  }
  get pushedAt() {
    const n = this.repo.spec.commits;
    return iso(n ? this.repo.timesOf("commit", n)[n - 1] : this.repo.createdAt);
  }
  get updatedAt() {
    return this.pushedAt;
  }
  get defaultBranchRef() {
    const n = this.repo.spec.commits;
    if (!n) return null;
    return {
      __typename: "Ref",
      name: "main",
      prefix: "refs/heads/",
      target: new CommitNode(this.repo, this.repo.commit(n - 1), true),
    };
  }
  stargazers() {
    throw new SimError(
      "FORBIDDEN",
      "Listing stargazers is restricted to repository administrators and collaborators; use the stargazers history endpoint.",
    );
  }
  pullRequests(args: Args, ctx: ResolveContext) {
    const { list, desc } = orderedList(
      this.repo,
      "pr",
      args.orderBy as Order,
      { field: "CREATED_AT", direction: "ASC" },
      args.states as string[] | null,
      null,
    );
    return connection(
      args,
      list.length,
      (p) => new PullRequestNode(this.repo, this.repo.pr(pick(list, desc, p))),
      ctx,
    );
  }
  pullRequest(args: { number: number }) {
    const i = findByNumber(this.repo, "pr", args.number);
    return i === null ? null : new PullRequestNode(this.repo, this.repo.pr(i));
  }
  issues(args: Args, ctx: ResolveContext) {
    const filter = (args.filterBy ?? {}) as { since?: string; states?: string[] };
    const states = (args.states as string[] | null) ?? filter.states ?? null;
    const { list, desc } = orderedList(
      this.repo,
      "issue",
      args.orderBy as Order,
      { field: "CREATED_AT", direction: "ASC" },
      states,
      parseTime(filter.since, "since"),
    );
    return connection(args, list.length, (p) => new IssueNode(this.repo, pick(list, desc, p)), ctx);
  }
  issue(args: { number: number }) {
    const i = findByNumber(this.repo, "issue", args.number);
    return i === null ? null : new IssueNode(this.repo, i);
  }
  discussions(args: Args, ctx: ResolveContext) {
    const { list, desc } = orderedList(
      this.repo,
      "discussion",
      args.orderBy as Order,
      { field: "UPDATED_AT", direction: "DESC" },
      null,
      null,
    );
    return connection(
      args,
      list.length,
      (p) => new DiscussionNode(this.repo, pick(list, desc, p)),
      ctx,
    );
  }
  forks(args: Args, ctx: ResolveContext) {
    const n = this.repo.spec.forks;
    const desc = (args.orderBy as Order)?.direction === "DESC";
    return connection(args, n, (p) => forkNode(this.repo, desc ? n - 1 - p : p), ctx);
  }
}

function findByNumber(repo: RepoData, kind: "pr" | "issue", number: number): number | null {
  const n = repo.countOf(kind);
  let lo = 0, hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const got = kind === "pr" ? repo.pr(mid).number : repo.issue(mid).number;
    if (got === number) return repo.isDeleted(kind, mid) ? null : mid;
    if (got < number) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

export function forkNode(repo: RepoData, index: number) {
  const rec = repo.fork(index);
  return {
    __typename: "Repository",
    id: rec.id,
    databaseId: rec.databaseId,
    name: rec.name,
    nameWithOwner: `${rec.owner.login}/${rec.name}`,
    owner: user(rec.owner),
    createdAt: iso(rec.createdAt),
    updatedAt: iso(rec.createdAt),
    pushedAt: iso(rec.createdAt),
    isFork: true,
    isPrivate: false,
    stargazerCount: 0,
    forkCount: 0,
    url: `https://github.com/${rec.owner.login}/${rec.name}`,
    parent: new RepositoryNode(repo),
  };
}

export class PullRequestNode {
  readonly __typename = "PullRequest";
  constructor(private repo: RepoData, private rec: PrRec) {}
  get id() {
    return this.rec.id;
  }
  get databaseId() {
    return this.rec.databaseId;
  }
  get number() {
    return this.rec.number;
  }
  get title() {
    return this.rec.title;
  }
  get body() {
    return this.rec.body;
  }
  get state() {
    return this.rec.state;
  }
  get isDraft() {
    return this.rec.isDraft;
  }
  get merged() {
    return this.rec.state === "MERGED";
  }
  get closed() {
    return this.rec.state !== "OPEN";
  }
  get createdAt() {
    return iso(this.rec.createdAt);
  }
  get updatedAt() {
    return iso(this.rec.updatedAt);
  }
  get closedAt() {
    return this.rec.closedAt === null ? null : iso(this.rec.closedAt);
  }
  get mergedAt() {
    return this.rec.mergedAt === null ? null : iso(this.rec.mergedAt);
  }
  get additions() {
    return this.rec.additions;
  }
  get deletions() {
    return this.rec.deletions;
  }
  get changedFiles() {
    return this.rec.changedFiles;
  }
  get author() {
    return user(this.rec.author);
  }
  get url() {
    return `https://github.com/${this.repo.nameWithOwner}/pull/${this.rec.number}`;
  }
  get repository() {
    return new RepositoryNode(this.repo);
  }
  labels(args: Args, ctx: ResolveContext) {
    return connection(args, this.rec.labels.length, (p) => label(this.rec.labels[p]), ctx);
  }
  reviews(args: Args, ctx: ResolveContext) {
    const d = this.repo.prDetail(this.rec.index);
    return connection(
      args,
      d.reviews.length,
      (p) => new ReviewNode(this.repo, this.rec, d.reviews[p]),
      ctx,
    );
  }
  comments(args: Args, ctx: ResolveContext) {
    const d = this.repo.prDetail(this.rec.index);
    return connection(
      args,
      d.comments.length,
      (p) => comment(d.comments[p], "IssueComment", this.url),
      ctx,
    );
  }
  reviewThreads(args: Args, ctx: ResolveContext) {
    const d = this.repo.prDetail(this.rec.index);
    return connection(
      args,
      d.threads.length,
      (p) => new ThreadNode(this.repo, this.rec, d.threads[p]),
      ctx,
    );
  }
}

export class ReviewNode extends CommentNode {
  constructor(private repo: RepoData, private pr: PrRec, private rec: ReviewRec) {
    super(rec, "PullRequestReview", "");
  }
  get state() {
    return this.rec.state;
  }
  get submittedAt() {
    return iso(this.rec.submittedAt);
  }
  get pullRequest() {
    return new PullRequestNode(this.repo, this.pr);
  }
  comments(args: Args, ctx: ResolveContext) {
    const mine = this.repo.prDetail(this.pr.index).commentsByReview[this.rec.index] ?? [];
    return connection(args, mine.length, (p) => reviewComment(this.repo, this.pr, mine[p]), ctx);
  }
}

class ReviewCommentNode extends CommentNode {
  constructor(private repo: RepoData, private pr: PrRec, private rec: ReviewCommentRec) {
    super(rec, "PullRequestReviewComment", "");
  }
  get path() {
    return this.rec.path;
  }
  readonly diffHunk = "@@ -1,3 +1,3 @@";
  readonly outdated = false;
  get pullRequestReview() {
    const review = this.repo.prDetail(this.pr.index).reviewsByIndex[this.rec.reviewIndex];
    return review ? new ReviewNode(this.repo, this.pr, review) : null;
  }
  get pullRequest() {
    return new PullRequestNode(this.repo, this.pr);
  }
}

function reviewComment(repo: RepoData, pr: PrRec, rec: ReviewCommentRec) {
  return new ReviewCommentNode(repo, pr, rec);
}

export class ThreadNode {
  readonly __typename = "PullRequestReviewThread";
  constructor(private repo: RepoData, private pr: PrRec, private rec: ThreadRec) {}
  get id() {
    return this.rec.id;
  }
  get path() {
    return this.rec.path;
  }
  get isResolved() {
    return this.rec.index % 2 === 0;
  }
  readonly isOutdated = false;
  readonly isCollapsed = false;
  get pullRequest() {
    return new PullRequestNode(this.repo, this.pr);
  }
  comments(args: Args, ctx: ResolveContext) {
    const list = this.rec.comments;
    return connection(args, list.length, (p) => reviewComment(this.repo, this.pr, list[p]), ctx);
  }
}

export class IssueNode extends CommentNode {
  private rec;
  constructor(private repo: RepoData, private index: number, rec = repo.issue(index)) {
    super(rec, "Issue", `https://github.com/${repo.nameWithOwner}/issues/${rec.number}`);
    this.rec = rec;
  }
  get number() {
    return this.rec.number;
  }
  get title() {
    return this.rec.title;
  }
  get state() {
    return this.rec.state;
  }
  get closed() {
    return this.rec.state === "CLOSED";
  }
  get closedAt() {
    return this.rec.closedAt === null ? null : iso(this.rec.closedAt);
  }
  get repository() {
    return new RepositoryNode(this.repo);
  }
  labels(args: Args, ctx: ResolveContext) {
    return connection(args, this.rec.labels.length, (p) => label(this.rec.labels[p]), ctx);
  }
  comments(args: Args, ctx: ResolveContext) {
    const list = this.repo.issueComments(this.index);
    return connection(args, list.length, (p) => comment(list[p], "IssueComment", ""), ctx);
  }
}

export class DiscussionNode extends CommentNode {
  private rec;
  constructor(private repo: RepoData, private index: number, rec = repo.discussion(index)) {
    super(rec, "Discussion", `https://github.com/${repo.nameWithOwner}/discussions/${rec.number}`);
    this.rec = rec;
  }
  get number() {
    return this.rec.number;
  }
  get title() {
    return this.rec.title;
  }
  get repository() {
    return new RepositoryNode(this.repo);
  }
  comments(args: Args, ctx: ResolveContext) {
    const list = this.repo.discussionComments(this.index);
    return connection(
      args,
      list.length,
      (p) => discussionComment(this.repo, this.index, list[p]),
      ctx,
    );
  }
}

class DiscussionCommentNode extends CommentNode {
  constructor(
    private repo: RepoData,
    private discussionIndex: number,
    private rec: DiscussionCommentRec,
  ) {
    super(rec, "DiscussionComment", "");
  }
  get replyTo(): DiscussionCommentNode | null {
    if (!this.rec.replyToId) return null;
    const parent = this.repo.discussionComments(this.discussionIndex).find((c) =>
      c.id === this.rec.replyToId
    );
    return parent ? new DiscussionCommentNode(this.repo, this.discussionIndex, parent) : null;
  }
  get discussion() {
    return new DiscussionNode(this.repo, this.discussionIndex);
  }
  replies(args: Args, ctx: ResolveContext) {
    const list = this.rec.replies;
    return connection(
      args,
      list.length,
      (p) => new DiscussionCommentNode(this.repo, this.discussionIndex, list[p]),
      ctx,
    );
  }
}

function discussionComment(repo: RepoData, discussion: number, rec: DiscussionCommentRec): object {
  return new DiscussionCommentNode(repo, discussion, rec);
}

export class CommitNode {
  readonly __typename = "Commit";
  constructor(private repo: RepoData, private rec: CommitRec, private isHead = false) {}
  get id() {
    return this.rec.id;
  }
  get oid() {
    return this.rec.oid;
  }
  get abbreviatedOid() {
    return this.rec.oid.slice(0, 7);
  }
  get committedDate() {
    return iso(this.rec.committedDate);
  }
  get authoredDate() {
    return iso(this.rec.authoredDate);
  }
  get additions() {
    return this.rec.additions;
  }
  get deletions() {
    return this.rec.deletions;
  }
  get changedFiles() {
    return this.rec.changedFiles;
  }
  get changedFilesIfAvailable() {
    return this.rec.changedFiles;
  }
  get message() {
    return this.rec.message;
  }
  get messageHeadline() {
    return this.rec.message.split("\n")[0];
  }
  get url() {
    return `https://github.com/${this.repo.nameWithOwner}/commit/${this.rec.oid}`;
  }
  get author() {
    const a = this.rec.author;
    return {
      __typename: "GitActor",
      name: a.name,
      email: a.email,
      date: iso(this.rec.authoredDate),
      user: user(a.user),
    };
  }
  get committer() {
    return this.author;
  }
  /** History from this commit back (newest first), filtered by committedDate in [since, until]. */
  history(args: Args, ctx: ResolveContext) {
    const times = this.repo.timesOf("commit", this.repo.spec.commits);
    const top = this.isHead ? times.length - 1 : this.rec.index;
    const since = parseTime(args.since, "since");
    const until = parseTime(args.until, "until");
    const lo = since === null ? 0 : lowerBound(times, since);
    let hi = until === null ? top : Math.min(top, lowerBound(times, until + 1) - 1);
    if (hi < lo - 1) hi = lo - 1;
    const total = hi - lo + 1;
    return connection(args, total, (p) => new CommitNode(this.repo, this.repo.commit(hi - p)), ctx);
  }
}

// ---- root ---------------------------------------------------------------------------------------

function notFoundRepo(owner: string, name: string): never {
  throw new SimError(
    "NOT_FOUND",
    `Could not resolve to a Repository with the name '${owner}/${name}'.`,
  );
}

function resolveNode(ctx: ResolveContext, id: string): object | null {
  // GitHub's message has no final period: {"type":"NOT_FOUND","path":["node"],…,"message":
  // "Could not resolve to a node with the global id of 'PVT_kwtestboard'"} (an answer of
  // github.com quoted in a public test fixture; README.md "Deleted items").
  const fail = (): never => {
    throw new SimError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
  };
  const decoded = decodeNodeId(id);
  if (!decoded) return fail();
  const nums = decoded.path.map(Number);
  if (decoded.type === "User") return user(ctx.ds.users[nums[0]] ?? fail());
  const forkId = decoded.path[0] === "f";
  const ordinal = forkId ? nums[1] : nums[0];
  const entry = ctx.ds.entries[ordinal];
  if (!entry || !ctx.canSee(entry)) return fail();
  ctx.beforeLookup(id);
  const repo = ctx.ds.repo(ordinal);
  if (repo.isDeletedId(id)) return fail();
  const inRange = (i: number, n: number) => Number.isInteger(i) && i >= 0 && i < n ? i : fail();
  switch (decoded.type) {
    case "Repository":
      return forkId ? forkNode(repo, inRange(nums[2], repo.spec.forks)) : new RepositoryNode(repo);
    case "PullRequest":
      return new PullRequestNode(repo, repo.pr(inRange(nums[1], repo.spec.prs)));
    case "Issue":
      return new IssueNode(repo, inRange(nums[1], repo.spec.issues));
    case "Discussion":
      return new DiscussionNode(repo, inRange(nums[1], repo.spec.discussions));
    case "PullRequestReview": {
      const pr = repo.pr(inRange(nums[1], repo.spec.prs));
      const review = repo.prDetail(pr.index).reviewsByIndex[nums[2]] ?? fail();
      return new ReviewNode(repo, pr, review);
    }
    case "PullRequestReviewThread": {
      const pr = repo.pr(inRange(nums[1], repo.spec.prs));
      const thread = repo.prDetail(pr.index).threads.find((t) => t.id === id);
      return new ThreadNode(repo, pr, thread ?? fail());
    }
    case "PullRequestReviewComment": {
      const pr = repo.pr(inRange(nums[2], repo.spec.prs));
      const c = repo.prDetail(pr.index).threads.flatMap((t) => t.comments).find((c) => c.id === id);
      return reviewComment(repo, pr, c ?? fail());
    }
    case "IssueComment": {
      const [, kind, parent] = decoded.path;
      if (kind === "prComment") {
        const pr = repo.pr(inRange(Number(parent), repo.spec.prs));
        const c = repo.prDetail(pr.index).comments.find((c) => c.id === id) ?? fail();
        return comment(c, "IssueComment", "");
      }
      const list = repo.issueComments(inRange(Number(parent), repo.spec.issues));
      return comment(list.find((c) => c.id === id) ?? fail(), "IssueComment", "");
    }
    case "DiscussionComment": {
      const d = inRange(nums[2], repo.spec.discussions);
      const all = repo.discussionComments(d).flatMap((c) => [c, ...c.replies]);
      return discussionComment(repo, d, all.find((c) => c.id === id) ?? fail());
    }
    case "Commit":
      return new CommitNode(repo, repo.commit(inRange(nums[1], repo.spec.commits)));
    default:
      return fail();
  }
}

/** Root fields of `Query`. */
export const rootValue = {
  repository(args: { owner: string; name: string }, ctx: ResolveContext) {
    if (ctx.dryRun) return null;
    const hit = ctx.ds.lookup(args.owner, args.name);
    if (hit.kind === "missing" || !ctx.canSee(hit.entry)) {
      notFoundRepo(args.owner, args.name);
    }
    return new RepositoryNode(ctx.ds.repo(hit.entry.ordinal));
  },
  node(args: { id: string }, ctx: ResolveContext) {
    return ctx.dryRun ? null : resolveNode(ctx, args.id);
  },
  nodes(args: { ids: string[] }, ctx: ResolveContext) {
    if (ctx.dryRun) return null;
    // graphql-js turns an Error list item into a null with its own error, as GitHub does.
    return args.ids.map((id) => {
      try {
        return resolveNode(ctx, id);
      } catch (error) {
        return error;
      }
    });
  },
  viewer(_args: unknown, ctx: ResolveContext) {
    return user(ctx.viewer);
  },
  rateLimit(_args: unknown, ctx: ResolveContext) {
    const r = ctx.rate;
    return { ...r, resetAt: iso(r.resetAt) };
  },
};
