// GitHub's conversation-comment list serves PRs and issues alike. A job that fetches pull
// requests but not issues keeps the comments of its PRs only, even when another job stored the
// issue a comment belongs to: issue comments are the issues data type's (and its window's).
import { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";
import { createJob, drain, expectedContent, forgetRepositories, jobStatus, setupWorkspace, simulator, windowStartOf, workerDeps } from "./engine_helpers.ts";

const REPO = "acme/web";
const sorted = (xs: unknown[]) => xs.map(Number).sort((a, b) => a - b);

Deno.test("a job without issues does not attach conversation comments to issues another job stored", async () => {
  const sql = testDb(4);
  const sim = simulator();
  try {
    await forgetRepositories(sql, sim, [REPO]);
    const { workspaceId } = await setupWorkspace(sql, "e2e-comment-parents", [REPO]);
    // Issues of the last 5 days first, then pull requests of the last 60.
    const issuesJob = await createJob(sql, workspaceId, { windowDays: 5, dataTypes: ["repository", "issues"] });
    await drain(sql, issuesJob, () => workerDeps(sql, sim));
    const prJob = await createJob(sql, workspaceId, { windowDays: 60, dataTypes: ["repository", "pull_requests"] });
    await drain(sql, prJob, () => workerDeps(sql, sim));
    assertEquals([await jobStatus(sql, issuesJob), await jobStatus(sql, prJob)], ["completed", "completed"]);

    const issueWindow = expectedContent(sim, REPO, await windowStartOf(sql, issuesJob), ["issues"]).ids;
    const prWindow = expectedContent(sim, REPO, await windowStartOf(sql, prJob), ["pull_requests"]).ids;
    const [r] = await sql`select id from public.repositories where full_name = ${REPO}`;
    const stored = async (column: string) =>
      sorted((await sql`select id from public.issue_comments where repository_id = ${r.id} and ${sql(column)} is not null`).map((x) => x.id));
    assertEquals(await stored("issue_id"), issueWindow.issue_comments, "issue comments: the issues job's window only");
    assertEquals(await stored("pull_request_id"), prWindow.pr_comments, "PR conversation comments: the PR job's window");
  } finally {
    await sql.end();
  }
});
