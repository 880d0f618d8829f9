/**
 * Items deleted while a client works: `POST /_sim/delete` deletes one item now; the option
 * `deleteOnFollowUp` deletes items just before a follow-up lookup reaches them (`node(id:)`,
 * `nodes(ids:)`, a REST single-comment GET), i.e. between the page that listed them and the
 * follow-up, which then answers as GitHub does for a deleted node (NOT_FOUND / 404).
 *
 * A deletion takes the item's children with it (a PR its reviews, comments and review comments;
 * an issue its comments; a discussion its comments and replies; a discussion comment its replies;
 * a review or review thread its review comments). From then on the item and its children are gone
 * from every list, lookup and truth (GitHub's truth after the deletion); `deletions()` lists what
 * went, so a test can check that everything else is exact.
 */
import type { Dataset } from "./dataset.ts";
import type { RepoData } from "./repo_data.ts";
import { decodeNodeId } from "./ids.ts";
import { unit } from "./prng.ts";
import { iso } from "./resolvers.ts";
import { truth, type TruthType } from "./truth.ts";

/** Kinds of deletable items: the truth types, plus review threads (not a truth type). */
export type DeletedType = TruthType | "review_threads";

export interface DeletedItem {
  id: string;
  type: DeletedType;
  databaseId: number | null;
}

export interface DeletionRecord extends DeletedItem {
  repo: string;
  /** When it was deleted (the simulator's clock). */
  at: string;
  /** Why: "control" (POST /_sim/delete) or "follow_up" (deleteOnFollowUp). */
  reason: "control" | "follow_up";
  /** Children that went with it. */
  cascade: DeletedItem[];
}

export interface DeleteOnFollowUp {
  /** "owner/name"; every repository when omitted. */
  repo?: string;
  /** Chance in [0, 1] that a looked-up item is deleted first; decided per node id from the
   * dataset seed, so a run is reproducible. */
  probability: number;
  /** Only these kinds (default: all deletable kinds). */
  types?: DeletedType[];
}

export interface DeletionOptions {
  deleteOnFollowUp: DeleteOnFollowUp | null;
}

export const DELETION_DEFAULTS: DeletionOptions = { deleteOnFollowUp: null };

interface Located extends DeletedItem {
  repo: RepoData;
  cascade: DeletedItem[];
  top?: { kind: "pr" | "issue" | "discussion"; index: number };
}

const item = (id: string, type: DeletedType, databaseId: number | null): DeletedItem => ({
  id,
  type,
  databaseId,
});

function locatePr(repo: RepoData, decodedType: string, nums: number[], id: string) {
  const index = nums[1 + (decodedType === "PullRequestReviewComment" ? 1 : 0)];
  if (!Number.isInteger(index) || index < 0 || index >= repo.spec.prs) return null;
  if (repo.isDeleted("pr", index)) return null;
  const pr = repo.pr(index);
  const d = repo.prDetail(index);
  const comments = d.threads.flatMap((t) => t.comments);
  const rc = (c: { id: string; databaseId: number }) => item(c.id, "review_comments", c.databaseId);
  switch (decodedType) {
    case "PullRequest":
      return {
        ...item(id, "pull_requests", pr.databaseId),
        top: { kind: "pr" as const, index },
        cascade: [
          ...d.reviews.map((r) => item(r.id, "reviews", r.databaseId)),
          ...d.comments.map((c) => item(c.id, "pr_comments", c.databaseId)),
          ...comments.map(rc),
          ...d.threads.map((t) => item(t.id, "review_threads", null)),
        ],
      };
    case "PullRequestReview": {
      const r = d.reviews.find((r) => r.id === id);
      if (!r) return null;
      return {
        ...item(id, "reviews", r.databaseId),
        cascade: (d.commentsByReview[r.index] ?? []).map(rc),
      };
    }
    case "PullRequestReviewThread": {
      const t = d.threads.find((t) => t.id === id);
      return t ? { ...item(id, "review_threads", null), cascade: t.comments.map(rc) } : null;
    }
    case "PullRequestReviewComment": {
      const c = comments.find((c) => c.id === id);
      return c ? { ...rc(c), cascade: [] } : null;
    }
  }
  return null;
}

