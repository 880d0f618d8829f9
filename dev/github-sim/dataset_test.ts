import assert from "node:assert/strict";
import { Dataset } from "./dataset.ts";
import { truth, TRUTH_TYPES } from "./truth.ts";
import { NOW } from "./test_util.ts";
import { createSimulator, LARGE_OSS_REPO } from "./mod.ts";

function fingerprint(ds: Dataset): string {
  return JSON.stringify(
    ["acme/web", "globex/engine"].flatMap((repo) =>
      TRUTH_TYPES.map((type) => truth(ds, { repo, type }))
    ),
  );
}

Deno.test("the dataset is identical for the same seed and now", () => {
  assert.equal(
    fingerprint(new Dataset({ seed: 42, now: NOW })),
    fingerprint(new Dataset({ seed: 42, now: NOW })),
  );
});

Deno.test("the dataset differs for a different seed", () => {
  assert.notEqual(
    fingerprint(new Dataset({ seed: 42, now: NOW })),
    fingerprint(new Dataset({ seed: 43, now: NOW })),
  );
});

Deno.test("database ids are unique per type and node ids unique across the default dataset", () => {
  const ds = new Dataset({ now: NOW });
  const nodeIds = new Set<string>();
  for (const entry of ds.entries) {
    const repo = entry.spec.formerNames.length
      ? `${entry.owner}/${entry.name}`
      : `${entry.owner}/${entry.name}`;
    for (const type of TRUTH_TYPES) {
      if (type === "stars" || type === "contributors") continue;
      const items = truth(ds, { repo, type }).items;
      for (const item of items) {
        assert.ok(!nodeIds.has(item.id!), `duplicate node id ${item.id} (${type})`);
        nodeIds.add(item.id!);
      }
    }
  }
  for (
    const type of ["pull_requests", "reviews", "issue_comments", "discussion_comments"] as const
  ) {
    const ids = ds.entries.flatMap((e) =>
      truth(ds, { repo: `${e.owner}/${e.name}`, type }).items.map((i) => i.databaseId)
    );
    assert.equal(new Set(ids).size, ids.length, `${type} databaseIds are unique`);
    assert.ok(ids.every((id) => Number.isInteger(id) && id! > 0 && id! < 2 ** 31));
  }
});

Deno.test("items spread over more than 400 days with recent activity denser", () => {
  const ds = new Dataset({ now: NOW });
  const prs = truth(ds, { repo: "acme/web", type: "pull_requests" }).items;
  const oldest = Date.parse(prs[0].createdAt!);
  assert.ok(NOW - oldest > 400 * 86_400_000);
  const lastMonth = prs.filter((p) => Date.parse(p.createdAt!) > NOW - 30 * 86_400_000).length;
  const yearAgoMonth = prs.filter((p) => {
    const t = Date.parse(p.createdAt!);
    return t > NOW - 395 * 86_400_000 && t <= NOW - 365 * 86_400_000;
  }).length;
  assert.ok(lastMonth > yearAgoMonth * 2, `${lastMonth} recent vs ${yearAgoMonth} a year ago`);
});

Deno.test("nested truth counts every child of a parent inside the window", () => {
  const ds = new Dataset({ now: NOW });
  const since = "2026-09-01T00:00:00Z";
  const prs = truth(ds, { repo: "globex/engine", type: "pull_requests", since });
  const reviews = truth(ds, { repo: "globex/engine", type: "reviews", since });
  const parents = new Set(prs.items.map((p) => p.databaseId));
  assert.ok(reviews.items.every((r) => parents.has(r.parentDatabaseId)));
  const repo = ds.repoByName("globex/engine")!;
  const expected = prs.items.reduce((a, p) => {
    const index = truth(ds, { repo: "globex/engine", type: "pull_requests" }).items.findIndex((x) =>
      x.id === p.id
    );
    return a + repo.prCounts(index).reviews;
  }, 0);
  assert.equal(reviews.count, expected);
});

Deno.test("some authors are ghosts (null), as deleted users are on GitHub", () => {
  const ds = new Dataset({ now: NOW });
  const repo = ds.repoByName("globex/huge")!;
  let ghosts = 0;
  for (let i = 0; i < 1000; i++) if (repo.pr(i).author === null) ghosts++;
  assert.ok(ghosts > 0 && ghosts < 100);
});

Deno.test("PR conversation comments and issue comments never share a databaseId (both are IssueComment)", () => {
  const ds = new Dataset({ now: NOW });
  const ids = ds.entries.flatMap((e) =>
    (["pr_comments", "issue_comments"] as const).flatMap((type) =>
      truth(ds, { repo: `${e.owner}/${e.name}`, type }).items.map((i) => i.databaseId)
    )
  );
  assert.ok(ids.length > 1000);
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("LARGE_OSS_REPO has the shape of a large project's year and is generated lazily", async () => {
  const sim = createSimulator({ repos: [LARGE_OSS_REPO], now: NOW });
  const response = await sim.fetch("http://sim.test/graphql", {
    method: "POST",
    headers: { authorization: "bearer t" },
    body: JSON.stringify({
      query: `{ repository(owner: "bigco", name: "framework") { stargazerCount forkCount
        pullRequests(first: 1) { totalCount } issues(first: 1) { totalCount }
        discussions(first: 1) { totalCount }
        defaultBranchRef { target { ... on Commit { history(first: 1) { totalCount } } } } } }`,
    }),
  });
  const repo = (await response.json()).data.repository;
  assert.equal(repo.pullRequests.totalCount, 15_000);
  assert.equal(repo.issues.totalCount, 5_000);
  assert.equal(repo.discussions.totalCount, 500);
  assert.equal(repo.defaultBranchRef.target.history.totalCount, 20_000);
  assert.equal(repo.forkCount, 5_000);
  assert.ok(Math.abs(repo.stargazerCount - 50_000) < 5_000, `${repo.stargazerCount} stars`);
  const prs = sim.truth({ repo: "bigco/framework", type: "pull_requests" }).items;
  const oldest = Date.parse(prs[0].createdAt!);
  assert.ok(NOW - oldest <= 365 * 86_400_000 && NOW - oldest > 330 * 86_400_000);
});
