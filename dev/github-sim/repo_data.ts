/**
 * Lazy, cached generation of one repository's items. Top-level lists keep only sorted timestamp
 * arrays; each item (and each item's nested reviews/comments) is rebuilt from its own hash on
 * demand, with a small LRU cache for nested details, so a 100,000-PR repository costs a few
 * typed arrays until it is queried.
 */
import {
  type Dataset,
  DAY_MS,
  HEAVY_MAX,
  HEAVY_MIN,
  type IdKind,
  type RepoEntry,
  strideFor,
  type UserRec,
} from "./dataset.ts";
import { fakeSha, hash32, unit } from "./prng.ts";
import { nodeId } from "./ids.ts";
import { liveComments, liveDiscussionComments, livePrDetail } from "./live.ts";

export interface LabelRec {
  id: string;
  name: string;
  color: string;
  description: string;
}

export interface CommentRec {
  databaseId: number;
  id: string;
  body: string;
  createdAt: number;
  updatedAt: number;
  author: UserRec | null;
}

export interface PrRec {
  index: number;
  number: number;
  databaseId: number;
  id: string;
  title: string;
  body: string;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  mergedAt: number | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  author: UserRec | null;
  labels: LabelRec[];
}

export interface ReviewRec extends CommentRec {
  index: number;
  state: "APPROVED" | "COMMENTED" | "CHANGES_REQUESTED";
  submittedAt: number;
}

export interface ReviewCommentRec extends CommentRec {
  path: string;
  reviewIndex: number;
  threadIndex: number;
}

export interface ThreadRec {
  index: number;
  id: string;
  path: string;
  comments: ReviewCommentRec[];
}

export interface PrDetail {
  /** Sorted by submittedAt. */
  reviews: ReviewRec[];
  comments: CommentRec[];
  threads: ThreadRec[];
  /** Review comments per review index (the review's own `index`), sorted by createdAt. */
  commentsByReview: ReviewCommentRec[][];
  /** Reviews by their own `index`. */
  reviewsByIndex: ReviewRec[];
}

export interface IssueRec {
  index: number;
  number: number;
  databaseId: number;
  id: string;
  title: string;
  body: string;
  state: "OPEN" | "CLOSED";
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  author: UserRec | null;
  labels: LabelRec[];
}

export interface DiscussionRec {
  index: number;
  number: number;
  databaseId: number;
  id: string;
  title: string;
  body: string;
  createdAt: number;
  updatedAt: number;
  author: UserRec | null;
}

export interface DiscussionCommentRec extends CommentRec {
  /** Node id of the comment this one replies to; null for top-level comments. */
  replyToId: string | null;
  replies: DiscussionCommentRec[];
}

export interface CommitRec {
  index: number;
  oid: string;
  id: string;
  committedDate: number;
  authoredDate: number;
  additions: number;
  deletions: number;
  changedFiles: number;
  message: string;
  author: { name: string; email: string; user: UserRec | null };
}

export interface ForkRec {
  index: number;
  databaseId: number;
  id: string;
  name: string;
  owner: UserRec;
  createdAt: number;
}

const VERBS = ["Fix", "Add", "Refactor", "Update", "Remove", "Improve", "Document", "Speed up"];
const NOUNS = [
  "login flow",
  "cache layer",
  "parser",
  "CI config",
  "README",
  "billing page",
  "search index",
  "webhook handler",
  "rate limiter",
  "dashboard",
  "API client",
  "migrations",
];
const PATHS = [
  "src/index.ts",
  "src/api/client.ts",
  "lib/cache.ts",
  "README.md",
  "docs/guide.md",
  "test/app_test.ts",
  "package.json",
  "src/ui/button.tsx",
];
const LABELS = [
  ["bug", "d73a4a"],
  ["enhancement", "a2eeef"],
  ["documentation", "0075ca"],
  ["good first issue", "7057ff"],
  ["dependencies", "0366d6"],
  ["performance", "fbca04"],
];

class Lru<V> {
  private map = new Map<number, V>();
  constructor(private capacity: number) {}
  get(key: number, make: () => V): V {
    let value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
    } else {
      value = make();
      if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    }
    this.map.set(key, value);
    return value;
  }
}

