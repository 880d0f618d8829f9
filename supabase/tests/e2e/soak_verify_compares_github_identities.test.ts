// The soak's verdict (dev/soak/verify.ts) compares stored rows with the simulator by what makes
// them GitHub's items (databaseId, node id, number, parent, reply target), not by primary keys
// that cannot repeat: after an exact job it finds nothing, and it finds a review moved to another
// pull request, a reply stored as a top-level comment and one node stored under two ids.
import assert, { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { createJob, drain, forgetRepositories, setupWorkspace, simulator, workerDeps } from "./engine_helpers.ts";
import { verify } from "../../../dev/soak/verify.ts";
import type { Sql } from "../../functions/_shared/db.ts";

const REPO = "vf/checked";
const REPOS = [{ owner: "vf", name: "checked", prs: 6, issues: 3, discussions: 3, commentsPerDiscussion: 2, repliesPerComment: 2,
  reviewsPerPr: 2, commits: 10, forks: 3, starsPerDay: 1, days: 20 }];
// Stars are compared by day alone (no GitHub identity to get wrong): left out.
const TYPES = ["repository", "pull_requests", "issues", "discussions", "commits", "forks"];

/** Runs `corrupt` and verify() in one transaction that is rolled back: the stored rows stay exact. */
async function verifyCorrupted(sql: Sql, verifyIn: (tx: Sql) => Promise<string[]>, corrupt: (tx: Sql) => Promise<unknown>): Promise<string[]> {
  const undo = new Error("rolled back on purpose");
  let problems: string[] = [];
  await sql.begin(async (tx) => {
    await corrupt(tx as unknown as Sql);
    problems = await verifyIn(tx as unknown as Sql);
    throw undo;
  }).catch((e) => {
    if (e !== undo) throw e;
  });
  return problems;
}

Deno.test("the soak's verdict finds rows that are not GitHub's items even when their ids are", async () => {
  const sql = testDb(6);
  try {
    const sim = simulator(REPOS);
    await forgetRepositories(sql, sim, [REPO]);
    const { workspaceId } = await setupWorkspace(sql, "soak-verify-identities", [REPO]);
    const jobId = await createJob(sql, workspaceId, { windowDays: 30, dataTypes: TYPES });
    await drain(sql, jobId, () => workerDeps(sql, sim));
    const check = async (tx: Sql) => (await verify(tx, sim, [jobId], [REPO], [])).problems;
    const exact = await check(sql);
    assertEquals(exact, [], `an exact job leaves nothing to report:\n${exact.join("\n")}`);

    const [{ id: repoId }] = await sql`select id from public.repositories where full_name = ${REPO}`;
    const [review] = await sql`
      select r.id, r.pull_request_id, (select p.id from public.pull_requests p where p.repository_id = r.repository_id
        and p.id <> r.pull_request_id order by p.id limit 1) as other
      from public.reviews r where r.repository_id = ${repoId} order by r.id limit 1`;
    const moved = await verifyCorrupted(sql, check, (tx) =>
      tx`update public.reviews set pull_request_id = ${review.other} where id = ${review.id}`);
    assertEquals(moved.length, 1, moved.join("\n"));
    assert.match(moved[0], new RegExp(`^${REPO} reviews: .*; missing ${review.id} \\S+ \\^${review.pull_request_id}; ` +
      `not the truth's .* ${review.id} \\S+ \\^${review.other}$`), "a review on the wrong pull request is missing and extra");

    const [reply] = await sql`select id from public.discussion_comments where repository_id = ${repoId} and parent_id is not null limit 1`;
    const flattened = await verifyCorrupted(sql, check, (tx) =>
      tx`update public.discussion_comments set parent_id = null where id = ${reply.id}`);
    assertEquals(flattened.length, 1, flattened.join("\n"));
    assert.match(flattened[0], new RegExp(`^${REPO} discussion comments \\(with replies\\): .*missing ${reply.id} .* <\\S+; not the truth's .*${reply.id} \\S+ \\^\\d+ <$`),
      "a reply stored as a top-level comment is missing and extra");

    const [pr] = await sql`select id, node_id from public.pull_requests where repository_id = ${repoId} order by id limit 1`;
    const twice = await verifyCorrupted(sql, check, async (tx) => {
      // The schema forbids it (node_id is unique); the verdict must not depend on that.
      await tx`alter table public.pull_requests drop constraint pull_requests_node_id_key`;
      await tx`insert into public.pull_requests (id, node_id, repository_id, number, title, state, created_at)
        select id + 1000000, node_id, repository_id, number + 1000, title, state, created_at from public.pull_requests where id = ${pr.id}`;
    });
    assertEquals(twice.length, 1, twice.join("\n"));
    assert.match(twice[0], new RegExp(`^${REPO} pull requests: .*; duplicates ${pr.node_id} ×2$`), "one node id stored under two ids is a duplicate");
    assertEquals(await check(sql), [], "the corruptions were rolled back");
    await forgetRepositories(sql, sim, [REPO]);
  } finally {
    await sql.end();
  }
});
