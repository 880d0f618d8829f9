import assert from "node:assert/strict";
import type { Simulator } from "./mod.ts";
import { testSimulator } from "./test_util.ts";

const auth = { headers: { authorization: "bearer t" } };

// deno-lint-ignore no-explicit-any
type Item = Record<string, any>;

/** Follows `rel="next"` from `first` to the end; every page's items and Link header. */
async function pages(sim: Simulator, first: string) {
  const out: { items: Item[]; link: string | null }[] = [];
  for (let next: string | null = first; next;) {
    const response = await sim.fetch(next, auth);
    assert.equal(response.status, 200);
    out.push({ items: await response.json(), link: response.headers.get("link") });
    next = /<([^>]+)>; rel="next"/.exec(response.headers.get("link") ?? "")?.[1] ?? null;
  }
  return out;
}

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(", ").filter(Boolean)) {
    const [, target, rel] = /^<([^>]+)>; rel="(\w+)"$/.exec(part)!;
    out[rel] = target;
  }
  return out;
}

const ids = (items: Item[]) => items.map((i) => i.id as number);
const sortedIds = (list: { databaseId?: number }[]) =>
  list.map((i) => i.databaseId!).sort((a, b) => a - b);

Deno.test("issue comments of a repository, paged by 100, are its issue and PR comments once each", async () => {
  const sim = testSimulator();
  const all = (await pages(sim, "http://sim.test/repos/acme/web/issues/comments?per_page=100"))
    .flatMap((p) => p.items);
  const got = ids(all);
  assert.equal(new Set(got).size, got.length, "no comment appears twice");
  const truth = [
    ...sim.truth({ repo: "acme/web", type: "issue_comments" }).items,
    ...sim.truth({ repo: "acme/web", type: "pr_comments" }).items,
  ];
  assert.deepEqual([...got].sort((a, b) => a - b), sortedIds(truth));
  const byId = new Map(truth.map((c) => [c.databaseId, c]));
  for (const c of all) {
    assert.equal(c.node_id, byId.get(c.id)!.id);
    assert.equal(c.updated_at, byId.get(c.id)!.updatedAt);
  }
  for (let k = 1; k < all.length; k++) {
    const [a, b] = [all[k - 1], all[k]];
    assert.ok(a.created_at < b.created_at || (a.created_at === b.created_at && a.id < b.id));
  }
});

Deno.test("an issue comment has GitHub's shape and its issue_url names its issue or PR", async () => {
  const sim = testSimulator();
  const all = (await pages(sim, "http://sim.test/repos/acme/tiny/issues/comments?per_page=100"))
    .flatMap((p) => p.items);
  const numbers = new Map<number, number>();
  for (const type of ["pull_requests", "issues"] as const) {
    for (const item of sim.truth({ repo: "acme/tiny", type }).items) {
      numbers.set(item.databaseId!, item.number!);
    }
  }
  const parentNumber = new Map<number, number>();
  for (const type of ["pr_comments", "issue_comments"] as const) {
    for (const c of sim.truth({ repo: "acme/tiny", type }).items) {
      parentNumber.set(c.databaseId!, numbers.get(c.parentDatabaseId!)!);
    }
  }
  assert.ok(all.length > 0);
  for (const c of all) {
    assert.deepEqual(
      Object.keys(c).sort(),
      [
        "author_association",
        "body",
        "created_at",
        "html_url",
        "id",
        "issue_url",
        "node_id",
        "performed_via_github_app",
        "updated_at",
        "url",
        "user",
      ],
    );
    assert.equal(c.issue_url, `http://sim.test/repos/acme/tiny/issues/${parentNumber.get(c.id)}`);
    assert.match(c.node_id, /^IC_/);
    assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    if (c.user) {
      assert.deepEqual(Object.keys(c.user).slice(0, 5), [
        "login",
        "id",
        "node_id",
        "avatar_url",
        "gravatar_id",
      ]);
    }
  }
  assert.equal(new Set(numbers.values()).size, numbers.size, "PRs and issues share one sequence");
  assert.ok(all.some((c) => c.html_url.includes("/pull/")), "some comments are on PRs");
  assert.ok(all.some((c) => c.html_url.includes("/issues/")), "some comments are on issues");
});

