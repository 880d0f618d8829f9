/**
 * The repository-wide comment lists as compact indexes: per comment only its times, id and where
 * it comes from (parent, generation slot, thread, thread root, review) in typed arrays, a few
 * dozen bytes each; a page regenerates its comments one by one (`RepoData.nestedComment`). A
 * 150,000-comment repository costs a few MB, instead of holding every comment object.
 * An index is built at a repository `version`; a deletion bumps it and the next read rebuilds.
 */
import type { Dataset, UserRec } from "./dataset.ts";
import type { CommentRec, RepoData } from "./repo_data.ts";
import { hash32 } from "./prng.ts";
import { iso } from "./resolvers.ts";

export type ListKind = "issues/comments" | "pulls/comments";

export interface ListIndex {
  size: number;
  /** Seconds-precision times (ms), as the API shows them. */
  created: Float64Array;
  updated: Float64Array;
  ids: Int32Array;
  /** The PR (or, with `fromIssue`, the issue) index of each comment. */
  parent: Int32Array;
  fromIssue: Uint8Array;
  /** The comment's generation slot in its parent (RepoData.slotOf). */
  slot: Int32Array;
  /** Review comments: the thread's index, the id of its first comment, the review's id (0: none). */
  thread: Int32Array;
  root: Int32Array;
  review: Int32Array;
  /** Entry positions sorted by created then id (and by updated then id, built on first use). */
  byCreated: Uint32Array;
  byUpdated?: Uint32Array;
  byId?: Map<number, number>;
}

const indexes = new WeakMap<RepoData, { version: number; lists: Map<ListKind, ListIndex> }>();

const second = (ms: number) => Math.floor(ms / 1000) * 1000;

class Builder {
  created: number[] = [];
  updated: number[] = [];
  ids: number[] = [];
  parent: number[] = [];
  fromIssue: number[] = [];
  slot: number[] = [];
  thread: number[] = [];
  root: number[] = [];
  review: number[] = [];
  constructor(private repo: RepoData) {}
  add(
    c: CommentRec,
    kind: "prComment" | "issueComment" | "reviewComment",
    parent: number,
    thread = 0,
    root = 0,
    review = 0,
  ) {
    this.created.push(second(c.createdAt));
    this.updated.push(second(c.updatedAt));
    this.ids.push(c.databaseId);
    this.parent.push(parent);
    this.fromIssue.push(kind === "issueComment" ? 1 : 0);
    this.slot.push(this.repo.slotOf(kind, parent, c.databaseId));
    this.thread.push(thread);
    this.root.push(root);
    this.review.push(review);
  }
  done(): ListIndex {
    const index: ListIndex = {
      size: this.ids.length,
      created: Float64Array.from(this.created),
      updated: Float64Array.from(this.updated),
      ids: Int32Array.from(this.ids),
      parent: Int32Array.from(this.parent),
      fromIssue: Uint8Array.from(this.fromIssue),
      slot: Int32Array.from(this.slot),
      thread: Int32Array.from(this.thread),
      root: Int32Array.from(this.root),
      review: Int32Array.from(this.review),
      byCreated: new Uint32Array(0),
    };
    index.byCreated = sortedBy(index, index.created);
    return index;
  }
}

function sortedBy(index: ListIndex, key: Float64Array): Uint32Array {
  const perm = new Uint32Array(index.size);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  return perm.sort((a, b) => key[a] - key[b] || index.ids[a] - index.ids[b]);
}

function build(repo: RepoData, kind: ListKind): ListIndex {
  const b = new Builder(repo);
  for (let i = 0; i < repo.spec.prs; i++) {
    if (repo.isDeleted("pr", i)) continue;
    const d = repo.prDetail(i);
    if (kind === "issues/comments") {
      for (const c of d.comments) b.add(c, "prComment", i);
      continue;
    }
    for (const t of d.threads) {
      // On GitHub every reply in a thread points at the thread's first comment.
      const root = t.comments[0].databaseId;
      for (const c of t.comments) {
        b.add(
          c,
          "reviewComment",
          i,
          t.index,
          root,
          d.reviewsByIndex[c.reviewIndex]?.databaseId ?? 0,
        );
      }
    }
  }
  if (kind === "issues/comments") {
    for (let i = 0; i < repo.spec.issues; i++) {
      if (repo.isDeleted("issue", i)) continue;
      for (const c of repo.issueComments(i)) b.add(c, "issueComment", i);
    }
  }
  return b.done();
}

