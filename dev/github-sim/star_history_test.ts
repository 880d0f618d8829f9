import assert from "node:assert/strict";
import type { Simulator } from "./mod.ts";
import { NOW, testSimulator } from "./test_util.ts";

const auth = { headers: { authorization: "bearer t" } };
const DAY = 86_400_000;
const HISTORY = "http://sim.test/repos/acme/web/stargazers/history";

interface Week {
  week: number;
  total: number;
  days: number[];
}

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(", ").filter(Boolean)) {
    const [, target, rel] = /^<([^>]+)>; rel="(\w+)"$/.exec(part)!;
    out[rel] = target;
  }
  return out;
}

/** Follows rel="next" from `first`; every page's weeks. */
async function walk(sim: Simulator, first: string) {
  const pages: Week[][] = [];
  for (let next: string | undefined = first; next;) {
    const response = await sim.fetch(next, auth);
    assert.equal(response.status, 200);
    pages.push(await response.json());
    next = links(response.headers.get("link")).next;
  }
  return pages;
}

/** Stars per UTC day (YYYY-MM-DD) out of weeks, the way a client flattens them. */
function byDay(weeks: Week[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of weeks) {
    w.days.forEach((n, k) =>
      out.set(new Date(w.week * 1000 + k * DAY).toISOString().slice(0, 10), n)
    );
  }
  return out;
}

Deno.test("star history: epoch-second Sunday weeks, newest first, 30 a page, days that agree with the truth", async () => {
  const sim = testSimulator();
  const pages = await walk(sim, HISTORY);
  assert.ok(pages.length >= 3, "450 days of history span several pages of 30 weeks");
  for (const page of pages.slice(0, -1)) assert.equal(page.length, 30);
  const weeks = pages.flat();
  for (const w of weeks) {
    assert.equal(typeof w.week, "number");
    assert.equal(w.week % 86_400, 0, "midnight UTC, in seconds");
    assert.equal(new Date(w.week * 1000).getUTCDay(), 0, "a Sunday");
    assert.equal(w.days.length, 7);
    assert.equal(w.total, w.days.reduce((a, b) => a + b, 0));
  }
  for (let k = 1; k < weeks.length; k++) {
    assert.equal(weeks[k - 1].week - weeks[k].week, 7 * 86_400);
  }
  const newest = weeks[0].week * 1000;
  assert.ok(newest <= NOW && NOW < newest + 7 * DAY, "the first week is the current one");
  const days = byDay(weeks);
  const truth = sim.truth({ repo: "acme/web", type: "stars" });
  for (const item of truth.items) assert.equal(days.get(item.date!), item.count, item.date);
  const today = new Date(NOW).toISOString().slice(0, 10);
  for (const [day, n] of days) if (day > today) assert.equal(n, 0, `${day} has not happened yet`);
  assert.equal(weeks.reduce((a, w) => a + w.total, 0), truth.count);
  assert.equal(sim.counters().requests.rest, pages.length, "one core request a page");
});

Deno.test("star history pages with page and per_page and GitHub's Link relations", async () => {
  const sim = testSimulator();
  const second = await sim.fetch(`${HISTORY}?per_page=10&page=2`, auth);
  assert.equal(second.headers.get("x-ratelimit-resource"), "core");
  assert.equal(second.headers.get("x-ratelimit-used"), "1");
  const weeks: Week[] = await second.json();
  assert.equal(weeks.length, 10);
  const header = second.headers.get("link")!;
  assert.deepEqual([...header.matchAll(/rel="(\w+)"/g)].map((m) => m[1]), [
    "prev",
    "next",
    "last",
    "first",
  ]);
  const rel = links(header);
  assert.match(
    rel.next,
    /^http:\/\/sim\.test\/repositories\/\d+\/stargazers\/history\?per_page=10&page=3$/,
  );
  assert.match(rel.first, /[?&]page=1$/);
  const lastPage = Number(new URL(rel.last).searchParams.get("page"));
  const all = (await walk(sim, `${HISTORY}?per_page=100`)).flat();
  assert.equal(lastPage, Math.ceil(all.length / 10));
  assert.deepEqual(weeks, all.slice(10, 20));
  const clamped: Week[] = await (await sim.fetch(`${HISTORY}?per_page=500`, auth)).json();
  assert.equal(clamped.length, Math.min(100, all.length), "per_page is clamped to 100");
  const past = await sim.fetch(`${HISTORY}?page=${lastPage * 10 + 1}`, auth);
  assert.deepEqual(await past.json(), []);
});

Deno.test("star history ignores the undocumented since/until unless starHistorySinceParam", async () => {
  const sim = testSimulator();
  const range = "since=2026-10-01&until=2026-10-31";
  const ignored: Week[] = await (await sim.fetch(`${HISTORY}?${range}`, auth)).json();
  const plain: Week[] = await (await sim.fetch(HISTORY, auth)).json();
  assert.deepEqual(ignored, plain);
  sim.configure({ starHistorySinceParam: true });
  const honoured = (await walk(sim, `${HISTORY}?${range}`)).flat();
  const truth = sim.truth({
    repo: "acme/web",
    type: "stars",
    since: "2026-10-01",
    until: "2026-11-01",
  });
  assert.equal(honoured.reduce((a, w) => a + w.total, 0), truth.count);
  assert.ok(
    honoured.every((w) =>
      w.week * 1000 <= Date.parse("2026-10-31") && w.week * 1000 > Date.parse("2026-09-24")
    ),
  );
  const bad = await sim.fetch(`${HISTORY}?since=yesterday`, auth);
  assert.equal(bad.status, 422);
  await bad.body?.cancel();
});

Deno.test("star history options: date weeks, oldest first, one unpaged answer", async () => {
  const sim = testSimulator({
    starHistoryWeekFormat: "date",
    starHistoryOrder: "oldest_first",
    starHistoryPaging: "none",
  });
  const response = await sim.fetch("http://sim.test/repos/globex/docs/stargazers/history", auth);
  assert.equal(response.headers.get("link"), null);
  const weeks: { week: string; total: number }[] = await response.json();
  assert.ok(
    weeks.every((w) => /^\d{4}-\d\d-\d\d$/.test(w.week) && new Date(w.week).getUTCDay() === 0),
  );
  assert.deepEqual(weeks.map((w) => w.week), weeks.map((w) => w.week).sort(), "oldest first");
  const truth = sim.truth({ repo: "globex/docs", type: "stars" });
  assert.equal(weeks.reduce((a, w) => a + w.total, 0), truth.count);
});

Deno.test("starHistoryMalformed answers an object, weeks without days, or a 202, for the repos named", async () => {
  const sim = testSimulator({
    starHistoryMalformed: true,
    starHistoryMalformedRepos: ["acme/web"],
  });
  const object = await sim.fetch(HISTORY, auth);
  assert.equal(object.status, 200);
  const body = await object.json();
  assert.ok(!Array.isArray(body) && typeof body.message === "string");
  const other = await sim.fetch("http://sim.test/repos/acme/api/stargazers/history", auth);
  assert.ok(Array.isArray(await other.json()), "other repositories answer normally");
  sim.configure({ starHistoryMalformed: "no_days" });
  const weeks = await (await sim.fetch(HISTORY, auth)).json();
  assert.ok(weeks.length > 0 && weeks.every((w: object) => !("days" in w) && "total" in w));
  sim.configure({ starHistoryMalformed: "computing" });
  const computing = await sim.fetch(HISTORY, auth);
  assert.equal(computing.status, 202);
  assert.deepEqual(await computing.json(), {});
  assert.equal(sim.counters().requests.rest, 4, "each answer is a core request");
});
