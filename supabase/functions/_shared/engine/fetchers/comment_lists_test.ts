// The comment lists walk by updated_at (keyset) from one second before the last updated_at seen,
// so neither reading of `since` (after, or at or after), deletions between reads, resumes after a
// crash nor GitHub's page-depth limit make them skip a comment or stop early; comments whose
// parent is not stored bring it along.
import assert from "node:assert/strict";
import { GithubError } from "../../github/graphql.ts";
import {
  bothListsChunk, bothListsStart, commentListChunk, listStart, nextListCursor, parentKindOf, parseListCursor, parsePhase,
} from "./comment_lists.ts";
import type { Answered, FetchContext, ParentLookup } from "./types.ts";

interface FakeComment {
  id: number;
  updated_at: string;
}

const at = (s: number) => new Date(Date.UTC(2026, 10, 20) + s * 1000).toISOString().replace(".000Z", "Z");

type SinceMode = "exclusive" | "inclusive";

/**
 * GitHub's repository-wide issue comment list over `comments` (mutable: tests delete from it):
 * since (updated after it, or at or after it: `sinceMode`), sort=updated asc, then id; per_page;
 * page; a Link next while more pages exist; 422 past `maxPage`.
 */
function fakeList(comments: FakeComment[], maxPage = Infinity, sinceMode: SinceMode = "exclusive") {
  const requests: string[] = [];
  const rest = <T>(path: string): Promise<Answered<T>> => {
    requests.push(path);
    const q = new URL(path, "http://api.test").searchParams;
    assert.equal(q.get("sort"), "updated");
    assert.equal(q.get("direction"), "asc");
    const since = q.get("since") ? Date.parse(q.get("since")!) : -Infinity;
    const perPage = Number(q.get("per_page"));
    const page = Number(q.get("page") ?? 1);
    if (page > maxPage) {
      return Promise.reject(new GithubError("invalid", `GET ${path} answered 422: In order to keep the API fast for everyone, pagination is limited for this resource.`, { status: 422 }));
    }
    const matching = comments.filter((c) => sinceMode === "inclusive" ? Date.parse(c.updated_at) >= since : Date.parse(c.updated_at) > since)
      .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    const data = slice.map((c) => ({
      id: c.id, node_id: `IC_${c.id}`, user: null, body: "b", created_at: c.updated_at, updated_at: c.updated_at,
      issue_url: `http://api.test/repos/acme/web/issues/${c.id % 7 + 1}`,
      html_url: `https://github.test/acme/web/issues/${c.id % 7 + 1}#issuecomment-${c.id}`,
    }));
    const next = page * perPage < matching.length ? `http://api.test/repositories/1/issues/comments?page=${page + 1}` : null;
    return Promise.resolve({ data: data as T, points: 0, next });
  };
  return { rest, requests };
}

function context(cursor: string, rest: FetchContext["rest"]): FetchContext {
  return {
    owner: "acme", name: "web", mode: "created", cursor, windowStart: null, itemsDone: 0,
    sizes: { first: 50, nested: 20, threadComments: 10 }, cap: Infinity, dataTypes: ["issues"],
    repositoryId: 1, now: () => Date.parse("2026-12-01T00:00:00Z"),
    graphql: () => Promise.reject(new Error("no GraphQL request expected")),
    rest,
  };
}

/** Walks the list chunk by chunk as the worker does (each chunk a fresh call from the stored
 * cursor, as after a crash), calling `between` after each chunk; returns the ids read. */
async function walk(list: ReturnType<typeof fakeList>, start: string, between: (chunk: number) => void = () => {}) {
  const seen = new Set<number>();
  let cursor: string = start;
  for (let chunk = 0; chunk < 100; chunk++) {
    const { value } = parsePhase(cursor, "issues");
    const fetched = await commentListChunk(context(cursor, list.rest), "issue_comments", value!, null, "issues");
    for (const row of fetched.rows.issue_comments_by_number as { id: number }[]) seen.add(row.id);
    if (fetched.done) return seen;
    cursor = fetched.nextCursor!;
    between(chunk);
  }
  throw new Error("the walk did not end");
}

