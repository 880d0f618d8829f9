// The pg_net relay against a scratch database of the running test cluster (npm test exports
// DB_URL) holding only the pg_net stand-in: a backlog is paced per URL, each request is sent once,
// and a restarted relay paces what was queued while it was down.
import assert from "node:assert/strict";
import postgres from "npm:postgres@3.4.9";
import { env } from "./test_stack.ts";
import { startRelay } from "./relay.ts";

async function scratchDatabase() {
  const admin = postgres(env("DB_URL"), { max: 1, onnotice: () => {} });
  const name = `relay_test_${crypto.randomUUID().slice(0, 8)}`;
  await admin.unsafe(`create database ${name}`);
  const url = env("DB_URL").replace(/\/postgres$/, `/${name}`);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  await sql`create schema extensions`;
  await sql`create extension pg_net with schema extensions`;
  return {
    url,
    sql,
    async [Symbol.asyncDispose]() {
      await sql.end();
      await admin.unsafe(`drop database ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Records when each request arrives, by path. */
function receiver() {
  const arrivals: { path: string; at: number }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    arrivals.push({ path: new URL(req.url).pathname, at: Date.now() });
    return new Response("ok");
  });
  return { base: `http://127.0.0.1:${server.addr.port}`, arrivals, [Symbol.asyncDispose]: () => server.shutdown() };
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const spacing = 400;
const gaps = (at: number[]) => at.slice(1).map((t, i) => t - at[i]);

Deno.test("requests queued while no relay ran are paced per URL, each sent once; a restarted relay paces again", async () => {
  await using db = await scratchDatabase();
  await using rx = receiver();
  const post = (path: string) => db.sql`select net.http_post(url := ${rx.base + path}) as id`;
  for (const p of ["/kick", "/kick", "/kick", "/other"]) await post(p);

  let relay = startRelay(db.url, () => {}, { backlogSpacingMs: spacing });
  try {
    await until("the backlog to be delivered", () => rx.arrivals.length === 4);
    const kicks = rx.arrivals.filter((a) => a.path === "/kick").map((a) => a.at);
    assert.equal(kicks.length, 3, "each queued kick sent once");
    for (const g of gaps(kicks)) assert.ok(g >= spacing - 20, `kicks ${g} ms apart (spacing ${spacing} ms)`);
    const other = rx.arrivals.find((a) => a.path === "/other")!.at;
    assert.ok(other < kicks[1], "another URL does not wait behind the paced one");
    await until("every answer to be recorded", async () =>
      (await db.sql`select count(*)::int as n from net._http_response where status_code = 200`)[0].n === 4);

    // Queued after the backlog is gone (and the spacing since its last kick has passed, so the
    // relay's pacing, which it drops at its next look at the queue, cannot apply): sent at once.
    await until("the spacing after the last kick", () => Date.now() >= kicks[2] + spacing);
    const before = Date.now();
    await post("/kick");
    await until("the new kick", () => rx.arrivals.length === 5);
    assert.ok(rx.arrivals[4].at - before < spacing, "a request queued while the relay runs is not paced");

    await relay.close();
    for (const p of ["/kick", "/kick"]) await post(p);
    relay = startRelay(db.url, () => {}, { backlogSpacingMs: spacing });
    await until("the backlog of the restart", () => rx.arrivals.length === 7);
    const [a, b] = rx.arrivals.slice(5).map((x) => x.at);
    assert.ok(b - a >= spacing - 20, `after a restart the queued kicks are ${b - a} ms apart`);
    assert.equal((await db.sql`select count(*)::int as n from net.http_request_queue`)[0].n, 0);
  } finally {
    await relay.close();
  }
});

Deno.test("the relay delivers again after its database connections are cut", async () => {
  await using db = await scratchDatabase();
  await using rx = receiver();
  const relay = startRelay(db.url, () => {}, { backlogSpacingMs: 0 });
  try {
    await relay.ready;
    await db.sql`select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'net-relay' and datname = current_database()`;
    await db.sql`select net.http_post(url := ${rx.base + "/after-cut"})`;
    await until("the request queued after the cut", () => rx.arrivals.length === 1);
    assert.equal(rx.arrivals[0].path, "/after-cut");
  } finally {
    await relay.close();
  }
});