export class RepoData {
  readonly ordinal: number;
  readonly owner: string;
  readonly name: string;
  readonly nameWithOwner: string;
  readonly id: string;
  readonly databaseId: number;
  readonly createdAt: number;
  readonly labels: LabelRec[];
  private seed: number;
  private now: number;
  private times = new Map<string, Float64Array>();
  private numbers?: { pr: Uint32Array; issue: Uint32Array };
  private orders = new Map<string, Uint32Array>();
  private prDetails = new Lru<PrDetail>(512);
  private issueDetails = new Lru<CommentRec[]>(512);
  private discussionDetails = new Lru<DiscussionCommentRec[]>(256);
  private stars?: Int32Array;
  /** Node ids of deleted items (a deleted parent's children included). */
  private deletedIds = new Set<string>();
  private deletedTop = {
    pr: new Set<number>(),
    issue: new Set<number>(),
    discussion: new Set<number>(),
  };
  /** Bumped by every deletion, so caches built over this repository's lists can tell. */
  version = 0;

  constructor(private ds: Dataset, readonly entry: RepoEntry) {
    this.ordinal = entry.ordinal;
    this.owner = entry.owner;
    this.name = entry.name;
    this.nameWithOwner = `${entry.owner}/${entry.name}`;
    this.id = nodeId("Repository", [entry.ordinal]);
    this.databaseId = 100_000 + entry.ordinal * 13 + 1;
    this.seed = ds.seed;
    this.now = ds.now;
    this.createdAt = this.now - (entry.spec.days + 30) * DAY_MS;
    this.labels = LABELS.map(([name, color], k) => ({
      id: nodeId("Label", [entry.ordinal, k]),
      name,
      color,
      description: `Label ${name}`,
    }));
  }

  get spec() {
    return this.entry.spec;
  }

  // ---- deletions ------------------------------------------------------------------------------

  readonly isDeletedId = (id: string): boolean => this.deletedIds.has(id);

  isDeleted(kind: "pr" | "issue" | "discussion", index: number): boolean {
    return this.deletedTop[kind].has(index);
  }

  /** Deletes items by node id (and, with `top`, a PR, issue or discussion by index): every list,
   * lookup and truth of this repository leaves them out from now on. */
  markDeleted(ids: string[], top?: { kind: "pr" | "issue" | "discussion"; index: number }) {
    for (const id of ids) this.deletedIds.add(id);
    if (top) this.deletedTop[top.kind].add(top.index);
    this.prDetails = new Lru<PrDetail>(512);
    this.issueDetails = new Lru<CommentRec[]>(512);
    this.discussionDetails = new Lru<DiscussionCommentRec[]>(256);
    this.orders.clear();
    this.version++;
  }

  /** Sorted ascending creation times, denser toward `now` (age = days · u^1.6). */
  timesOf(kind: string, count: number): Float64Array {
    let arr = this.times.get(kind);
    if (!arr) {
      arr = new Float64Array(count);
      const span = this.spec.days * DAY_MS;
      for (let i = 0; i < count; i++) {
        const u = unit(this.seed, this.ordinal, kind, "t", i);
        arr[i] = Math.floor(this.now - 60_000 - span * Math.pow(u, 1.6));
      }
      arr.sort();
      this.times.set(kind, arr);
    }
    return arr;
  }

  private u(...parts: (string | number)[]): number {
    return unit(this.seed, this.ordinal, ...parts);
  }

  private dbId(kind: IdKind, parent: number, k = 0): number {
    return this.ds.idBase(this.ordinal, kind) + parent * this.strideOf(kind) + k;
  }

  private strides = new Map<IdKind, number>();
  private strideOf(kind: IdKind): number {
    let s = this.strides.get(kind);
    if (s === undefined) {
      s = strideFor(this.spec, kind);
      this.strides.set(kind, s);
    }
    return s;
  }

  private isHeavy(count: number, index: number): boolean {
    const h = this.spec.heavyItems;
    for (let k = 0; k < h; k++) if (Math.floor(((k + 1) * count) / (h + 1)) === index) return true;
    return false;
  }

  /** Nested count around `mean` (0..2·mean), or 120–199 for heavy parents. */
  private nestedCount(kind: string, index: number, mean: number, heavy: boolean): number {
    const u = this.u(kind, "n", index);
    return heavy
      ? HEAVY_MIN + Math.floor(u * (HEAVY_MAX - HEAVY_MIN))
      : Math.floor(u * (2 * mean + 1));
  }