Deno.test("since keeps the comments updated after it by default, and at it too when inclusive", async () => {
  const sim = testSimulator();
  const everything =
    (await pages(sim, "http://sim.test/repos/acme/web/issues/comments?per_page=100"))
      .flatMap((p) => p.items);
  const times = everything.map((c) => c.updated_at as string).sort();
  const since = times[Math.floor(times.length * 0.8)];
  const url = `http://sim.test/repos/acme/web/issues/comments?per_page=100&since=${since}`;
  const after = (await pages(sim, url)).flatMap((p) => p.items);
  const expected = everything.filter((c) => c.updated_at > since).map((c) => c.id).sort();
  assert.ok(expected.length > 0 && expected.length < everything.length);
  assert.deepEqual(
    ids(after).sort(),
    expected,
    "GitHub's words: last updated after the given time",
  );
  sim.configure({ sinceMode: "inclusive" });
  const atOrAfter = (await pages(sim, url)).flatMap((p) => p.items);
  assert.deepEqual(
    ids(atOrAfter).sort(),
    everything.filter((c) => c.updated_at >= since).map((c) => c.id).sort(),
  );
  assert.ok(atOrAfter.length > after.length, "the comment updated at `since` itself comes back");
  const bad = await sim.fetch(
    "http://sim.test/repos/acme/web/issues/comments?since=yesterday",
    auth,
  );
  assert.equal(bad.status, 422);
  await bad.body?.cancel();
});

Deno.test("sort and direction order by created or updated; direction alone is ignored", async () => {
  const sim = testSimulator();
  const get = async (query: string) =>
    await (await sim.fetch(`http://sim.test/repos/acme/api/issues/comments?${query}`, auth)).json();
  const plain: Item[] = await get("per_page=100");
  assert.deepEqual(ids(await get("per_page=100&direction=desc")), ids(plain));
  assert.deepEqual(ids(await get("per_page=100&sort=created&direction=asc")), ids(plain));
  const updatedDesc: Item[] = await get("per_page=100&sort=updated");
  for (let k = 1; k < updatedDesc.length; k++) {
    assert.ok(updatedDesc[k - 1].updated_at >= updatedDesc[k].updated_at);
  }
  const updatedAsc: Item[] = await get("per_page=100&sort=updated&direction=asc");
  for (let k = 1; k < updatedAsc.length; k++) {
    assert.ok(updatedAsc[k - 1].updated_at <= updatedAsc[k].updated_at);
  }
});

