// `npm run polar:send` against the running stack (npm test exports DB_URL and FUNCTIONS_URL): it
// finds the stack from the profile's port variables alone, buys the addon for an existing
// workspace the way the README says, and names a workspace that does not exist.
import assert from "node:assert/strict";
import { adminDb, env } from "../stack/test_stack.ts";

/** Runs send.ts with only the test profile's port variables pointing at the stack. */
async function send(args: string[]) {
  const childEnv = Deno.env.toObject();
  for (const k of ["DB_URL", "FUNCTIONS_URL", "STACK_DB_PORT", "STACK_API_PORT", "STACK_GITHUB_PORT"]) delete childEnv[k];
  childEnv.STACK_TEST_DB_PORT = new URL(env("DB_URL")).port;
  childEnv.STACK_TEST_API_PORT = new URL(env("API_URL")).port;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", new URL("./send.ts", import.meta.url).pathname, "--profile", "test", ...args],
    env: childEnv,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("polar:send buys the addon for a workspace of the running stack, found through the profile's ports", async () => {
  const sql = adminDb();
  const slug = `send-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const [owner] = await sql`insert into auth.users (email) values (${slug + "@example.com"}) returning id`;
    const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${slug}, ${slug}, 'free') returning id`;
    await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${ws.id}, ${owner.id}, 'owner')`;

    const r = await send(["--workspace", slug]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, new RegExp(`subscription\\.active for workspace ${slug} \\(${ws.id}; subscription sub_local_${slug}, checkout co_local_`));
    assert.match(r.stdout, /→ 200 /);
    const [sub] = await sql`select workspace_id from public.polar_subscriptions where id = ${"sub_local_" + slug}`;
    assert.equal(sub?.workspace_id, ws.id, "the subscription is attached to the workspace its checkout was recorded for");
    const [after] = await sql`select retention_days from public.workspaces where id = ${ws.id}`;
    assert.equal(after.retention_days, 365);

    const revoked = await send(["--workspace", slug, "--event", "subscription.revoked"]);
    assert.equal(revoked.code, 0, revoked.stderr + revoked.stdout);
    assert.doesNotMatch(revoked.stdout, /checkout co_local_/, "a known subscription needs no new checkout");
    const [reverted] = await sql`select retention_days from public.workspaces where id = ${ws.id}`;
    assert.equal(reverted.retention_days, 30);
  } finally {
    await sql`delete from public.polar_subscriptions where id = ${"sub_local_" + slug}`;
    await sql`delete from public.workspaces where slug = ${slug}`;
    await sql`delete from auth.users where email = ${slug + "@example.com"}`;
    await sql.end();
  }
});

Deno.test("polar:send names a workspace that does not exist and says how to create one", async () => {
  const r = await send(["--workspace", "no-such-workspace"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /workspace "no-such-workspace" does not exist in the stack's database .*npm run stack:reset creates the seed's workspace "example"/);
});