  /** PRs and issues share one number sequence, in creation order, as on GitHub. */
  private numberOf(kind: "pr" | "issue", index: number): number {
    if (!this.numbers) {
      const prs = this.timesOf("pr", this.spec.prs);
      const issues = this.timesOf("issue", this.spec.issues);
      const pr = new Uint32Array(prs.length);
      const issue = new Uint32Array(issues.length);
      let i = 0, j = 0, n = 1;
      while (i < prs.length || j < issues.length) {
        if (j >= issues.length || (i < prs.length && prs[i] <= issues[j])) pr[i++] = n++;
        else issue[j++] = n++;
      }
      this.numbers = { pr, issue };
    }
    return this.numbers[kind][index];
  }

  private closeTimes(kind: string, index: number, createdAt: number) {
    const age = this.now - createdAt;
    const u = this.u(kind, "life", index);
    const closed = age > 30 * DAY_MS ? u < 0.95 : u < 0.6;
    const closedAt = closed
      ? Math.min(
        this.now - 1000,
        createdAt + Math.floor(age * 0.3 * this.u(kind, "c", index)) + 3_600_000,
      )
      : null;
    const updatedAt = Math.min(
      this.now - 500,
      (closedAt ?? createdAt) + Math.floor(DAY_MS * 3 * this.u(kind, "upd", index)),
    );
    return { closedAt, updatedAt, u };
  }

  private labelsOf(kind: string, index: number): LabelRec[] {
    const n = Math.floor(this.u(kind, "labels", index) * 3);
    const out: LabelRec[] = [];
    for (let k = 0; k < n; k++) {
      const label =
        this.labels[hash32(this.seed, this.ordinal, kind, index, "label", k) % this.labels.length];
      if (!out.includes(label)) out.push(label);
    }
    return out;
  }

  // ---- pull requests -------------------------------------------------------------------------

  updatedAtOf(kind: "pr" | "issue" | "discussion", index: number): number {
    const created = this.timesOf(kind, this.countOf(kind))[index];
    if (kind === "discussion") {
      return Math.min(
        this.now - 500,
        created + Math.floor(DAY_MS * 20 * this.u(kind, "upd", index)),
      );
    }
    return this.closeTimes(kind, index, created).updatedAt;
  }

  countOf(kind: "pr" | "issue" | "discussion" | "commit" | "fork"): number {
    const s = this.spec;
    return {
      pr: s.prs,
      issue: s.issues,
      discussion: s.discussions,
      commit: s.commits,
      fork: s.forks,
    }[kind];
  }

  pr(index: number): PrRec {
    const createdAt = this.timesOf("pr", this.spec.prs)[index];
    const { closedAt, updatedAt, u } = this.closeTimes("pr", index, createdAt);
    const merged = closedAt !== null && u < 0.8;
    const number = this.numberOf("pr", index);
    const verb = VERBS[hash32(this.seed, this.ordinal, "pr", index, "v") % VERBS.length];
    const noun = NOUNS[hash32(this.seed, this.ordinal, "pr", index, "o") % NOUNS.length];
    const size = Math.pow(this.u("pr", "size", index), 3);
    return {
      index,
      number,
      databaseId: this.dbId("pr", index),
      id: nodeId("PullRequest", [this.ordinal, index]),
      title: `${verb} ${noun}`,
      body: `${verb} the ${noun}. Closes nothing in particular (#${number}).`,
      state: closedAt === null ? "OPEN" : merged ? "MERGED" : "CLOSED",
      isDraft: closedAt === null && this.u("pr", "draft", index) < 0.1,
      createdAt,
      updatedAt,
      closedAt,
      mergedAt: merged ? closedAt : null,
      additions: Math.floor(size * 2000) + 1,
      deletions: Math.floor(size * 800),
      changedFiles: Math.floor(size * 40) + 1,
      author: this.ds.author(this.ordinal, "pr", index),
      labels: this.labelsOf("pr", index),
    };
  }

  /** Counts of a PR's nested items, cheap (no generation): reviews, comments, review comments. */
  prCounts(index: number) {
    const heavy = this.isHeavy(this.spec.prs, index);
    const reviewComments = this.nestedCount("prrc", index, this.spec.reviewCommentsPerPr, heavy);
    const reviews = Math.max(
      this.nestedCount("prr", index, this.spec.reviewsPerPr, heavy),
      reviewComments > 0 ? 1 : 0,
    );
    const comments = this.nestedCount("prc", index, this.spec.commentsPerPr, heavy);
    return { reviews, comments, reviewComments, heavy };
  }

  prDetail(index: number): PrDetail {
    return this.prDetails.get(index, () => {
      const detail = this.makePrDetail(index);
      return this.deletedIds.size ? livePrDetail(detail, this.isDeletedId) : detail;
    });
  }

