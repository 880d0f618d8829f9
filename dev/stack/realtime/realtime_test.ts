// The local Realtime driven by supabase-js itself against the running stack: private Broadcast
// authorised by the project's RLS policy on realtime.messages (members of the workspace only),
// messages sent from SQL with realtime.send, public channels and client broadcasts.
import assert from "node:assert/strict";
import { createClient, type RealtimeChannel, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.0";
import { adminDb, clientWithToken, env, eventually, newUser, uniqueSlug } from "../test_stack.ts";

interface Received {
  event: string;
  payload: Record<string, unknown>;
  meta?: { id: string };
}

/**
 * Subscribes and resolves with the first status (SUBSCRIBED, CHANNEL_ERROR, TIMED_OUT) and error.
 * Like the docs say, setAuth() first: supabase-js hands the `accessToken` result to Realtime
 * asynchronously, and a join sent before that carries only the apikey (anon), as with hosted
 * Realtime.
 */
async function subscribe(client: SupabaseClient, topic: string, isPrivate: boolean, received: Received[], self = false) {
  await client.realtime.setAuth();
  const channel = client.channel(topic, { config: { private: isPrivate, broadcast: { self } } });
  channel.on("broadcast", { event: "*" }, (m) => received.push(m as unknown as Received));
  return new Promise<{ channel: RealtimeChannel; status: string; error?: Error }>((resolve) => {
    channel.subscribe((status, error) => {
      if (status !== "CLOSED") resolve({ channel, status, error });
    });
  });
}

async function memberWorkspace() {
  const owner = await newUser("rt-owner");
  const { data, error } = await owner.client.rpc("create_workspace", { slug: uniqueSlug("rt"), name: "Realtime test" });
  assert.equal(error, null);
  return { owner, workspaceId: (data as { id: string }).id };
}

Deno.test("a member receives a private broadcast sent from SQL; a non-member's join is refused and receives nothing", async () => {
  const sql = adminDb();
  const { owner, workspaceId } = await memberWorkspace();
  const outsider = await newUser("rt-outsider");
  const topic = `workspace:${workspaceId}:backfill`;
  const mine: Received[] = [];
  const theirs: Received[] = [];
  try {
    const joined = await subscribe(owner.client, topic, true, mine);
    assert.equal(joined.status, "SUBSCRIBED");
    const refused = await subscribe(outsider.client, topic, true, theirs);
    assert.equal(refused.status, "CHANNEL_ERROR");
    assert.equal(refused.error?.message,
      `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`);

    await sql`select realtime.send(${sql.json({ done: 1, total: 2 })}, 'job_progress', ${topic}, true)`;
    await sql`select realtime.send(${sql.json({ done: 2, total: 2 })}, 'job_completed', ${topic}, true)`;
    await eventually("the member to receive both broadcasts", () => mine.length === 2);
    const [row] = await sql`select id from realtime.messages where topic = ${topic} and event = 'job_progress'`;
    assert.deepEqual(mine[0], { type: "broadcast", event: "job_progress", payload: { done: 1, total: 2, id: row.id }, meta: { id: row.id } });
    assert.equal(mine[1].event, "job_completed");
    assert.deepEqual(theirs, []);
  } finally {
    await owner.client.removeAllChannels();
    await outsider.client.removeAllChannels();
    await sql.end();
  }
});

Deno.test("a private broadcast larger than a NOTIFY payload arrives whole", async () => {
  const sql = adminDb();
  const { owner, workspaceId } = await memberWorkspace();
  const topic = `workspace:${workspaceId}:backfill`;
  const got: Received[] = [];
  try {
    assert.equal((await subscribe(owner.client, topic, true, got)).status, "SUBSCRIBED");
    const big = "x".repeat(20_000);
    await sql`select realtime.send(${sql.json({ big })}, 'job_progress', ${topic}, true)`;
    await eventually("the large broadcast", () => got.length === 1);
    assert.equal(got[0].payload.big, big);
  } finally {
    await owner.client.removeAllChannels();
    await sql.end();
  }
});

Deno.test("private messages reach private joins only; public messages public joins only", async () => {
  const sql = adminDb();
  const { owner, workspaceId } = await memberWorkspace();
  const topic = `workspace:${workspaceId}:backfill`;
  const other = clientWithToken(owner.token);
  const privately: Received[] = [];
  const publicly: Received[] = [];
  try {
    assert.equal((await subscribe(owner.client, topic, true, privately)).status, "SUBSCRIBED");
    assert.equal((await subscribe(other, topic, false, publicly)).status, "SUBSCRIBED");
    await sql`select realtime.send(${sql.json({ n: 1 })}, 'secret', ${topic}, true)`;
    await sql`select realtime.send(${sql.json({ n: 2 })}, 'open', ${topic}, false)`;
    await eventually("one message on each join", () => privately.length === 1 && publicly.length === 1);
    assert.deepEqual([privately[0].event, publicly[0].event], ["secret", "open"]);
  } finally {
    await owner.client.removeAllChannels();
    await other.removeAllChannels();
    await sql.end();
  }
});

Deno.test("on a public channel a client's broadcast reaches the other subscribers, and itself only with self", async () => {
  const a = clientWithToken(null);
  const b = clientWithToken(null, env("PUBLISHABLE_KEY"));
  const topic = uniqueSlug("room");
  const atA: Received[] = [];
  const atB: Received[] = [];
  try {
    const ja = await subscribe(a, topic, false, atA);
    const jb = await subscribe(b, topic, false, atB, true);
    assert.deepEqual([ja.status, jb.status], ["SUBSCRIBED", "SUBSCRIBED"]);
    assert.equal(await ja.channel.send({ type: "broadcast", event: "cursor", payload: { x: 1 } }), "ok");
    assert.equal(await jb.channel.send({ type: "broadcast", event: "cursor", payload: { x: 2 } }), "ok");
    await eventually("b to hear both, a to hear b", () => atB.length === 2 && atA.length === 1);
    assert.deepEqual(atA.map((m) => m.payload), [{ x: 2 }]);
    assert.deepEqual(atB.map((m) => m.payload).sort((p, q) => Number(p.x) - Number(q.x)), [{ x: 1 }, { x: 2 }]);
  } finally {
    await a.removeAllChannels();
    await b.removeAllChannels();
  }
});

Deno.test("a member who loses membership is disconnected when the client sends a new token", async () => {
  const sql = adminDb();
  const { owner, workspaceId } = await memberWorkspace();
  const member = await newUser("rt-member");
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${member.id}, 'member')`;
  const topic = `workspace:${workspaceId}:backfill`;
  const got: Received[] = [];
  try {
    const joined = await subscribe(member.client, topic, true, got);
    assert.equal(joined.status, "SUBSCRIBED");
    const system: Record<string, unknown>[] = [];
    joined.channel.on("system", {}, (m) => system.push(m));
    await sql`delete from public.workspace_members where workspace_id = ${workspaceId} and user_id = ${member.id}`;
    const fresh = (await newUserToken(member.email));
    await member.client.realtime.setAuth(fresh);
    await eventually("the channel to be closed", () => joined.channel.state === "closed" || system.length > 0);
    assert.equal(system[0]?.message, `You no longer have permission to read from this Channel topic: ${topic}`);
  } finally {
    await owner.client.removeAllChannels();
    await member.client.removeAllChannels();
    await sql.end();
  }
});

async function newUserToken(email: string): Promise<string> {
  const { tokenSourceFromEnv, userToken } = await import("../users.ts");
  return await userToken(tokenSourceFromEnv(), email);
}

Deno.test("postgres_changes and presence are refused with a reason naming the stand-in", async () => {
  const user = await newUser("rt-pg");
  try {
    const ch = user.client.channel(uniqueSlug("changes"))
      .on("postgres_changes", { event: "*", schema: "public", table: "workspaces" }, () => {});
    const result = await new Promise<{ status: string; error?: Error }>((resolve) =>
      ch.subscribe((status, error) => status !== "CLOSED" && resolve({ status, error }))
    );
    assert.equal(result.status, "CHANNEL_ERROR");
    assert.match(result.error?.message ?? "", /postgres_changes is not supported by the local Realtime stand-in/);
  } finally {
    await user.client.removeAllChannels();
  }
});

Deno.test("a client on protocol vsn 1.0.0 (JSON objects) joins, is authorised and receives the same broadcast", async () => {
  const sql = adminDb();
  const { owner, workspaceId } = await memberWorkspace();
  const v1 = createClient(env("API_URL"), env("ANON_KEY"), {
    accessToken: () => Promise.resolve(owner.token),
    realtime: { vsn: "1.0.0" },
  });
  const topic = `workspace:${workspaceId}:backfill`;
  const got: Received[] = [];
  try {
    const joined = await subscribe(v1, topic, true, got);
    assert.equal(joined.status, "SUBSCRIBED", joined.error?.message);
    await sql`select realtime.send(${sql.json({ n: 1 })}, 'job_progress', ${topic}, true)`;
    await eventually("the broadcast on vsn 1.0.0", () => got.length === 1);
    assert.deepEqual(got[0].payload.n, 1);
    assert.equal(got[0].event, "job_progress");
  } finally {
    await v1.removeAllChannels();
    await sql.end();
  }
});
