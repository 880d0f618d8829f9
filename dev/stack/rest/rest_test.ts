// The local /rest/v1 driven by supabase-js itself against the running stack. Expected rows come
// from the same query run in SQL; expected errors from PostgREST's documented codes and texts.
import assert from "node:assert/strict";
import { SignJWT } from "npm:jose@6.2.17";
import { adminDb, clientWithToken, env, newUser, uniqueSlug } from "../test_stack.ts";

async function workspaceOf(owner: Awaited<ReturnType<typeof newUser>>) {
  const { data, error } = await owner.client.rpc("create_workspace", { slug: uniqueSlug("rest"), name: "REST test" });
  assert.equal(error, null);
  return data as { id: string; slug: string; tier: string; retention_days: number };
}

Deno.test("rpc() calls a public function as the signed-in user and returns its row as an object", async () => {
  const sql = adminDb();
  try {
    const owner = await newUser("owner");
    const ws = await workspaceOf(owner);
    const [expected] = await sql`select id, slug, tier, retention_days from public.workspaces where slug = ${ws.slug}`;
    assert.deepEqual({ id: ws.id, slug: ws.slug, tier: ws.tier, retention_days: ws.retention_days }, { ...expected });
    const [member] = await sql`select user_id, role from public.workspace_members where workspace_id = ${ws.id}`;
    assert.deepEqual({ ...member }, { user_id: owner.id, role: "owner" });
  } finally {
    await sql.end();
  }
});