  /** The file a PR's review thread `t` comments on. */
  threadPath(pr: number, t: number): string {
    return PATHS[hash32(this.seed, this.ordinal, "path", pr, t) % PATHS.length];
  }

  /** A PR's or issue's conversation comment, or a PR's review comment, by its generation slot
   * (see `slotOf`), without building the parent's whole detail: the same record the detail holds
   * (review comments: without path, thread and review, which the caller knows). */
  nestedComment(kind: "prComment" | "issueComment" | "reviewComment", parent: number, k: number) {
    const after = this.timesOf(
      kind === "issueComment" ? "issue" : "pr",
      this.countOf(kind === "issueComment" ? "issue" : "pr"),
    )[parent];
    const type = kind === "reviewComment" ? "PullRequestReviewComment" : "IssueComment";
    return this.comment(kind, type, parent, k, after);
  }

  /** The generation slot of a nested item from its databaseId. */
  slotOf(kind: IdKind, parent: number, databaseId: number): number {
    return databaseId - this.ds.idBase(this.ordinal, kind) - parent * this.strideOf(kind);
  }

  private comment(
    kind: IdKind,
    type: "IssueComment" | "PullRequestReviewComment" | "DiscussionComment",
    parent: number,
    k: number,
    after: number,
  ): CommentRec {
    // Coarser clocks put many comments on one timestamp (commentTimeGranularitySeconds).
    const g = this.spec.commentTimeGranularitySeconds * 1000;
    const snap = (ms: number) => g > 1000 ? g * Math.floor(ms / g) : ms;
    const createdAt = snap(Math.min(
      this.now - 1000,
      after + Math.floor(DAY_MS * 5 * Math.pow(this.u(kind, "ct", parent, k), 2)) + 60_000,
    ));
    const edited = this.u(kind, "edit", parent, k) < 0.1;
    return {
      databaseId: this.dbId(kind, parent, k),
      id: nodeId(type, [this.ordinal, kind, parent, k]),
      body: `Comment ${k + 1} on item ${parent + 1}: ${NOUNS[(parent + k) % NOUNS.length]} looks ${
        k % 2 ? "good" : "off"
      }.`,
      createdAt,
      updatedAt: edited ? snap(Math.min(this.now - 500, createdAt + 3_600_000)) : createdAt,
      author: this.ds.author(this.ordinal, kind, parent * 1024 + k),
    };
  }

  private makePrDetail(index: number): PrDetail {
    const pr = this.pr(index);
    const counts = this.prCounts(index);
    const reviews: ReviewRec[] = [];
    for (let k = 0; k < counts.reviews; k++) {
      const base = this.comment("review", "IssueComment", index, k, pr.createdAt);
      const r = this.u("prr", "state", index, k);
      reviews.push({
        ...base,
        id: nodeId("PullRequestReview", [this.ordinal, index, k]),
        index: k,
        state: r < 0.5 ? "APPROVED" : r < 0.85 ? "COMMENTED" : "CHANGES_REQUESTED",
        submittedAt: base.createdAt,
      });
    }
    reviews.sort((a, b) => a.submittedAt - b.submittedAt || a.databaseId - b.databaseId);
    const comments: CommentRec[] = [];
    for (let k = 0; k < counts.comments; k++) {
      comments.push(this.comment("prComment", "IssueComment", index, k, pr.createdAt));
    }
    comments.sort((a, b) => a.createdAt - b.createdAt || a.databaseId - b.databaseId);
    // Group review comments into threads: heavy PRs get one long thread (>100 comments).
    const sizes: number[] = [];
    let left = counts.reviewComments;
    if (counts.heavy && left > 4) {
      sizes.push(left - 4);
      left = 4;
    }
    while (left > 0) {
      const size = Math.min(
        left,
        1 + (hash32(this.seed, this.ordinal, "thread", index, sizes.length) % 3),
      );
      sizes.push(size);
      left -= size;
    }
    const threads: ThreadRec[] = [];
    let k = 0;
    sizes.forEach((size, t) => {
      const path = this.threadPath(index, t);
      const thread: ThreadRec = {
        index: t,
        id: nodeId("PullRequestReviewThread", [this.ordinal, index, t]),
        path,
        comments: [],
      };
      for (let c = 0; c < size; c++, k++) {
        const base = this.comment(
          "reviewComment",
          "PullRequestReviewComment",
          index,
          k,
          pr.createdAt,
        );
        thread.comments.push({
          ...base,
          path,
          threadIndex: t,
          reviewIndex: reviews.length
            ? reviews[hash32(this.seed, this.ordinal, "rv", index, k) % reviews.length].index
            : -1,
        });
      }
      thread.comments.sort((a, b) => a.createdAt - b.createdAt || a.databaseId - b.databaseId);
      threads.push(thread);
    });
    const reviewsByIndex: ReviewRec[] = [];
    for (const r of reviews) reviewsByIndex[r.index] = r;
    const commentsByReview: ReviewCommentRec[][] = reviewsByIndex.map(() => []);
    for (const t of threads) for (const c of t.comments) commentsByReview[c.reviewIndex]?.push(c);
    for (const list of commentsByReview) {
      list.sort((a, b) => a.createdAt - b.createdAt || a.databaseId - b.databaseId);
    }
    return { reviews, comments, threads, commentsByReview, reviewsByIndex };
  }

