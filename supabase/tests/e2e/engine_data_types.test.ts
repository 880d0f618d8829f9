// Discussions (with comments and replies), commits, forks and daily star history go through the
// same engine as pull requests, and end equal to the simulator's ground truth inside the window:
// same ids, nothing outside it, replies under the right comment, every reply of a comment with
// more than 100 of them. Discussions are those updated inside the window (an old one answered
// since included), each with all its comments.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { createJob, drain, freshBudget, itemsDone, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";
import { sqlBudget } from "../../functions/_shared/engine/budget.ts";
import { createGithubClient } from "../../functions/_shared/github/graphql.ts";
import type { RepoSpec, Simulator } from "../../../dev/github-sim/mod.ts";
import type { Sql } from "../../functions/_shared/db.ts";

const ALL_TYPES = ["repository", "pull_requests", "issues", "discussions", "commits", "stars", "forks"];

const REPOS: RepoSpec[] = [
  // heavyItems: 1 makes the middle discussion (~20 days old) carry >100 comments, its first
  // comment 120–199 replies.
  { owner: "dt", name: "talk", prs: 4, issues: 3, discussions: 12, commentsPerDiscussion: 3, repliesPerComment: 2,
    commits: 90, forks: 25, starsPerDay: 3, days: 40, heavyItems: 1 },
  { owner: "dt", name: "old", prs: 2, issues: 2, discussions: 6, commits: 40, forks: 8, starsPerDay: 1, days: 200 },
  { owner: "dt", name: "empty", prs: 0, issues: 0, discussions: 0, commits: 0, forks: 0, starsPerDay: 0, days: 10 },
];
const NAMES = REPOS.map((r) => `${r.owner}/${r.name}`);

