/**
 * The simulated world: repository specs, their defaults, the default dataset, users, and the
 * allocation of database ids. Per-repository items are generated lazily by `repo_data.ts`.
 *
 * Everything is a pure function of (seed, now, specs): two datasets built from the same inputs
 * are identical item for item, until items are deleted at runtime (deletions.ts).
 */
import { hash32, unit } from "./prng.ts";
import { nodeId } from "./ids.ts";
import { RepoData } from "./repo_data.ts";
import type { DeletionRecord } from "./deletions.ts";

export const DAY_MS = 86_400_000;
/** Items (PRs, issues, discussions) chosen as "heavy" get this many nested items at most. */
export const HEAVY_MAX = 200;
export const HEAVY_MIN = 120;

export interface RepoSpec {
  owner: string;
  name: string;
  prs?: number;
  reviewsPerPr?: number;
  commentsPerPr?: number;
  reviewCommentsPerPr?: number;
  issues?: number;
  commentsPerIssue?: number;
  discussions?: number;
  commentsPerDiscussion?: number;
  repliesPerComment?: number;
  commits?: number;
  starsPerDay?: number;
  forks?: number;
  /** How many days back the items spread (default 450). */
  days?: number;
  /** How many PRs, issues and discussions get 120–199 nested items (reviews, comments, thread
   * comments, replies), so that nested pagination is exercised. */
  heavyItems?: number;
  /** Comment, review and reply timestamps are rounded down to this many seconds (default 1:
   * unchanged). A coarse clock (e.g. 86400) puts many comments on one `updated_at` second, as
   * bulk imports and bots do on GitHub, so a walk that relies on an inclusive `since` loses items
   * when `since` is exclusive. */
  commentTimeGranularitySeconds?: number;
  private?: boolean;
  /** Tokens that may see a private repository (everyone else gets NOT_FOUND; see auth.ts for
   * installation tokens and OAuth scopes). */
  visibleTo?: string[];
  /** The repository does not exist: NOT_FOUND in GraphQL, 404 in REST. */
  missing?: boolean;
  /** "owner/name": this spec's name is an old name; the data lives under the new name. */
  renamedTo?: string;
  description?: string;
}

export type FullRepoSpec = Required<Omit<RepoSpec, "renamedTo" | "visibleTo" | "description">> & {
  visibleTo: string[];
  description: string;
  formerNames: string[];
};

export const REPO_DEFAULTS = {
  prs: 50,
  reviewsPerPr: 2,
  commentsPerPr: 3,
  reviewCommentsPerPr: 2,
  issues: 30,
  commentsPerIssue: 2,
  discussions: 5,
  commentsPerDiscussion: 3,
  repliesPerComment: 1,
  commits: 200,
  starsPerDay: 2,
  forks: 10,
  days: 450,
  heavyItems: 0,
  commentTimeGranularitySeconds: 1,
  private: false,
  missing: false,
};

/** The default dataset (seed 42): varied sizes, overflowing nested connections, special cases. */
export const DEFAULT_REPOS: RepoSpec[] = [
  {
    owner: "acme",
    name: "web",
    prs: 300,
    reviewsPerPr: 3,
    commentsPerPr: 4,
    reviewCommentsPerPr: 4,
    issues: 200,
    commentsPerIssue: 3,
    discussions: 30,
    commits: 800,
    starsPerDay: 5,
    forks: 40,
    heavyItems: 2,
  },
  { owner: "acme", name: "api", prs: 120, issues: 80, commits: 400, starsPerDay: 2, forks: 15 },
  {
    owner: "acme",
    name: "tiny",
    prs: 3,
    issues: 2,
    discussions: 1,
    commits: 10,
    starsPerDay: 0.1,
    forks: 1,
    days: 60,
  },
  {
    owner: "acme",
    name: "empty",
    prs: 0,
    issues: 0,
    discussions: 0,
    commits: 0,
    starsPerDay: 0,
    forks: 0,
  },
  {
    owner: "globex",
    name: "engine",
    prs: 600,
    issues: 300,
    discussions: 40,
    commits: 1500,
    starsPerDay: 8,
    forks: 80,
    heavyItems: 1,
  },
  { owner: "globex", name: "docs", prs: 40, issues: 25, commits: 150, starsPerDay: 1, forks: 5 },
  {
    owner: "globex",
    name: "huge",
    prs: 5000,
    reviewsPerPr: 2,
    commentsPerPr: 2,
    reviewCommentsPerPr: 1,
    issues: 3000,
    commentsPerIssue: 2,
    discussions: 200,
    commits: 20000,
    starsPerDay: 40,
    forks: 500,
    heavyItems: 3,
  },
  { owner: "acme", name: "missing", missing: true },
  { owner: "acme", name: "secret", private: true, prs: 10, issues: 5 },
  { owner: "acme", name: "old-name", renamedTo: "acme/new-name", prs: 25, issues: 10 },
];