/** 350 comments: 120 updated in the same second (more than a page), the others a second apart. */
function comments(): FakeComment[] {
  const out: FakeComment[] = [];
  for (let i = 0; i < 350; i++) out.push({ id: 1000 + i, updated_at: at(i >= 100 && i < 220 ? 100 : i) });
  return out;
}

Deno.test("nextListCursor: since moves to the page's last updated_at; a page all in one second steps to the next page of it", () => {
  const c = { from: "F", since: at(0), page: 1 };
  const full = (s: (k: number) => number) => Array.from({ length: 100 }, (_, k) => at(s(k)));
  assert.deepEqual(nextListCursor(c, full((k) => k), true), { from: "F", since: at(99), page: 1 });
  assert.deepEqual(nextListCursor(c, full(() => 0), true), { from: "F", since: at(0), page: 2 });
  assert.deepEqual(nextListCursor({ ...c, page: 2 }, full((k) => (k < 50 ? 0 : 1)), true), { from: "F", since: at(1), page: 1 });
  assert.equal(nextListCursor(c, [at(1), at(2)], false), null, "a short last page ends the list");
  assert.equal(nextListCursor(c, [], true), null, "an empty page ends the list");
  assert.deepEqual(nextListCursor(c, full((k) => k), false), { from: "F", since: at(99), page: 1 },
    "a full page without a Link next is not trusted to be the last");
});

for (const sinceMode of ["exclusive", "inclusive"] as const) {
  Deno.test(`a walk reads every comment, more than a page updated in one second included (since ${sinceMode})`, async () => {
    const all = comments();
    const list = fakeList(all, Infinity, sinceMode);
    const seen = await walk(list, listStart("issue_comments", null));
    assert.deepEqual([...seen].sort(), all.map((c) => c.id).sort());
    assert.ok(list.requests.every((r) => !/[?&]page=([4-9]|\d\d)/.test(r)), `never deep pages: ${list.requests.join(" ")}`);
  });

  Deno.test(`a walk asks from one second before the window start and keeps only comments inside it (since ${sinceMode})`, async () => {
    const all = comments();
    const list = fakeList(all, Infinity, sinceMode);
    const seen = await walk(list, listStart("issue_comments", at(100)));
    assert.match(list.requests[0], new RegExp(`since=${encodeURIComponent(at(99))}`));
    assert.deepEqual([...seen].sort(), all.filter((c) => c.updated_at >= at(100)).map((c) => c.id).sort(),
      "the 120 comments of the window's first second and everything after, nothing before");
  });

  Deno.test(`many comments a second: a walk resumed after every page misses none (since ${sinceMode})`, async () => {
    // 1,000 comments over 40 seconds: 25 share each second, pages of 100 end mid-second.
    const crowd = Array.from({ length: 1000 }, (_, i) => ({ id: 5000 + i, updated_at: at(Math.floor(i / 25)) }));
    const seen = await walk(fakeList(crowd, 3, sinceMode), listStart("issue_comments", at(0)));
    assert.deepEqual([...seen].sort(), crowd.map((c) => c.id).sort());
  });
}

Deno.test("a comment deleted between two page reads does not make the walk skip another", async () => {
  const all = comments();
  const list = fakeList(all);
  const seen = await walk(list, listStart("issue_comments", null), (chunk) => {
    // After the first page, delete two comments it returned: page offsets would shift by two.
    if (chunk !== 0) return;
    for (const id of [1010, 1020]) all.splice(all.findIndex((c) => c.id === id), 1);
  });
  const expected = all.map((c) => c.id);
  for (const id of expected) assert.ok(seen.has(id), `comment ${id} was read`);
});

Deno.test("a page-depth limit (GitHub's 422) does not stop the walk: it never pages deep", async () => {
  const all = comments();
  const seen = await walk(fakeList(all, 2), listStart("issue_comments", at(0)));
  assert.deepEqual([...seen].sort(), all.map((c) => c.id).sort());
});