export function listIndex(repo: RepoData, kind: ListKind): ListIndex {
  let perRepo = indexes.get(repo);
  if (!perRepo || perRepo.version !== repo.version) {
    indexes.set(repo, perRepo = { version: repo.version, lists: new Map() });
  }
  let index = perRepo.lists.get(kind);
  if (!index) perRepo.lists.set(kind, index = build(repo, kind));
  return index;
}

export function byUpdated(index: ListIndex): Uint32Array {
  return index.byUpdated ??= sortedBy(index, index.updated);
}

/** The entry position of a comment id, or undefined. */
export function entryOf(index: ListIndex, id: number): number | undefined {
  index.byId ??= new Map(Array.from(index.ids, (v, i) => [v, i]));
  return index.byId.get(id);
}

/** GitHub's `author_association`: stable per (repository, user). */
function association(ds: Dataset, repo: RepoData, user: UserRec | null): string {
  if (!user) return "NONE";
  const h = hash32(ds.seed, repo.ordinal, "association", user.databaseId) % 10;
  return h < 2 ? "MEMBER" : h < 4 ? "COLLABORATOR" : h < 8 ? "CONTRIBUTOR" : "NONE";
}

/** GitHub's simple user object; `null` for a deleted account (the ghost). */
function restUser(user: UserRec | null, api: string) {
  if (!user) return null;
  return {
    login: user.login,
    id: user.databaseId,
    node_id: user.id,
    avatar_url: user.avatarUrl,
    gravatar_id: "",
    url: `${api}/users/${user.login}`,
    html_url: `https://github.com/${user.login}`,
    type: "User",
    site_admin: false,
  };
}

function common(ds: Dataset, repo: RepoData, c: CommentRec, api: string) {
  return {
    id: c.databaseId,
    node_id: c.id,
    user: restUser(c.author, api),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    author_association: association(ds, repo, c.author),
    body: c.body,
  };
}

/** Entry `i`'s comment, regenerated. */
function commentOf(repo: RepoData, kind: ListKind, index: ListIndex, i: number): CommentRec {
  const nested = kind === "pulls/comments"
    ? "reviewComment"
    : index.fromIssue[i]
    ? "issueComment"
    : "prComment";
  return repo.nestedComment(nested, index.parent[i], index.slot[i]);
}

/** The node id of entry `i`. */
export function nodeIdOf(repo: RepoData, kind: ListKind, index: ListIndex, i: number): string {
  return commentOf(repo, kind, index, i).id;
}

/** Entry `i` in GitHub's REST shape, URLs on `api`. */
export function render(
  ds: Dataset,
  repo: RepoData,
  kind: ListKind,
  index: ListIndex,
  i: number,
  api: string,
): Record<string, unknown> {
  const c = commentOf(repo, kind, index, i);
  const parent = index.parent[i];
  const fromIssue = index.fromIssue[i] === 1;
  const number = fromIssue ? repo.issue(parent).number : repo.pr(parent).number;
  const base = `${api}/repos/${repo.nameWithOwner}`;
  const web = `https://github.com/${repo.nameWithOwner}`;
  if (kind === "issues/comments") {
    return {
      url: `${base}/issues/comments/${c.databaseId}`,
      html_url: `${web}/${fromIssue ? "issues" : "pull"}/${number}#issuecomment-${c.databaseId}`,
      issue_url: `${base}/issues/${number}`,
      ...common(ds, repo, c, api),
      performed_via_github_app: null,
    };
  }
  const root = index.root[i];
  return {
    url: `${base}/pulls/comments/${c.databaseId}`,
    pull_request_review_id: index.review[i] || null,
    ...common(ds, repo, c, api),
    path: repo.threadPath(parent, index.thread[i]),
    diff_hunk: "@@ -1,3 +1,3 @@",
    subject_type: "line",
    ...(c.databaseId === root ? {} : { in_reply_to_id: root }),
    html_url: `${web}/pull/${number}#discussion_r${c.databaseId}`,
    pull_request_url: `${base}/pulls/${number}`,
  };
}