export interface DatasetOptions {
  seed?: number;
  /** The instant the dataset ends at (ms since epoch or Date). Defaults to the real time. */
  now?: number | Date;
  repos?: RepoSpec[];
  /** Size of the shared user pool authors are drawn from. */
  users?: number;
}

export interface UserRec {
  login: string;
  databaseId: number;
  id: string;
  avatarUrl: string;
  name: string;
  email: string;
}

const FIRST = [
  "ada",
  "alan",
  "grace",
  "linus",
  "ken",
  "barbara",
  "dennis",
  "margaret",
  "edsger",
  "frances",
  "john",
  "radia",
  "tim",
  "donald",
  "anita",
  "guido",
  "yukihiro",
  "brendan",
  "bjarne",
  "sophie",
];

export interface RepoEntry {
  ordinal: number;
  spec: FullRepoSpec;
  owner: string;
  name: string;
}

export type Lookup =
  | { kind: "found"; entry: RepoEntry; redirectedFrom?: string }
  | { kind: "missing" };

/** Database-id ranges so that every id is unique per type across repositories. */
export type IdKind =
  | "pr"
  | "review"
  | "prComment"
  | "reviewComment"
  | "issue"
  | "issueComment"
  | "discussion"
  | "discussionComment"
  | "fork";

export class Dataset {
  readonly seed: number;
  readonly now: number;
  readonly entries: RepoEntry[] = [];
  readonly users: UserRec[] = [];
  /** Items deleted at runtime (deletions.ts), oldest first. The only state that is not a pure
   * function of (seed, now, specs); rebuilding the dataset clears it. */
  readonly deletions: DeletionRecord[] = [];
  private byName = new Map<string, { entry: RepoEntry; redirectedFrom?: string }>();
  private missingNames = new Set<string>();
  private cache = new Map<number, RepoData>();
  private idBases = new Map<string, number>();

  constructor(options: DatasetOptions = {}) {
    this.seed = options.seed ?? 42;
    const now = options.now ?? Date.now();
    this.now = typeof now === "number" ? now : now.getTime();
    const userCount = options.users ?? 300;
    for (let k = 0; k < userCount; k++) {
      const first = FIRST[hash32(this.seed, "user", k) % FIRST.length];
      const login = `${first}-${k + 1}`;
      const databaseId = 5_000_000 + k * 7 + 1;
      this.users.push({
        login,
        databaseId,
        id: nodeId("User", [k]),
        avatarUrl: `https://avatars.githubusercontent.com/u/${databaseId}?v=4`,
        name: first[0].toUpperCase() + first.slice(1) + ` ${k + 1}`,
        email: `${login}@users.noreply.github.com`,
      });
    }
    for (const raw of options.repos ?? DEFAULT_REPOS) this.addSpec(raw);
    this.allocateIds();
  }

  private addSpec(raw: RepoSpec) {
    const key = `${raw.owner}/${raw.name}`.toLowerCase();
    if (raw.missing) {
      this.missingNames.add(key);
      return;
    }
    let owner = raw.owner;
    let name = raw.name;
    const formerNames: string[] = [];
    if (raw.renamedTo) {
      const [newOwner, newName] = raw.renamedTo.split("/");
      if (!newOwner || !newName) {
        throw new TypeError(`repo ${key}: renamedTo must be "owner/name", got "${raw.renamedTo}"`);
      }
      formerNames.push(`${raw.owner}/${raw.name}`);
      owner = newOwner;
      name = newName;
    }
    const spec: FullRepoSpec = {
      ...REPO_DEFAULTS,
      ...stripUndefined(raw),
      owner,
      name,
      visibleTo: raw.visibleTo ?? [],
      description: raw.description ?? `The ${name} project of ${owner}.`,
      formerNames,
    } as FullRepoSpec;
    const entry: RepoEntry = { ordinal: this.entries.length, spec, owner, name };
    this.entries.push(entry);
    this.byName.set(`${owner}/${name}`.toLowerCase(), { entry });
    for (const former of formerNames) {
      this.byName.set(former.toLowerCase(), { entry, redirectedFrom: former });
    }
  }

