// A Polar delivery holds its workspace's row until it commits (deliveries of one workspace apply
// one after the other). While it does, the engine goes on writing rows that reference the
// workspace: a job's end inserts the owners' notifications, which takes KEY SHARE on the
// workspace row. Under FOR UPDATE that insert waited for the delivery while the delivery waited
// for the job the worker held (seen as deadlocks 40P01 and a 500 from polar-webhook in the full
// suite); the delivery's lock must let it through.
import assert from "node:assert/strict";
import { testDb } from "./_env.ts";

Deno.test("a Polar delivery in progress does not block the engine writing rows of its workspace", async () => {
  const sql = testDb(4);
  const slug = `pw-locks-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const [owner] = await sql`insert into auth.users (id, email) values (gen_random_uuid(), ${`${slug}@example.com`}) returning id`;
    const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${slug}, ${slug}, 'pro') returning id`;
    await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${ws.id}, ${owner.id}, 'owner')`;
    await sql`select private.record_polar_checkout(${ws.id}, ${owner.id}, ${`co_${slug}`}, 'prod_locks',
      'https://polar.test/checkout', now() + interval '1 day')`;
    const event = {
      type: "subscription.active", timestamp: new Date().toISOString(),
      data: {
        id: `sub_${slug}`, status: "active", product_id: "prod_locks", customer_id: `cus_${slug}`,
        current_period_end: new Date(Date.now() + 30 * 86400_000).toISOString(), cancel_at_period_end: false,
        started_at: new Date().toISOString(), metadata: { workspace_id: ws.id }, checkout_id: `co_${slug}`,
        customer: { id: `cus_${slug}`, external_id: null },
      },
    };
    const delivery = await sql.reserve();
    try {
      await delivery`begin`;
      const [{ result }] = await delivery`select private.process_polar_webhook(${`wh_${slug}`}, ${event.type},
        ${event.timestamp}::timestamptz, ${sql.json(event as never)}, array['prod_locks']) as result`;
      assert.equal(result.outcome, "processed", JSON.stringify(result));
      // The delivery has not committed; the engine writes a row of the workspace meanwhile.
      const engine = await sql.reserve();
      try {
        await engine`set lock_timeout = '3s'`;
        await engine`insert into public.notifications (user_id, workspace_id, kind, title)
          values (${owner.id}, ${ws.id}, 'backfill_finished', 'written while a delivery is in progress')`;
      } finally {
        engine.release();
      }
      await delivery`commit`;
    } finally {
      delivery.release();
    }
    const [{ n }] = await sql`select count(*)::int as n from public.backfill_jobs where workspace_id = ${ws.id} and kind = 'addon'`;
    assert.equal(n, 1, "the delivery committed its addon job");
  } finally {
    await sql`delete from public.workspaces where slug = ${slug}`;
    await sql`delete from auth.users where email = ${`${slug}@example.com`}`;
    await sql.end();
  }
});
