// Star history read the way GitHub serves it, under every reading the simulator offers (week as
// epoch seconds or a date, newest or oldest week first, pages with Link or one answer, 30 or 100
// weeks a page, `since` honoured or not), chunk by chunk, equals the simulator's truth; answers it
// cannot read fail the stars data type with the repository named and the answer's start.
import assert from "node:assert/strict";
import { createSimulator } from "../../../../../dev/github-sim/mod.ts";
import { GithubError } from "../../github/graphql.ts";
import { createRestClient } from "../../github/rest.ts";
import { fetchStars, weekStart } from "./stars.ts";
import type { FetchContext, FetchMode } from "./types.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const REPOS = [{ owner: "acme", name: "web", prs: 0, issues: 0, discussions: 0, commits: 0, forks: 0, starsPerDay: 4, days: 400 }];

function context(sim: ReturnType<typeof createSimulator>, windowStart: string | null, requests: string[], mode: FetchMode = "created"): FetchContext {
  const rest = createRestClient({ baseUrl: "http://sim.test", token: "t", fetch: sim.fetch as typeof fetch });
  return {
    owner: "acme", name: "web", mode, cursor: null, windowStart, itemsDone: 0,
    sizes: { first: 50, nested: 20, threadComments: 10 }, cap: Infinity, dataTypes: ["stars"], repositoryId: 1, now: () => NOW,
    graphql: () => Promise.reject(new Error("no GraphQL request expected")),
    async rest<T>(path: string) {
      requests.push(path);
      const r = await rest.get<T>(path, 5000);
      return { data: r.data, points: 0, next: r.next };
    },
  };
}

/** Runs the stars data type chunk by chunk from its stored cursor, as the worker does. */
async function walk(ctx: FetchContext) {
  const days = new Map<string, number>();
  let items = 0;
  for (let chunk = 0; chunk < 50; chunk++) {
    const f = await fetchStars(ctx);
    for (const r of f.rows.star_history!) {
      assert.ok(!days.has(r.day as string), `day ${r.day} is stored once`);
      days.set(r.day as string, r.stars as number);
    }
    items += f.items;
    if (f.done) return { days, items, chunks: chunk + 1 };
    ctx = { ...ctx, cursor: f.nextCursor, itemsDone: ctx.itemsDone + f.items };
  }
  throw new Error("the star history walk did not end");
}

const READINGS: Record<string, unknown>[] = [
  {},
  { starHistoryWeekFormat: "date" },
  { starHistoryOrder: "oldest_first" },
  { starHistoryPaging: "none" },
  { starHistoryMaxPerPage: 30 },
  { starHistorySinceParam: true },
  { starHistoryWeekFormat: "date", starHistoryOrder: "oldest_first" },
];

for (const reading of READINGS) {
  for (const days of [10, 90, 365]) {
    Deno.test(`stars over ${days} days equal the truth under ${JSON.stringify(reading)}`, async () => {
      const sim = createSimulator({ seed: 42, now: NOW, repos: REPOS, ...reading });
      const windowStart = new Date(NOW - days * 86_400_000).toISOString();
      const requests: string[] = [];
      const { days: got, items } = await walk(context(sim, windowStart, requests));
      const firstDay = Math.ceil(Date.parse(windowStart) / 86_400_000) * 86_400_000;
      const truth = sim.truth({ repo: "acme/web", type: "stars", since: new Date(firstDay).toISOString() }).items;
      const nonZero = (m: Map<string, number>) => [...m].filter(([, n]) => n > 0).map(([d, n]) => `${d}=${n}`).sort();
      assert.deepEqual(nonZero(got), truth.filter((t) => t.count! > 0).map((t) => `${t.date}=${t.count}`).sort());
      assert.equal(items, got.size, "items count each stored day once");
      assert.ok([...got.keys()].every((d) => Date.parse(`${d}T00:00:00Z`) >= firstDay && Date.parse(`${d}T00:00:00Z`) <= NOW),
        "no day outside the window or in the future");
      assert.ok(requests.every((r) => !/since=/.test(r)), "no undocumented since");
      if (!reading.starHistoryOrder && !reading.starHistoryPaging) {
        // Newest first, 30 weeks a page: the walk stops at the page reaching the window start.
        assert.equal(requests.length, Math.ceil((days / 7 + 1) / 30), `pages asked for: ${requests.join(" ")}`);
      }
      assert.equal(sim.counters().violations.total, 0);
    });
  }
}