  lookup(owner: string, name: string): Lookup {
    const key = `${owner}/${name}`.toLowerCase();
    const hit = this.byName.get(key);
    if (!hit || this.missingNames.has(key)) return { kind: "missing" };
    return { kind: "found", entry: hit.entry, redirectedFrom: hit.redirectedFrom };
  }

  /** The lazily generated, cached data of a repository. */
  repo(ordinal: number): RepoData {
    let data = this.cache.get(ordinal);
    if (!data) {
      const entry = this.entries[ordinal];
      if (!entry) throw new RangeError(`no repository with ordinal ${ordinal}`);
      data = new RepoData(this, entry);
      this.cache.set(ordinal, data);
    }
    return data;
  }

  repoByName(fullName: string): RepoData | null {
    const [owner, name] = fullName.split("/");
    const hit = this.lookup(owner ?? "", name ?? "");
    return hit.kind === "found" ? this.repo(hit.entry.ordinal) : null;
  }

  /** First database id of (repo, kind); ids inside are parentIndex * stride + k. */
  idBase(ordinal: number, kind: IdKind): number {
    return this.idBases.get(`${ordinal}:${kind}`) ?? 0;
  }

  private allocateIds() {
    const parents: Record<IdKind, (s: FullRepoSpec) => number> = {
      pr: (s) => s.prs,
      review: (s) => s.prs,
      prComment: (s) => s.prs,
      reviewComment: (s) => s.prs,
      issue: (s) => s.issues,
      issueComment: (s) => s.issues,
      discussion: (s) => s.discussions,
      discussionComment: (s) => s.discussions,
      fork: (s) => s.forks,
    };
    // On GitHub, PR conversation comments and issue comments are both IssueComment rows with one
    // databaseId sequence: issue comments continue where PR comments end, so the two never collide.
    const continuesFrom: Partial<Record<IdKind, IdKind>> = { issueComment: "prComment" };
    const ends = new Map<IdKind, number>();
    for (const kind of Object.keys(parents) as IdKind[]) {
      // Start each kind at a different, GitHub-looking offset; stay inside GraphQL's Int.
      const after = continuesFrom[kind];
      let next = after !== undefined
        ? ends.get(after)!
        : 1_000_000 + (hash32(this.seed, kind) % 1000) * 1000;
      for (const entry of this.entries) {
        this.idBases.set(`${entry.ordinal}:${kind}`, next);
        next += parents[kind](entry.spec) * strideFor(entry.spec, kind);
      }
      if (next > 2 ** 31 - 1) {
        throw new RangeError(`dataset too large: ${kind} database ids exceed GraphQL's Int range`);
      }
      ends.set(kind, next);
    }
  }

  /** Authors: a per-repo slice of the user pool, skewed so a few people do most of the work. */
  author(ordinal: number, kind: string, index: number, ghostRate = 0.03): UserRec | null {
    if (unit(this.seed, ordinal, kind, index, "ghost") < ghostRate) return null;
    const spec = this.entries[ordinal].spec;
    const size = Math.min(
      this.users.length,
      Math.max(3, Math.round(Math.sqrt(spec.prs + spec.issues + spec.commits))),
    );
    const start = hash32(this.seed, ordinal, "contributors") % this.users.length;
    const u = unit(this.seed, ordinal, kind, index, "author");
    return this.users[(start + Math.floor(size * u * u)) % this.users.length];
  }
}

/** Per-parent slots reserved for nested items of a kind in a repository (1 for top-level kinds). */
export function strideFor(spec: FullRepoSpec, kind: IdKind): number {
  if (kind === "pr" || kind === "issue" || kind === "discussion" || kind === "fork") return 1;
  const maxOf = (mean: number) =>
    Math.max(Math.floor(2 * mean) + 1, spec.heavyItems ? HEAVY_MAX : 0);
  let most = 1;
  if (kind === "review") most = maxOf(spec.reviewsPerPr);
  if (kind === "prComment") most = maxOf(spec.commentsPerPr);
  if (kind === "reviewComment") most = maxOf(spec.reviewCommentsPerPr);
  if (kind === "issueComment") most = maxOf(spec.commentsPerIssue);
  if (kind === "discussionComment") {
    most = maxOf(spec.commentsPerDiscussion) * (Math.floor(2 * spec.repliesPerComment) + 2) +
      HEAVY_MAX;
  }
  let stride = 1;
  while (stride < most + 1) stride *= 2;
  return stride;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