Deno.test("select with filters and order is subject to RLS: a member reads the workspace's members, a non-member none", async () => {
  const sql = adminDb();
  try {
    const owner = await newUser("owner");
    const member = await newUser("member");
    const outsider = await newUser("outsider");
    const ws = await workspaceOf(owner);
    await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${ws.id}, ${member.id}, 'member')`;
    const expected = await sql`select user_id, role from public.workspace_members
      where workspace_id = ${ws.id} order by role desc`;
    const asMember = await member.client.from("workspace_members").select("user_id, role")
      .eq("workspace_id", ws.id).order("role", { ascending: false });
    assert.equal(asMember.error, null);
    assert.deepEqual(asMember.data, expected.map((r) => ({ ...r })));
    const asOutsider = await outsider.client.from("workspace_members").select("user_id, role").eq("workspace_id", ws.id);
    assert.equal(asOutsider.status, 200);
    assert.deepEqual(asOutsider.data, []);
    const one = await member.client.from("workspaces").select("slug").eq("id", ws.id).single();
    assert.deepEqual(one.data, { slug: ws.slug });
  } finally {
    await sql.end();
  }
});

Deno.test("order, range and count=exact answer the rows and total the same query gives in SQL", async () => {
  const sql = adminDb();
  try {
    const user = await newUser("reader");
    const res = await user.client.from("tier_plans").select("tier, days:retention_days", { count: "exact" })
      .gte("retention_days", 30).order("retention_days", { ascending: false, nullsFirst: false }).range(1, 2);
    const rows = await sql`select tier, retention_days as days from public.tier_plans where retention_days >= 30
      order by retention_days desc nulls last offset 1 limit 2`;
    const [{ n }] = await sql`select count(*)::int as n from public.tier_plans where retention_days >= 30`;
    assert.equal(res.error, null);
    assert.deepEqual(res.data, rows.map((r) => ({ ...r })));
    assert.equal(res.count, n);
    assert.equal(res.status, n > 2 ? 206 : 200);
  } finally {
    await sql.end();
  }
});

Deno.test("in, or, ilike, neq and is filters select what the equivalent SQL selects", async () => {
  const sql = adminDb();
  try {
    const user = await newUser("reader");
    const res = await user.client.from("tier_plans").select("tier").in("tier", ["pro", "team", "free"])
      .or("tier.ilike.PR*,retention_days.gt.150").neq("tier", "team").not("retention_days", "is", null).order("tier");
    const rows = await sql`select tier from public.tier_plans where tier in ('pro', 'team', 'free')
      and (tier ilike 'PR%' or retention_days > 150) and tier <> 'team' and retention_days is not null order by tier`;
    assert.equal(res.error, null);
    assert.deepEqual(res.data, rows.map((r) => ({ ...r })));
  } finally {
    await sql.end();
  }
});

Deno.test("a forbidden rpc answers PostgREST's error: 401 for anon, 403 for a signed-in non-admin", async () => {
  const anon = await clientWithToken(null).rpc("create_workspace", { slug: uniqueSlug("anon"), name: "x" });
  assert.equal(anon.status, 401);
  assert.deepEqual(anon.error, {
    code: "42501", details: null, hint: null, message: "permission denied for function create_workspace",
  });
  const owner = await newUser("owner");
  const outsider = await newUser("outsider");
  const ws = await workspaceOf(owner);
  const res = await outsider.client.rpc("bulk_add_repositories", { workspace_id: ws.id, repositories: ["octo/one"] });
  assert.equal(res.status, 403);
  assert.deepEqual(res.error, {
    code: "42501",
    details: null,
    hint: "Ask an owner or admin of the workspace.",
    message: `bulk_add_repositories: only owners and admins of workspace ${ws.id} can do this`,
  });
});

Deno.test("unknown functions and tables, embedding, other schemas and single() without a row get PostgREST's codes", async () => {
  const user = await newUser("reader");
  const noFn = await user.client.rpc("no_such_function", { a: 1 });
  assert.equal(noFn.status, 404);
  assert.equal(noFn.error?.code, "PGRST202");
  assert.equal(noFn.error?.message, "Could not find the function public.no_such_function(a) in the schema cache");
  const noTable = await user.client.from("no_such_table").select();
  assert.equal(noTable.status, 404);
  assert.deepEqual(noTable.error, {
    code: "PGRST205", details: null, hint: null, message: "Could not find the table 'public.no_such_table' in the schema cache",
  });
  const embed = await user.client.from("workspaces").select("id, workspace_members(user_id)");
  assert.equal(embed.status, 400);
  assert.equal(embed.error?.code, "PGRST127");
  const other = await user.client.schema("engine").from("worker_settings").select();
  assert.equal(other.status, 406);
  assert.deepEqual(other.error, {
    code: "PGRST106", details: null, hint: "Only the following schemas are exposed: public, graphql_public",
    message: "Invalid schema: engine",
  });
  const none = await user.client.from("tier_plans").select("tier").eq("tier", "no-such-tier").single();
  assert.equal(none.status, 406);
  assert.equal(none.error?.code, "PGRST116");
  assert.equal(none.error?.details, "The result contains 0 rows");
  const badColumn = await user.client.from("tier_plans").select("nope");
  assert.deepEqual([badColumn.status, badColumn.error?.code, badColumn.error?.message],
    [400, "42703", "column tier_plans.nope does not exist"]);
});

Deno.test("a request runs in one transaction as its role with PostgREST's request settings", async () => {
  const sql = adminDb();
  const fn = `_rest_test_settings_${crypto.randomUUID().slice(0, 8)}`;
  const log = `_rest_test_log_${crypto.randomUUID().slice(0, 8)}`;
  try {
    await sql.unsafe(`create table public.${log} (note text)`);
    await sql.unsafe(`grant insert, select on public.${log} to authenticated`);
    await sql.unsafe(`create function public.${fn}(note text default null) returns jsonb language plpgsql as $$
      begin
        if note is not null then
          insert into public.${log} values (note);
          if note = 'fail' then raise exception 'failing after the insert'; end if;
        end if;
        return jsonb_build_object('user', current_user, 'claims', current_setting('request.jwt.claims')::jsonb,
          'method', current_setting('request.method'), 'path', current_setting('request.path'),
          'headers', current_setting('request.headers')::jsonb, 'read_only', current_setting('transaction_read_only'),
          'search_path', current_setting('search_path'));
      end $$`);
    await sql.unsafe(`grant execute on function public.${fn}(text) to authenticated`);
    const user = await newUser("settings");
    const post = await user.client.rpc(fn, { note: "kept" });
    assert.equal(post.error, null);
    assert.equal(post.data.user, "authenticated");
    assert.equal(post.data.claims.sub, user.id);
    assert.equal(post.data.claims.role, "authenticated");
    assert.deepEqual([post.data.method, post.data.path, post.data.read_only], ["POST", `/rpc/${fn}`, "off"]);
    assert.equal(post.data.headers.apikey, env("ANON_KEY"));
    assert.equal(post.data.search_path, '"public", "public", "extensions"');
    const get = await user.client.rpc(fn, {}, { get: true });
    assert.deepEqual([get.data.method, get.data.read_only], ["GET", "on"]);
    const failed = await user.client.rpc(fn, { note: "fail" });
    assert.deepEqual([failed.status, failed.error?.code, failed.error?.message], [400, "P0001", "failing after the insert"]);
    const notes = await sql.unsafe(`select note from public.${log} order by note`);
    assert.deepEqual(notes.map((r) => r.note), ["kept"]);
  } finally {
    await sql.unsafe(`drop function if exists public.${fn}(text); drop table if exists public.${log}`);
    await sql.end();
  }
});

Deno.test("bearer tokens are checked like PostgREST does; sb_ keys stand for anon and service_role", async () => {
  const forged = await clientWithToken(env("ANON_KEY").replace(/\.[^.]+$/, ".c2lnbmF0dXJl")).from("tier_plans").select();
  assert.deepEqual([forged.status, forged.error?.code], [401, "PGRST301"]);
  const expiredToken = await new SignJWT({ role: "authenticated" }).setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(1_700_000_000).setExpirationTime(1_700_000_100).sign(new TextEncoder().encode(env("JWT_SECRET")));
  const expired = await clientWithToken(expiredToken).from("tier_plans").select();
  assert.deepEqual([expired.status, expired.error?.code, expired.error?.message], [401, "PGRST303", "JWT expired"]);
  const publishable = await clientWithToken(null, env("PUBLISHABLE_KEY")).rpc("create_workspace", { slug: "x-y-z", name: "x" });
  assert.deepEqual([publishable.status, publishable.error?.code], [401, "42501"]);
  const secret = Deno.env.get("SECRET_KEY")!;
  const asService = await clientWithToken(null, secret).from("tier_plans").select("tier", { count: "exact", head: true });
  assert.equal(asService.error, null);
  assert.ok((asService.count ?? 0) >= 4, "the service role reads every plan");
  const noKey = await fetch(`${env("API_URL")}/rest/v1/tier_plans`);
  assert.deepEqual([noKey.status, (await noKey.json()).message], [401, "No API key found in request"]);
});

Deno.test("insert, upsert, update and delete run as the role under RLS and answer as PostgREST does", async () => {
  const sql = adminDb();
  const t = `_rest_test_notes_${crypto.randomUUID().slice(0, 8)}`;
  try {
    await sql.unsafe(`create table public.${t} (id int primary key, owner uuid not null default auth.uid(), note text);
      alter table public.${t} enable row level security;
      create policy "owners manage their notes" on public.${t} for all to authenticated
        using (owner = auth.uid()) with check (owner = auth.uid());
      grant select, insert, update, delete on public.${t} to authenticated`);
    const user = await newUser("writer");
    const other = await newUser("other");
    const ins = await user.client.from(t).insert([{ id: 1, note: "a" }, { id: 2, note: "b" }]).select("id, note");
    assert.deepEqual([ins.status, ins.error, ins.data], [201, null, [{ id: 1, note: "a" }, { id: 2, note: "b" }]]);
    const minimal = await user.client.from(t).insert({ id: 3, note: "c" });
    assert.deepEqual([minimal.status, minimal.data], [201, null]);
    const up = await user.client.from(t).upsert({ id: 3, note: "c2" }, { onConflict: "id" }).select("note").single();
    assert.deepEqual(up.data, { note: "c2" });
    const upd = await user.client.from(t).update({ note: "B" }).eq("id", 2).select("id, note");
    assert.deepEqual([upd.status, upd.data], [200, [{ id: 2, note: "B" }]]);
    const del = await user.client.from(t).delete().eq("id", 1);
    assert.equal(del.status, 204);
    const theirs = await other.client.from(t).update({ note: "x" }).eq("id", 2).select();
    assert.deepEqual([theirs.status, theirs.data], [200, []], "RLS hides another user's rows from an update");
    const forged = await other.client.from(t).insert({ id: 9, owner: user.id, note: "x" });
    assert.deepEqual([forged.status, forged.error?.code], [403, "42501"]);
    assert.match(forged.error?.message ?? "", /new row violates row-level security policy/);
    const rows = await sql.unsafe(`select id, note, owner from public.${t} order by id`);
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ id: 2, note: "B", owner: user.id }, { id: 3, note: "c2", owner: user.id }]);
    const anon = await clientWithToken(null).from("workspaces").insert({ slug: "nope-nope", name: "x" });
    assert.deepEqual([anon.status, anon.error?.code, anon.error?.message], [401, "42501", "permission denied for table workspaces"]);
    const dup = await user.client.from(t).insert({ id: 2, note: "again" });
    assert.deepEqual([dup.status, dup.error?.code], [409, "23505"]);
  } finally {
    await sql.unsafe(`drop table if exists public.${t}`);
    await sql.end();
  }
});
