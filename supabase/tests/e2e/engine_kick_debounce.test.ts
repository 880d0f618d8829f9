// Kick storms across transactions: 50 transactions inserting a job each at the same time (say
// 50 Polar purchases at once) queue ONE kick of the worker between them: the transaction holding
// engine.worker_settings kicks, the others see it busy and skip. pgTAP covers one transaction and
// the debounce window (supabase/tests/database/engine/kick_is_debounced.test.sql); only separate
// connections show the concurrency. The transactions roll back at the end, so no kick is
// delivered and no job is left behind: which transaction queued a kick is decided before commit.
import { deepEqual as assertEquals } from "node:assert/strict";
import { testDb } from "./_env.ts";

const N = 50;
class RollBack extends Error {}

Deno.test({
  name: "kick debounce: 50 concurrent transactions inserting a job each queue exactly one kick",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const sql = testDb(N + 2);
    const slug = `kick-debounce-${crypto.randomUUID().slice(0, 8)}`;
    const [saved] = await sql`select * from engine.worker_settings`;
    try {
      const [ws] = await sql`insert into public.workspaces (slug, name, tier) values (${slug}, ${slug}, 'pro') returning id`;
      const [tr] = await sql`
        insert into public.tracked_repositories (owner, name) values ('kick-debounce', ${slug})
        on conflict ((lower(full_name))) do update set status = 'pending' returning id`;
      await sql`insert into public.workspace_tracked_repositories (workspace_id, tracked_repository_id) values (${ws.id}, ${tr.id})`;
      // Kicks allowed, none recent, no cap in the way (restored below).
      await sql`update engine.worker_settings
        set automatic_invocations = true, last_kick_at = null, kick_debounce_seconds = 5, max_concurrent_invocations = 100`;
      const [{ baseline }] = await sql`select coalesce(max(id), 0)::bigint as baseline from net.http_request_queue`;

      let arrived = 0;
      let release!: () => void;
      const allInserted = new Promise<void>((r) => release = r);
      const queuedByEach = await Promise.all(Array.from({ length: N }, async () => {
        let queued = -1;
        try {
          await sql.begin(async (tx) => {
            await tx`insert into public.backfill_jobs (workspace_id, kind, window_days, data_types)
              values (${ws.id}, 'manual', 1, array['repository'])`;
            // Requests queued by this transaction (others' are invisible until they commit).
            const [{ n }] = await tx`select count(*)::int as n from net.http_request_queue
              where id > ${baseline} and url like '%/functions/v1/backfill-worker'`;
            queued = n;
            if (++arrived === N) release();
            await allInserted; // every transaction is open at once
            throw new RollBack();
          });
        } catch (e) {
          if (!(e instanceof RollBack)) throw e;
        }
        return queued;
      }));

      assertEquals(queuedByEach.filter((n) => n < 0).length, 0, "every transaction inserted its job");
      assertEquals(queuedByEach.reduce((a, b) => a + b, 0), 1, `kicks queued per transaction: ${queuedByEach.join(",")}`);
      const [{ jobs }] = await sql`select count(*)::int as jobs from public.backfill_jobs where workspace_id = ${ws.id}`;
      assertEquals(jobs, 0, "the transactions rolled back");
    } finally {
      await sql`update engine.worker_settings set automatic_invocations = ${saved.automatic_invocations},
        reason = ${saved.reason}, last_kick_at = ${saved.last_kick_at}, kick_debounce_seconds = ${saved.kick_debounce_seconds},
        max_concurrent_invocations = ${saved.max_concurrent_invocations}`;
      await sql`delete from public.workspaces where slug = ${slug}`;
      await sql`delete from public.tracked_repositories where owner = 'kick-debounce' and name = ${slug}`;
      await sql.end();
    }
  },
});