  // ---- issues ---------------------------------------------------------------------------------

  issue(index: number): IssueRec {
    const createdAt = this.timesOf("issue", this.spec.issues)[index];
    const { closedAt, updatedAt } = this.closeTimes("issue", index, createdAt);
    const noun = NOUNS[hash32(this.seed, this.ordinal, "issue", index, "o") % NOUNS.length];
    const number = this.numberOf("issue", index);
    return {
      index,
      number,
      databaseId: this.dbId("issue", index),
      id: nodeId("Issue", [this.ordinal, index]),
      title: `Problem with the ${noun}`,
      body: `The ${noun} misbehaves (issue #${number}).`,
      state: closedAt === null ? "OPEN" : "CLOSED",
      createdAt,
      updatedAt,
      closedAt,
      author: this.ds.author(this.ordinal, "issue", index),
      labels: this.labelsOf("issue", index),
    };
  }

  issueCommentCount(index: number): number {
    return this.nestedCount(
      "ic",
      index,
      this.spec.commentsPerIssue,
      this.isHeavy(this.spec.issues, index),
    );
  }

  issueComments(index: number): CommentRec[] {
    return this.issueDetails.get(index, () => {
      const createdAt = this.timesOf("issue", this.spec.issues)[index];
      const out: CommentRec[] = [];
      const n = this.issueCommentCount(index);
      for (let k = 0; k < n; k++) {
        out.push(this.comment("issueComment", "IssueComment", index, k, createdAt));
      }
      out.sort((a, b) => a.createdAt - b.createdAt || a.databaseId - b.databaseId);
      return this.deletedIds.size ? liveComments(out, this.isDeletedId) : out;
    });
  }

  // ---- discussions ----------------------------------------------------------------------------

  discussion(index: number): DiscussionRec {
    const createdAt = this.timesOf("discussion", this.spec.discussions)[index];
    const noun = NOUNS[hash32(this.seed, this.ordinal, "discussion", index, "o") % NOUNS.length];
    return {
      index,
      number: 10_000 + index + 1,
      databaseId: this.dbId("discussion", index),
      id: nodeId("Discussion", [this.ordinal, index]),
      title: `Ideas for the ${noun}`,
      body: `Let's talk about the ${noun}.`,
      createdAt,
      updatedAt: this.updatedAtOf("discussion", index),
      author: this.ds.author(this.ordinal, "discussion", index),
    };
  }

  /** Top-level comments with their replies; a heavy discussion has >100 comments and its first
   * comment >100 replies. */
  discussionComments(index: number): DiscussionCommentRec[] {
    return this.discussionDetails.get(index, () => {
      const heavy = this.isHeavy(this.spec.discussions, index);
      const createdAt = this.timesOf("discussion", this.spec.discussions)[index];
      const n = this.nestedCount("dc", index, this.spec.commentsPerDiscussion, heavy);
      const out: DiscussionCommentRec[] = [];
      let k = 0;
      for (let c = 0; c < n; c++) {
        const top: DiscussionCommentRec = {
          ...this.comment("discussionComment", "DiscussionComment", index, k++, createdAt),
          replyToId: null,
          replies: [],
        };
        const r = heavy && c === 0
          ? this.nestedCount("dr", index * 1024 + c, 0, true)
          : Math.floor(this.u("dr", "n", index, c) * (2 * this.spec.repliesPerComment + 1));
        for (let j = 0; j < r; j++) {
          top.replies.push({
            ...this.comment("discussionComment", "DiscussionComment", index, k++, top.createdAt),
            replyToId: top.id,
            replies: [],
          });
        }
        top.replies.sort((a, b) => a.createdAt - b.createdAt || a.databaseId - b.databaseId);
        out.push(top);
      }
      out.sort((a, b) => a.createdAt - b.createdAt || a.databaseId - b.databaseId);
      return this.deletedIds.size ? liveDiscussionComments(out, this.isDeletedId) : out;
    });
  }