const sorted = <T extends number | string>(xs: T[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Removes every stored repository that shares a GitHub id with one of `names` in `sim`: the
 * simulator numbers repositories by their position in its dataset, so another test's dataset
 * gives other names the same ids, and a leftover row would lend its content to ours. */
async function forgetSimRepositories(sql: Sql, sim: Simulator, names: string[]): Promise<void> {
  const gh = createGithubClient({ baseUrl: "http://sim.test", token: "cleanup", fetch: sim.fetch as typeof fetch });
  const ids: number[] = [];
  for (const full of names) {
    const [owner, name] = full.split("/");
    const r = await gh.query<{ repository: { databaseId: number } }>(
      "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { databaseId } }", { owner, name }, 5000);
    ids.push(r.repository.databaseId);
  }
  await sql`delete from public.repositories where id = any(${ids}) or lower(full_name) = any(${names.map((n) => n.toLowerCase())})`;
}

async function repoId(sql: Sql, repo: string): Promise<number> {
  const [r] = await sql`select id from public.repositories where lower(full_name) = ${repo.toLowerCase()}`;
  return r ? Number(r.id) : -1;
}

/** The discussions of `repo` updated at or after `since` (GitHub shows times to the second, as the
 * walk compares them), and their comments and replies. */
function expectedDiscussions(sim: Simulator, repo: string, since: string) {
  const discussions = sim.truth({ repo, type: "discussions" }).items.filter((d) => Date.parse(d.updatedAt!) >= Date.parse(since));
  const ids = new Set(discussions.map((d) => d.databaseId!));
  const comments = sim.truth({ repo, type: "discussion_comments" }).items.filter((c) => ids.has(c.parentDatabaseId!));
  return { discussions, comments };
}

/** The database holds exactly the simulator's discussions updated since `since` with their
 * comments (with parents), and the commits, forks and star days of `repo` since `since`. */
async function assertNewTypesMatchTruth(sql: Sql, sim: Simulator, repo: string, since: string): Promise<void> {
  const id = await repoId(sql, repo);
  const truth = (type: Parameters<Simulator["truth"]>[0]["type"]) => sim.truth({ repo, type, since }).items;
  const want = expectedDiscussions(sim, repo, since);

  const discussions = await sql`select id from public.discussions where repository_id = ${id}`;
  assertEquals(sorted(discussions.map((d) => Number(d.id))), sorted(want.discussions.map((d) => d.databaseId!)), `${repo}: discussions`);

  // Replies: parent_id (a databaseId) must be the comment whose node id the truth names.
  const comments = await sql`
    select c.id, c.discussion_id, p.node_id as parent_node_id
    from public.discussion_comments c left join public.discussion_comments p on p.id = c.parent_id
    where c.repository_id = ${id}`;
  const got = comments.map((c) => `${c.id}:${c.discussion_id}:${c.parent_node_id ?? "-"}`);
  const wantComments = want.comments.map((c) => `${c.databaseId}:${c.parentDatabaseId}:${c.parentId ?? "-"}`);
  assertEquals(sorted(got), sorted(wantComments), `${repo}: discussion comments and replies with their parents`);

  const commits = await sql`select sha from public.commits where repository_id = ${id}`;
  assertEquals(sorted(commits.map((c) => c.sha as string)), sorted(truth("commits").map((c) => c.oid!)), `${repo}: commits`);

  const forks = await sql`select id from public.forks where repository_id = ${id}`;
  assertEquals(sorted(forks.map((f) => Number(f.id))), sorted(truth("forks").map((f) => f.databaseId!)), `${repo}: forks`);

  await assertStarsMatchTruth(sql, sim, repo, since);
}

/** Every day with stars carries the truth's count; zero days may be stored or not; no stored
 * day lies outside the window. */
async function assertStarsMatchTruth(sql: Sql, sim: Simulator, repo: string, since: string): Promise<void> {
  const id = await repoId(sql, repo);
  const truth = (type: "stars") => sim.truth({ repo, type, since }).items;
  const days = await sql`select to_char(day, 'YYYY-MM-DD') as day, stars from public.star_history where repository_id = ${id}`;
  const nonZero = (xs: { day: string; n: number }[]) => sorted(xs.filter((x) => x.n > 0).map((x) => `${x.day}=${x.n}`));
  assertEquals(nonZero(days.map((d) => ({ day: d.day, n: d.stars }))), nonZero(truth("stars").map((s) => ({ day: s.date!, n: s.count! }))), `${repo}: stars per day`);
  const inWindow = new Set(truth("stars").map((s) => s.date!));
  for (const d of days) assert(inWindow.has(d.day) || d.stars === 0, `${repo}: star day ${d.day} lies inside the window`);
  assert(days.every((d) => Date.parse(d.day + "T00:00:00Z") >= Date.parse(since)), `${repo}: no star day before the window starts`);
}

Deno.test("discussions, comments and replies, commits, forks and stars equal the simulator's ground truth inside the window", async () => {
  const sql = testDb(6);
  try {
    const sim = simulator(REPOS);
    await forgetSimRepositories(sql, sim, NAMES);
    const { workspaceId } = await setupWorkspace(sql, "engine-e2e-data-types", NAMES);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ALL_TYPES });
    await drain(sql, jobId, () => workerDeps(sql, sim));
    const [job] = await sql`select status, total_tasks, completed_tasks, failed_tasks from public.backfill_jobs where id = ${jobId}`;
    assertEquals([job.status, job.total_tasks, job.completed_tasks, job.failed_tasks], ["completed", 3, 3, 0]);
    const [{ skipped }] = await sql`
      select count(*)::int as skipped from public.backfill_progress p join public.backfill_tasks t on t.id = p.task_id
      where t.job_id = ${jobId} and p.status <> 'completed'`;
    assertEquals(skipped, 0, "no data type is skipped");
    const since = await windowStartOf(sql, jobId);
    for (const repo of NAMES) await assertNewTypesMatchTruth(sql, sim, repo, since);

    // The window cuts the data: older items exist in the simulator but not in the database.
    for (const type of ["commits", "forks"] as const) {
      assert(sim.truth({ repo: "dt/old", type }).count > sim.truth({ repo: "dt/old", type, since }).count, `dt/old has ${type} before the window`);
    }
    assert(sim.truth({ repo: "dt/old", type: "discussions" }).count > expectedDiscussions(sim, "dt/old", since).discussions.length,
      "dt/old has discussions last updated before the window");

    // Nested overflow: the heavy discussion is inside the window and every reply was fetched.
    const replies = expectedDiscussions(sim, "dt/talk", since).comments.filter((c) => c.parentId);
    const perComment = new Map<string, number>();
    for (const r of replies) perComment.set(r.parentId!, (perComment.get(r.parentId!) ?? 0) + 1);
    const heaviest = Math.max(...perComment.values());
    assert(heaviest > 100, `a comment inside the window has more than 100 replies (has ${heaviest})`);
    const [{ most }] = await sql`
      select max(n)::int as most from (select count(*) as n from public.discussion_comments
        where repository_id = ${await repoId(sql, "dt/talk")} and parent_id is not null group by parent_id) x`;
    assertEquals(most, heaviest, "the comment with the most replies has all of them");

    // Progress counts what was stored.
    const all = (type: "commits" | "forks") => NAMES.reduce((n, repo) => n + sim.truth({ repo, type, since }).count, 0);
    assertEquals(await itemsDone(sql, jobId, "discussions"), NAMES.reduce((n, repo) => n + expectedDiscussions(sim, repo, since).discussions.length, 0));
    assertEquals(await itemsDone(sql, jobId, "commits"), all("commits"));
    assertEquals(await itemsDone(sql, jobId, "forks"), all("forks"));
    assertEquals(sim.counters().violations.total, 0);
    await forgetSimRepositories(sql, sim, NAMES);
  } finally {
    await sql.end();
  }
});