Deno.test("review comments of a repository, paged by 100, are its review comments once each", async () => {
  const sim = testSimulator();
  const all = (await pages(sim, "http://sim.test/repos/acme/web/pulls/comments?per_page=100"))
    .flatMap((p) => p.items);
  const got = ids(all);
  assert.equal(new Set(got).size, got.length, "no comment appears twice");
  const truth = sim.truth({ repo: "acme/web", type: "review_comments" }).items;
  assert.deepEqual([...got].sort((a, b) => a - b), sortedIds(truth));
  const numbers = new Map(
    sim.truth({ repo: "acme/web", type: "pull_requests" }).items.map((
      p,
    ) => [p.databaseId, p.number]),
  );
  const prOf = new Map(truth.map((c) => [c.databaseId, numbers.get(c.parentDatabaseId)]));
  const byId = new Map(all.map((c) => [c.id, c]));
  for (const c of truth) {
    assert.equal(byId.get(c.databaseId)!.node_id, c.id);
    assert.equal(byId.get(c.databaseId)!.updated_at, c.updatedAt);
  }
  const reviews = new Set(
    sim.truth({ repo: "acme/web", type: "reviews" }).items.map((r) => r.databaseId),
  );
  for (const c of all) {
    assert.equal(c.pull_request_url, `http://sim.test/repos/acme/web/pulls/${prOf.get(c.id)}`);
    assert.ok(reviews.has(c.pull_request_review_id), "the review exists");
    assert.match(c.node_id, /^PRRC_/);
    assert.equal(typeof c.path, "string");
    if ("in_reply_to_id" in c) {
      const root = byId.get(c.in_reply_to_id)!;
      assert.equal(root.pull_request_url, c.pull_request_url, "a reply stays in its PR");
      assert.equal(root.path, c.path);
      assert.ok(!("in_reply_to_id" in root), "replies point at the thread's first comment");
    }
  }
  assert.ok(all.some((c) => "in_reply_to_id" in c));
  const since = all.map((c) => c.updated_at as string).sort()[Math.floor(all.length / 2)];
  const recent = (await pages(
    sim,
    `http://sim.test/repos/acme/web/pulls/comments?per_page=100&since=${since}`,
  )).flatMap((p) => p.items);
  assert.deepEqual(
    ids(recent).sort(),
    all.filter((c) => c.updated_at > since).map((c) => c.id).sort(),
  );
});

Deno.test("Link headers name prev, next, last and first like GitHub's", async () => {
  const sim = testSimulator();
  const base = "http://sim.test/repos/acme/api/issues/comments";
  const first = await sim.fetch(`${base}?per_page=10&sort=created&direction=asc`, auth);
  const firstItems: Item[] = await first.json();
  assert.equal(firstItems.length, 10);
  const header = first.headers.get("link")!;
  assert.deepEqual([...header.matchAll(/rel="(\w+)"/g)].map((m) => m[1]), ["next", "last"]);
  const repoId = /\/repositories\/(\d+)\/issues\/comments\?/.exec(header)![1];
  const l = links(header);
  assert.equal(
    l.next,
    `http://sim.test/repositories/${repoId}/issues/comments?per_page=10&sort=created&direction=asc&page=2`,
  );
  const last = Number(new URL(l.last).searchParams.get("page"));
  const total = sim.truth({ repo: "acme/api", type: "issue_comments" }).count +
    sim.truth({ repo: "acme/api", type: "pr_comments" }).count;
  assert.equal(last, Math.ceil(total / 10));

  const middle = await sim.fetch(l.next, auth);
  assert.equal(middle.status, 200);
  assert.equal((await middle.json())[0].id === firstItems[0].id, false);
  assert.deepEqual(Object.keys(links(middle.headers.get("link"))), [
    "prev",
    "next",
    "last",
    "first",
  ]);

  const end = await sim.fetch(l.last, auth);
  assert.equal((await end.json()).length, total - (last - 1) * 10);
  const endLinks = links(end.headers.get("link"));
  assert.deepEqual(Object.keys(endLinks), ["prev", "first"]);
  assert.equal(new URL(endLinks.first).searchParams.get("page"), "1");

  const beyond = await sim.fetch(`${base}?per_page=10&page=${last + 5}`, auth);
  assert.equal(beyond.status, 200);
  assert.deepEqual(await beyond.json(), []);

  const empty = await sim.fetch("http://sim.test/repos/acme/empty/issues/comments", auth);
  assert.deepEqual(await empty.json(), []);
  assert.equal(empty.headers.get("link"), null);
});

Deno.test("per_page defaults to 30 and is clamped to 100", async () => {
  const sim = testSimulator();
  const base = "http://sim.test/repos/acme/web/pulls/comments";
  assert.equal((await (await sim.fetch(base, auth)).json()).length, 30);
  const big = await sim.fetch(`${base}?per_page=500`, auth);
  assert.equal((await big.json()).length, 100);
  assert.equal(new URL(links(big.headers.get("link")).next).searchParams.get("per_page"), "500");
  const again = await sim.fetch(`${base}?per_page=100&page=2`, auth);
  const clamped = await sim.fetch(`${base}?per_page=500&page=2`, auth);
  assert.deepEqual(ids(await clamped.json()), ids(await again.json()));
});

