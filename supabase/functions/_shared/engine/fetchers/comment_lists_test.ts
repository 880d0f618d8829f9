// The comment lists walk by updated_at (keyset), so deletions between reads, resumes after a
// crash and GitHub's page-depth limit cannot make them skip a comment or stop early.
import assert from "node:assert/strict";
import { GithubError } from "../../github/graphql.ts";
import { commentListChunk, listStart, nextListCursor, parseListCursor, parsePhase } from "./comment_lists.ts";
import type { Answered, FetchContext } from "./types.ts";

interface FakeComment {
  id: number;
  updated_at: string;
}

const at = (s: number) => new Date(Date.UTC(2026, 10, 20) + s * 1000).toISOString().replace(".000Z", "Z");

/**
 * GitHub's repository-wide issue comment list over `comments` (mutable: tests delete from it):
 * since (updated at or after, inclusive), sort=updated asc, then id; per_page; page; a Link next
 * while more pages exist; 422 past `maxPage`.
 */
function fakeList(comments: FakeComment[], maxPage = Infinity) {
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
    const matching = comments.filter((c) => Date.parse(c.updated_at) >= since)
      .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    const data = slice.map((c) => ({
      id: c.id, node_id: `IC_${c.id}`, user: null, body: "b", created_at: c.updated_at, updated_at: c.updated_at,
      issue_url: `http://api.test/repos/acme/web/issues/${c.id % 7 + 1}`,
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
    const fetched = await commentListChunk(context(cursor, list.rest), "issue_comments", value!, null);
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

Deno.test("a walk reads every comment once at least, including more than a page updated in one second", async () => {
  const all = comments();
  const list = fakeList(all);
  const seen = await walk(list, listStart("issue_comments", null));
  assert.deepEqual([...seen].sort(), all.map((c) => c.id).sort());
  assert.ok(list.requests.every((r) => !/[?&]page=([3-9]|\d\d)/.test(r)), `never deep pages: ${list.requests.join(" ")}`);
});

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

Deno.test("more comments in one second than GitHub pages through fail with a message saying so", async () => {
  const crowd = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, updated_at: at(5) }));
  await assert.rejects(walk(fakeList(crowd, 2), listStart("issue_comments", null)),
    /more than 200 comments were last updated in the second .* GitHub stops paging at page 3/);
});