Deno.test("a cursor stored before the keyset walk (a Link next URL) restarts the list at its since", async () => {
  const legacy = `/repositories/1/issues/comments?since=${encodeURIComponent(at(200))}&sort=created&direction=asc&per_page=100&page=1300`;
  assert.deepEqual(parseListCursor(legacy), { from: at(200), since: at(200), page: 1 });
  const all = comments();
  const list = fakeList(all, 2);
  const seen = await walk(list, `issue_comments:${legacy}`);
  assert.deepEqual([...seen].sort(), all.filter((c) => Date.parse(c.updated_at) >= Date.parse(at(200))).map((c) => c.id).sort());
});

for (const sinceMode of ["exclusive", "inclusive"] as const) {
  Deno.test(`more comments in one second than GitHub pages through: the walk goes on after that second (since ${sinceMode})`, async () => {
    const crowd = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, updated_at: at(5) }));
    const later = Array.from({ length: 130 }, (_, i) => ({ id: 1000 + i, updated_at: at(6 + i) }));
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => warnings.push(m);
    try {
      const seen = await walk(fakeList([...crowd, ...later], 2, sinceMode), listStart("issue_comments", null));
      for (const c of later) assert.ok(seen.has(c.id), `comment ${c.id} after the crowded second was read`);
      assert.equal(crowd.filter((c) => seen.has(c.id)).length, 200, "the crowd's first 200 (the pages GitHub serves) were read");
      assert.match(warnings[0], /more than 200 comments were last updated in the second .* the rest of that second is skipped/);
    } finally {
      console.warn = warn;
    }
  });
}

Deno.test("parentKindOf: a conversation comment's html_url tells a PR from an issue; review comments are on PRs", () => {
  const c = (html_url?: string) => ({ id: 1, node_id: "n", user: null, body: "", created_at: at(0), updated_at: at(0), html_url });
  assert.equal(parentKindOf("issue_comments", c("https://github.com/o/r/pull/12#issuecomment-1")), "pr");
  assert.equal(parentKindOf("issue_comments", c("https://github.com/o/r/issues/12#issuecomment-1")), "issue");
  assert.equal(parentKindOf("issue_comments", c(undefined)), null);
  assert.equal(parentKindOf("review_comments", c(undefined)), "pr");
});

/** A parent as GitHub's GraphQL answers it (an issue, or a PR with reviews). */
function parentNode(number: number, pr: boolean) {
  const empty = { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
  return {
    id: `N_${number}`, databaseId: 900 + number, number, title: "t", body: "b", state: "OPEN", createdAt: at(-86400), updatedAt: at(-86400),
    closedAt: null, author: null, labels: empty,
    ...(pr
      ? {
        isDraft: false, additions: 1, deletions: 0, changedFiles: 1, mergedAt: null,
        reviews: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{ id: `R_${number}`, databaseId: 700 + number, state: "APPROVED", body: "", submittedAt: at(1), author: null }] },
      }
      : {}),
  };
}