Deno.test("every list request spends one core request and is counted", async () => {
  const sim = testSimulator({ restLimit: 3 });
  const url = "http://sim.test/repos/acme/web/issues/comments?per_page=100";
  for (const remaining of ["2", "1", "0"]) {
    const response = await sim.fetch(url, auth);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-ratelimit-resource"), "core");
    assert.equal(response.headers.get("x-ratelimit-remaining"), remaining);
    await response.body?.cancel();
  }
  const limited = await sim.fetch(url, auth);
  assert.equal(limited.status, 403);
  assert.match((await limited.json()).message, /API rate limit exceeded/);
  const counters = sim.counters();
  assert.equal(counters.requests.rest, 4);
  assert.equal(counters.outcomes.ok, 3);
  assert.equal(counters.outcomes.rate_limited, 1);
  const graphql = await sim.fetch("http://sim.test/rate_limit", auth);
  assert.equal((await graphql.json()).resources.graphql.used, 0, "GraphQL budget untouched");
});

Deno.test("list requests meet faults and secondary limits like every REST call", async () => {
  const faulty = testSimulator({ p502: 1 });
  const bad = await faulty.fetch("http://sim.test/repos/acme/web/pulls/comments", auth);
  assert.equal(bad.status, 502);
  await bad.body?.cancel();
  const busy = testSimulator({ pointsPerMinute: 1 });
  const ok = await busy.fetch("http://sim.test/repos/acme/web/pulls/comments", auth);
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const limited = await busy.fetch("http://sim.test/repos/acme/web/pulls/comments", auth);
  assert.equal(limited.status, 403);
  assert.ok(limited.headers.get("retry-after"));
  assert.match((await limited.json()).message, /secondary rate limit/);
});

Deno.test("list endpoints answer 404 for missing or private repositories and 301 for renamed ones", async () => {
  const sim = testSimulator();
  for (const kind of ["issues/comments", "pulls/comments"]) {
    for (const name of ["missing", "secret", "nope"]) {
      const response = await sim.fetch(`http://sim.test/repos/acme/${name}/${kind}`, auth);
      assert.equal(response.status, 404);
      assert.equal((await response.json()).message, "Not Found");
    }
    const moved = await sim.fetch(`http://sim.test/repos/acme/old-name/${kind}?per_page=5`, auth);
    assert.equal(moved.status, 301);
    const location = moved.headers.get("location")!;
    assert.match(
      location,
      new RegExp(`^http://sim\\.test/repositories/\\d+/${kind}\\?per_page=5$`),
    );
    await moved.body?.cancel();
    const there = await sim.fetch(location, auth);
    assert.equal(there.status, 200);
    const viaNewName = await sim.fetch(
      `http://sim.test/repos/acme/new-name/${kind}?per_page=5`,
      auth,
    );
    assert.deepEqual(ids(await there.json()), ids(await viaNewName.json()));
  }
  const insider = testSimulator({
    repos: [{ owner: "acme", name: "secret", private: true, prs: 5, issues: 3, visibleTo: ["t"] }],
  });
  const seen = await insider.fetch("http://sim.test/repos/acme/secret/issues/comments", auth);
  assert.equal(seen.status, 200);
  await seen.body?.cancel();
});