/** What a node id names in the dataset (and what would go with it), or null if nothing (left). */
function locate(ds: Dataset, id: string): Located | null {
  const decoded = decodeNodeId(id);
  if (!decoded || decoded.path[0] === "f") return null;
  const nums = decoded.path.map(Number);
  const entry = ds.entries[nums[0]];
  if (!entry) return null;
  const repo = ds.repo(entry.ordinal);
  if (repo.isDeletedId(id)) return null;
  const inRange = (i: number, n: number) => Number.isInteger(i) && i >= 0 && i < n;
  const type = decoded.type;
  if (type.startsWith("PullRequest")) {
    const hit = locatePr(repo, type, nums, id);
    return hit && { ...hit, repo };
  }
  if (type === "IssueComment") {
    const [, kind, parentText] = decoded.path;
    const parent = Number(parentText);
    if (kind === "prComment") {
      if (!inRange(parent, repo.spec.prs) || repo.isDeleted("pr", parent)) return null;
      const c = repo.prDetail(parent).comments.find((c) => c.id === id);
      return c ? { ...item(id, "pr_comments", c.databaseId), repo, cascade: [] } : null;
    }
    if (!inRange(parent, repo.spec.issues) || repo.isDeleted("issue", parent)) return null;
    const c = repo.issueComments(parent).find((c) => c.id === id);
    return c ? { ...item(id, "issue_comments", c.databaseId), repo, cascade: [] } : null;
  }
  if (type === "Issue" && inRange(nums[1], repo.spec.issues) && !repo.isDeleted("issue", nums[1])) {
    return {
      ...item(id, "issues", repo.issue(nums[1]).databaseId),
      repo,
      top: { kind: "issue", index: nums[1] },
      cascade: repo.issueComments(nums[1]).map((c) => item(c.id, "issue_comments", c.databaseId)),
    };
  }
  const d = type === "Discussion" ? nums[1] : nums[2];
  if (!inRange(d, repo.spec.discussions) || repo.isDeleted("discussion", d)) return null;
  const dc = (c: { id: string; databaseId: number }) =>
    item(c.id, "discussion_comments", c.databaseId);
  const all = repo.discussionComments(d);
  if (type === "Discussion") {
    return {
      ...item(id, "discussions", repo.discussion(d).databaseId),
      repo,
      top: { kind: "discussion", index: d },
      cascade: all.flatMap((c) => [c, ...c.replies]).map(dc),
    };
  }
  if (type !== "DiscussionComment") return null;
  const c = all.flatMap((c) => [c, ...c.replies]).find((c) => c.id === id);
  return c ? { ...dc(c), repo, cascade: c.replies.map(dc) } : null;
}

/** Finds a node id from (repo, truth type, databaseId). */
function idOf(ds: Dataset, repo: string, type: string, databaseId: number): string | null {
  const items = truth(ds, { repo, type: type as TruthType }).items;
  return items.find((i) => i.databaseId === databaseId)?.id ?? null;
}

export interface DeleteTarget {
  /** A node id; or `repo` + `type` (a truth type) + `databaseId`. */
  id?: string;
  repo?: string;
  type?: string;
  databaseId?: number;
}

/** Deletes one item (and its children) now; throws a RangeError naming what could not be found. */
export function deleteItem(
  ds: Dataset,
  target: DeleteTarget,
  now: number,
  reason: DeletionRecord["reason"] = "control",
): DeletionRecord {
  let id = target.id;
  if (!id && target.repo && target.type && typeof target.databaseId === "number") {
    id = idOf(ds, target.repo, target.type, target.databaseId) ?? undefined;
  }
  const hit = id ? locate(ds, id) : null;
  if (!id || !hit) {
    throw new RangeError(
      `delete: no item ${JSON.stringify(target)} left in the dataset; give {id: "<node id>"} or ` +
        `{repo: "owner/name", type: "<truth type>", databaseId: N} of an item that exists`,
    );
  }
  hit.repo.markDeleted([id, ...hit.cascade.map((c) => c.id)], hit.top);
  const record: DeletionRecord = {
    id,
    type: hit.type,
    databaseId: hit.databaseId,
    repo: hit.repo.nameWithOwner,
    at: iso(now),
    reason,
    cascade: hit.cascade,
  };
  ds.deletions.push(record);
  return record;
}

/** Applies `deleteOnFollowUp` to a node id about to be looked up. */
export function deleteOnFollowUp(
  ds: Dataset,
  rule: DeleteOnFollowUp | null,
  id: string,
  now: number,
): void {
  if (!rule || !(rule.probability > 0)) return;
  if (unit(ds.seed, "delete-on-follow-up", id) >= rule.probability) return;
  const hit = locate(ds, id);
  if (!hit) return;
  if (rule.repo && rule.repo.toLowerCase() !== hit.repo.nameWithOwner.toLowerCase()) return;
  if (rule.types && !rule.types.includes(hit.type)) return;
  deleteItem(ds, { id }, now, "follow_up");
}

/** Counts of deleted items by kind, children included. */
export function deletionCounts(ds: Dataset) {
  const byType: Partial<Record<DeletedType, number>> = {};
  let total = 0;
  for (const r of ds.deletions) {
    for (const d of [r, ...r.cascade]) {
      byType[d.type] = (byType[d.type] ?? 0) + 1;
      total++;
    }
  }
  return { total, byType };
}