Deno.test("comments whose parent is not stored bring it along, of the kinds the task fetches; they count as items of their own type", async () => {
  const all = [
    { id: 1, updated_at: at(1), parent: 3, kind: "issues" }, // issue 3, stored
    { id: 2, updated_at: at(2), parent: 4, kind: "issues" }, // issue 4, not stored
    { id: 3, updated_at: at(3), parent: 5, kind: "pull" }, // PR 5, not stored
    { id: 4, updated_at: at(4), parent: 6, kind: "pull" }, // PR 6, deleted since
  ];
  const rest = <T>(): Promise<Answered<T>> => Promise.resolve({
    data: all.map((c) => ({
      id: c.id, node_id: `IC_${c.id}`, user: { id: 77, node_id: "BOT_77", login: "dependabot[bot]", type: "Bot" }, body: "b",
      created_at: c.updated_at, updated_at: c.updated_at, issue_url: `http://api.test/repos/acme/web/issues/${c.parent}`,
      html_url: `https://github.test/acme/web/${c.kind}/${c.parent}#issuecomment-${c.id}`,
    })) as T,
    points: 0, next: null,
  });
  const asked: { doc: string; vars: Record<string, unknown> }[] = [];
  const lookups: number[][] = [];
  const ctx: FetchContext = {
    ...context(listStart("issue_comments", at(0)), rest as FetchContext["rest"]),
    lookupParents: (numbers): Promise<ParentLookup> => {
      lookups.push(numbers);
      return Promise.resolve({ stored: new Set([3]), taskDataTypes: ["repository", "pull_requests", "issues"] });
    },
    graphql<T>(doc: string, vars: Record<string, unknown>) {
      asked.push({ doc, vars });
      const repository = { databaseId: 1, pr5: parentNode(5, true), pr6: null, issue4: parentNode(4, false) };
      return Promise.resolve({ data: { repository } as T, points: 1 });
    },
  };
  const fetched = await commentListChunk(ctx, "issue_comments", parsePhase(ctx.cursor, "issues").value!, null, "issues");
  assert.deepEqual(lookups, [[5, 6, 3, 4]]);
  assert.equal(asked.length, 1, "one request for every missing parent");
  assert.match(asked[0].doc, /pr5: pullRequest\(number: 5\)[\s\S]*pr6: pullRequest\(number: 6\)[\s\S]*issue4: issue\(number: 4\)/);
  assert.doesNotMatch(asked[0].doc, /issue3:/, "a stored parent is not fetched again");
  assert.deepEqual(fetched.rows.pull_requests.map((p) => p.number), [5]);
  assert.deepEqual(fetched.rows.reviews.map((r) => r.pull_request_id), [905], "with its reviews");
  assert.deepEqual(fetched.rows.issues.map((i) => i.number), [4]);
  assert.equal((fetched.rows.issue_comments_by_number as unknown[]).length, 4, "every comment goes to the upsert (the deleted PR's is dropped there)");
  assert.equal(fetched.items, 1, "the issues type counts the issue it brought, not the PR");
  assert.equal(fetched.points, 1);
  assert.deepEqual((fetched.rows.issue_comments_by_number as { author: unknown }[])[0].author,
    { id: 77, node_id: "BOT_77", login: "dependabot", avatar_url: null, type: "Bot" }, "a bot under GraphQL's login");
});

Deno.test("a capped initial job fetches no parent: its promise is the last N pull requests", async () => {
  const rest = <T>(): Promise<Answered<T>> => Promise.resolve({
    data: [{ id: 1, node_id: "RC", user: null, body: "", created_at: at(1), updated_at: at(1), pull_request_url: "http://api.test/repos/acme/web/pulls/9" }] as T,
    points: 0, next: null,
  });
  const ctx: FetchContext = {
    ...context(listStart("review_comments", at(0)), rest as FetchContext["rest"]),
    cap: 200,
    lookupParents: () => Promise.reject(new Error("no lookup expected")),
  };
  const fetched = await commentListChunk(ctx, "review_comments", parsePhase(ctx.cursor, "prs").value!, null, "pull_requests");
  assert.equal((fetched.rows.review_comments_by_number as unknown[]).length, 1);
  assert.equal(fetched.rows.pull_requests.length, 0);
});