Deno.test("maxRestPage: pages past it answer GitHub's 422 pagination limit; rel=last stops there, rel=next does not", async () => {
  const sim = testSimulator({ maxRestPage: 2 });
  const url =
    "http://sim.test/repos/acme/web/issues/comments?per_page=10&sort=updated&direction=asc";
  const second = await sim.fetch(url + "&page=2", auth);
  assert.equal(second.status, 200);
  const rel = links(second.headers.get("link"));
  assert.match(rel.next, /[?&]page=3(&|$)/);
  assert.match(rel.last, /[?&]page=2(&|$)/);
  await second.body?.cancel();
  const third = await sim.fetch(url + "&page=3", auth);
  assert.equal(third.status, 422);
  assert.match((await third.json()).message, /pagination is limited for this resource/);
  assert.equal(sim.counters().outcomes.pagination_limited, 1);
  sim.configure({ maxRestPage: undefined });
  const unlimited = await sim.fetch(url + "&page=3", auth);
  assert.equal(unlimited.status, 422, "undefined leaves the limit as it was");
  await unlimited.body?.cancel();
  await sim.fetch("http://sim.test/_sim/config", {
    method: "POST",
    body: JSON.stringify({ maxRestPage: null }),
  });
  const lifted = await sim.fetch(url + "&page=3", auth);
  assert.equal(lifted.status, 200, "null lifts the limit");
  await lifted.body?.cancel();
});

/** A keyset walk as a client writes it: `since` = the last `updated_at` seen (minus
 * `backoffSeconds`), stepping the page number only while a whole page shares that second. */
async function keysetWalk(sim: Simulator, repo: string, backoffSeconds: number) {
  const seen = new Set<number>();
  let since: string | null = null;
  let page = 1;
  for (let requests = 0; requests < 1000; requests++) {
    const query = new URLSearchParams({ sort: "updated", direction: "asc", per_page: "10" });
    if (since) query.set("since", since);
    if (page > 1) query.set("page", String(page));
    const items: Item[] = await (await sim.fetch(
      `http://sim.test/repos/${repo}/issues/comments?${query}`,
      auth,
    )).json();
    for (const c of items) seen.add(c.id);
    if (items.length < 10) return seen;
    const last = new Date(Date.parse(items.at(-1)!.updated_at) - backoffSeconds * 1000)
      .toISOString().replace(".000Z", "Z");
    if (items.every((c) => c.updated_at === items[0].updated_at) && last === since) page++;
    else [since, page] = [last, 1];
  }
  throw new Error("the walk did not end");
}

Deno.test("comments on one second: a walk relying on an inclusive since loses some when since is exclusive", async () => {
  const repos = [{
    owner: "acme",
    name: "burst",
    prs: 20,
    commentsPerPr: 8,
    issues: 10,
    commentsPerIssue: 8,
    days: 60,
    commentTimeGranularitySeconds: 7 * 86_400,
  }];
  const sim = testSimulator({ repos, sinceMode: "inclusive" });
  const truth = [
    ...sim.truth({ repo: "acme/burst", type: "issue_comments" }).items,
    ...sim.truth({ repo: "acme/burst", type: "pr_comments" }).items,
  ].map((c) => c.databaseId!);
  const times = new Map<string, number>();
  for (const type of ["issue_comments", "pr_comments"] as const) {
    for (const c of sim.truth({ repo: "acme/burst", type }).items) {
      assert.equal(Date.parse(c.updatedAt!) % (7 * 86_400_000), 0, "on the coarse clock");
      times.set(c.updatedAt!, (times.get(c.updatedAt!) ?? 0) + 1);
    }
  }
  assert.ok(Math.max(...times.values()) > 10, "some second holds more than a page");
  const inclusive = await keysetWalk(sim, "acme/burst", 0);
  assert.deepEqual([...inclusive].sort(), [...truth].sort());
  sim.configure({ sinceMode: "exclusive" });
  const exclusive = await keysetWalk(sim, "acme/burst", 0);
  assert.ok(exclusive.size < truth.length, `${exclusive.size} of ${truth.length} under exclusive`);
  for (const sinceMode of ["exclusive", "inclusive"] as const) {
    sim.configure({ sinceMode });
    const backedOff = await keysetWalk(sim, "acme/burst", 1);
    assert.deepEqual(
      [...backedOff].sort(),
      [...truth].sort(),
      `since one second earlier, ${sinceMode}`,
    );
  }
});