  // ---- commits, forks, stars ------------------------------------------------------------------

  /** Commits indexed oldest first (index 0 = first commit); history serves them newest first. */
  commit(index: number): CommitRec {
    const committedDate = this.timesOf("commit", this.spec.commits)[index];
    const user = this.ds.author(this.ordinal, "commit", index, 0.08);
    const size = Math.pow(this.u("commit", "size", index), 3);
    const oid = fakeSha(this.seed, this.ordinal, "commit", index);
    const verb = VERBS[hash32(this.seed, this.ordinal, "commit", index, "v") % VERBS.length];
    const noun = NOUNS[hash32(this.seed, this.ordinal, "commit", index, "o") % NOUNS.length];
    return {
      index,
      oid,
      id: nodeId("Commit", [this.ordinal, index]),
      committedDate,
      authoredDate: committedDate - Math.floor(this.u("commit", "ad", index) * DAY_MS),
      additions: Math.floor(size * 500) + 1,
      deletions: Math.floor(size * 200),
      changedFiles: Math.floor(size * 20) + 1,
      message: `${verb} ${noun}\n\nDetails of change ${index + 1}.`,
      author: user
        ? { name: user.name, email: user.email, user }
        : { name: "Former Contributor", email: `former-${index % 17}@example.com`, user: null },
    };
  }

  fork(index: number): ForkRec {
    const owner =
      this.ds.users[hash32(this.seed, this.ordinal, "fork", index) % this.ds.users.length];
    return {
      index,
      databaseId: 10_000_000 + this.dbId("fork", index),
      id: nodeId("Repository", ["f", this.ordinal, index]),
      name: this.name,
      owner,
      createdAt: this.timesOf("fork", this.spec.forks)[index],
    };
  }

  /** Stars added per UTC day, day 0 = `days` days before today, last = today. */
  starsByDay(): { firstDay: number; counts: Int32Array } {
    const firstDay = Math.floor(this.now / DAY_MS) * DAY_MS - this.spec.days * DAY_MS;
    if (!this.stars) {
      const n = this.spec.days + 1;
      const counts = new Int32Array(n);
      for (let d = 0; d < n; d++) {
        const recency = d / Math.max(1, n - 1);
        const mean = this.spec.starsPerDay * (0.4 + 1.5 * Math.pow(recency, 1.5));
        let c = Math.floor(mean * 2 * this.u("star", d) + 0.5);
        if (this.u("star", "spike", d) < 0.01) c *= 10;
        counts[d] = c;
      }
      this.stars = counts;
    }
    return { firstDay, counts: this.stars };
  }

  stargazerCount(): number {
    return this.starsByDay().counts.reduce((a, b) => a + b, 0);
  }

  /** Index permutation of a kind's items left (not deleted), sorted by a key (ascending), cached. */
  order(kind: "pr" | "issue" | "discussion", key: "CREATED_AT" | "UPDATED_AT"): Uint32Array {
    const cacheKey = `${kind}:${key}`;
    let perm = this.orders.get(cacheKey);
    if (!perm) {
      const n = this.countOf(kind);
      perm = new Uint32Array(n);
      for (let i = 0; i < n; i++) perm[i] = i;
      if (key === "UPDATED_AT") {
        const upd = new Float64Array(n);
        for (let i = 0; i < n; i++) upd[i] = this.updatedAtOf(kind, i);
        perm.sort((a, b) => upd[a] - upd[b] || a - b);
      }
      const gone = this.deletedTop[kind];
      if (gone.size) perm = perm.filter((i) => !gone.has(i));
      this.orders.set(cacheKey, perm);
    }
    return perm;
  }

  prState(index: number): "OPEN" | "CLOSED" | "MERGED" {
    const createdAt = this.timesOf("pr", this.spec.prs)[index];
    const { closedAt, u } = this.closeTimes("pr", index, createdAt);
    return closedAt === null ? "OPEN" : u < 0.8 ? "MERGED" : "CLOSED";
  }

  issueState(index: number): "OPEN" | "CLOSED" {
    const createdAt = this.timesOf("issue", this.spec.issues)[index];
    return this.closeTimes("issue", index, createdAt).closedAt === null ? "OPEN" : "CLOSED";
  }
}