/** Both lists of one repository behind one REST client, which counts the requests in flight. */
function bothLists(review: FakeComment[], issue: FakeComment[], failIssueAttempt?: number) {
  const reviews = fakeList(review), issues = fakeList(issue);
  let inFlight = 0;
  const state = { maxInFlight: 0, settledBeforeFailure: 0, issueAttempts: 0 };
  const rest = async <T>(path: string): Promise<Answered<T>> => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      await new Promise((r) => setTimeout(r, 5));
      if (path.includes("/pulls/comments")) {
        const a = await reviews.rest<{ id: number }[]>(path);
        state.settledBeforeFailure++;
        return { ...a, data: a.data.map((c) => ({ ...c, pull_request_url: `http://api.test/repos/acme/web/pulls/${c.id % 5 + 1}` })) as T };
      }
      if (path.includes("/issues/comments") && ++state.issueAttempts === failIssueAttempt) {
        await new Promise((r) => setTimeout(r, 1));
        throw new GithubError("transient", `GET ${path} answered 502`, { status: 502 });
      }
      return await issues.rest<T>(path);
    } finally {
      inFlight--;
    }
  };
  return { rest, reviews, issues, state };
}

const pullRequestsOnly = (cursor: string, rest: FetchContext["rest"]): FetchContext => ({ ...context(cursor, rest), dataTypes: ["pull_requests"] });

Deno.test("both lists side by side: each chunk asks for a page of each list at once, and the type is done when both are", async () => {
  const review = Array.from({ length: 250 }, (_, i) => ({ id: 5000 + i, updated_at: at(i) }));
  const issue = Array.from({ length: 120 }, (_, i) => ({ id: 9000 + i, updated_at: at(i * 2) }));
  const lists = bothLists(review, issue);
  const seen = { review: new Set<number>(), issue: new Set<number>() };
  let cursor = bothListsStart(at(0));
  let chunks = 0;
  for (;;) {
    chunks++;
    assert.ok(chunks < 10, "the walk ends");
    const { phase, value } = parsePhase(cursor, "prs");
    assert.equal(phase, "comments");
    const fetched = await bothListsChunk(pullRequestsOnly(cursor, lists.rest), value!, "pull_requests");
    for (const r of (fetched.rows.review_comments_by_number ?? []) as { id: number }[]) seen.review.add(r.id);
    for (const r of (fetched.rows.issue_comments_by_number ?? []) as { id: number }[]) seen.issue.add(r.id);
    if ((fetched.rows.issue_comments_by_number ?? []).length > 0) {
      assert.equal(fetched.rows.issue_comment_parents, "pull_requests", "conversation comments of a PR-only task attach to PRs only");
    }
    if (fetched.done) break;
    cursor = fetched.nextCursor!;
  }
  assert.deepEqual([...seen.review].sort(), review.map((c) => c.id), "every review comment read");
  assert.deepEqual([...seen.issue].sort(), issue.map((c) => c.id), "every conversation comment read");
  // 250 review comments take 3 pages, 120 conversation comments 2: 3 chunks, not 5.
  assert.equal(chunks, 3);
  assert.equal(lists.reviews.requests.length, 3);
  assert.equal(lists.issues.requests.length, 2, "a list that is done is not asked again");
  assert.equal(lists.state.maxInFlight, 2, "the two pages of a chunk were asked for at once");
});

Deno.test("both lists side by side: one list failing fails the chunk once the other has answered, and its retry loses nothing", async () => {
  const review = Array.from({ length: 30 }, (_, i) => ({ id: 5000 + i, updated_at: at(i) }));
  const issue = Array.from({ length: 30 }, (_, i) => ({ id: 9000 + i, updated_at: at(i) }));
  const lists = bothLists(review, issue, 1);
  const start = bothListsStart(at(0));
  await assert.rejects(bothListsChunk(pullRequestsOnly(start, lists.rest), parsePhase(start, "prs").value!, "pull_requests"),
    (e: unknown) => e instanceof GithubError && e.kind === "transient");
  assert.equal(lists.state.settledBeforeFailure, 1, "the review page had answered before the chunk failed");
  // The retry (same stored cursor) reads both pages again.
  const fetched = await bothListsChunk(pullRequestsOnly(start, lists.rest), parsePhase(start, "prs").value!, "pull_requests");
  assert.equal(fetched.done, true);
  assert.equal((fetched.rows.review_comments_by_number ?? []).length, 30);
  assert.equal((fetched.rows.issue_comments_by_number ?? []).length, 30);
});