Deno.test("weekStart() reads epoch seconds (number or digits) and dates; anything else is null", () => {
  assert.equal(weekStart(1763856000), Date.parse("2025-11-23T00:00:00Z"));
  assert.equal(weekStart("1763856000"), Date.parse("2025-11-23T00:00:00Z"));
  assert.equal(weekStart("2025-11-23"), Date.parse("2025-11-23T00:00:00Z"));
  for (const bad of [null, undefined, "last week", {}, Number.NaN]) assert.equal(weekStart(bad), null);
});

for (const malformed of ["object", "no_days", "computing"] as const) {
  Deno.test(`an unreadable star history (${malformed}) fails the stars data type alone, naming the repository, with the answer's start`, async () => {
    const sim = createSimulator({ seed: 42, now: NOW, repos: REPOS, starHistoryMalformed: malformed });
    await assert.rejects(walk(context(sim, new Date(NOW - 30 * 86_400_000).toISOString(), [])), (e: unknown) => {
      assert.ok(e instanceof GithubError, String(e));
      assert.equal(e.kind, "unreadable");
      assert.match(e.message, /^star history of acme\/web \(data type stars\): GitHub answered /);
      const excerpt = { object: /Star history is not available/, no_days: /"week":\d+,"total":\d+/, computing: /\{\}/ }[malformed];
      assert.match(e.message, excerpt);
      assert.ok((e.details.excerpt ?? "").length <= 201, "an excerpt, not the whole answer");
      return true;
    });
  });
}

Deno.test("a new week starting between two pages (every page shifts by one) is not counted twice", async () => {
  const WEEK = 7 * 86_400_000;
  const sunday = Date.parse("2026-11-22T00:00:00Z");
  const week = (k: number) => ({ week: (sunday - k * WEEK) / 1000, total: 7, days: [1, 1, 1, 1, 1, 1, 1] });
  // Page 1 read before the shift (weeks 0..3 ago), page 2 after it: it repeats week 3.
  const pages = [[0, 1, 2, 3].map(week), [3, 4, 5, 6].map(week), [6, 7].map(week)];
  const requests: string[] = [];
  let ctx: FetchContext = {
    ...context(createSimulator({ seed: 42, now: NOW, repos: REPOS }), new Date(sunday - 6 * WEEK).toISOString(), requests),
    rest<T>(path: string) {
      requests.push(path);
      const n = requests.length - 1;
      return Promise.resolve({ data: pages[n] as T, points: 0, next: n < 2 ? `http://sim.test/repositories/1/stargazers/history?page=${n + 2}` : null });
    },
  };
  const days = new Set<string>();
  let items = 0;
  for (;;) {
    const f = await fetchStars(ctx);
    for (const r of f.rows.star_history!) {
      assert.ok(!days.has(r.day as string), `day ${r.day} is read once`);
      days.add(r.day as string);
    }
    items += f.items;
    if (f.done) break;
    ctx = { ...ctx, cursor: f.nextCursor };
  }
  assert.equal(requests.length, 2, "the second page reaches the window start");
  assert.deepEqual(requests, ["/repos/acme/web/stargazers/history", "http://sim.test/repositories/1/stargazers/history?page=2"]);
  assert.equal(items, days.size);
  assert.equal(days.size, 6 * 7 + 7, "the window's 6 weeks and the week in progress, up to today");
});