Deno.test("stars draw on the REST budget (one request per repository), and a second job over the same window changes nothing", async () => {
  const sql = testDb(4);
  try {
    const sim = simulator(REPOS);
    await forgetSimRepositories(sql, sim, NAMES);
    const { workspaceId } = await setupWorkspace(sql, "engine-e2e-data-types-2", ["dt/talk"]);
    const label = "data-types-rest";
    const budgets = async () => ({
      budget: await freshBudget(sql, label, "dt-token", { reserve: 10 }),
      restBudget: sqlBudget(sql, { envToken: "dt-token", envLabel: `env:${label}`, reserve: 10, vaultTokens: false, resource: "core" }),
    });
    const first = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["stars"] });
    const b = await budgets();
    await drain(sql, first, () => workerDeps(sql, sim, b));
    assertEquals(await jobStatus(sql, first), "completed");
    assertEquals(sim.counters().requests.rest, 1, "one REST request covers the window");
    const [core] = await sql`
      select b.remaining, b.limit_points from engine.rate_limit_budgets b join engine.github_tokens t on t.id = b.token_id
      where t.label = ${`env:${label}`} and b.resource = 'core'`;
    assertEquals([core.remaining, core.limit_points], [4999, 5000], "the REST budget is reconciled from x-ratelimit-* headers");

    const count = async () => {
      const [r] = await sql`select count(*)::int as n, coalesce(sum(stars), 0)::int as s from public.star_history
        where repository_id = ${await repoId(sql, "dt/talk")}`;
      return [r.n, r.s];
    };
    const before = await count();
    assert(before[1] > 0, "stars were stored");
    const second = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: ["stars"] });
    await drain(sql, second, () => workerDeps(sql, sim, b));
    assertEquals(await count(), before);
    await assertStarsMatchTruth(sql, sim, "dt/talk", await windowStartOf(sql, second));
    assertEquals(sim.counters().violations.total, 0);
    await forgetSimRepositories(sql, sim, NAMES);
  } finally {
    await sql.end();
  }
});
