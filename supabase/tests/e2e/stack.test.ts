// The local stack behaves like hosted Supabase where the project depends on it: the gateway
// honours verify_jwt, net.http_post is delivered after commit with the answer recorded, and a
// pg_cron job can call an edge function.
import assert from "node:assert/strict";
import { eventually, stackEnv, testDb } from "./_env.ts";

const functionsUrl = () => stackEnv("FUNCTIONS_URL");

Deno.test("the gateway refuses a function that verifies JWTs when no Authorization header is sent", async () => {
  const res = await fetch(`${functionsUrl()}/health`);
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { msg: "Missing authorization header" });
});

Deno.test("the gateway refuses a JWT signed with another secret", async () => {
  const forged = stackEnv("ANON_KEY").replace(/\.[^.]+$/, ".c2lnbmF0dXJl");
  const res = await fetch(`${functionsUrl()}/health`, { headers: { authorization: `Bearer ${forged}` } });
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { msg: "Invalid JWT" });
});

Deno.test("a function answers with the anon key and reaches the database", async () => {
  const res = await fetch(`${functionsUrl()}/health`, {
    headers: { authorization: `Bearer ${stackEnv("ANON_KEY")}` },
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, "ok");
  assert.equal(body.database.reachable, true);
});

Deno.test("an unknown function is a 404 naming it", async () => {
  const res = await fetch(`${functionsUrl()}/no-such-function`);
  assert.equal(res.status, 404);
  assert.match((await res.json()).msg, /no-such-function/);
});

Deno.test("net.http_post is delivered after commit and its answer lands in net._http_response", async () => {
  const sql = testDb();
  try {
    const [{ id }] = await sql`
      select net.http_post(
        url := ${functionsUrl() + "/health"},
        headers := jsonb_build_object('Authorization', 'Bearer ' || ${stackEnv("SERVICE_ROLE_KEY")}::text)
      ) as id`;
    const res = await eventually("the relay to record the answer", async () => {
      const [r] = await sql`select status_code, content from net._http_response where id = ${id}`;
      return r;
    });
    assert.equal(res.status_code, 200);
    assert.equal(JSON.parse(res.content).status, "ok");
  } finally {
    await sql.end();
  }
});

Deno.test("a request queued in a rolled-back transaction is never sent", async () => {
  const sql = testDb();
  try {
    const rollback = new Error("rolled back on purpose");
    let id = "";
    await sql.begin(async (tx) => {
      [{ id }] = await tx<{ id: string }[]>`select net.http_get(${functionsUrl() + "/health"})::text as id`;
      throw rollback;
    }).then(
      () => assert.fail("the transaction was meant to roll back"),
      (e) => {
        if (e !== rollback) throw e; // net.http_get itself failed: that is not what this test is about
      },
    );
    assert.match(id, /^\d+$/, "net.http_get returned the request's id inside the transaction");
    // A request queued after it, committed: once the relay has answered it, it has taken every
    // request queued before it (it drains the queue in id order).
    const [{ sentinel }] = await sql`select net.http_get(${functionsUrl() + "/health"})::text as sentinel`;
    assert.ok(BigInt(sentinel) > BigInt(id), "the committed request comes after the rolled-back one");
    await eventually("the relay to answer the committed request queued after it", async () => {
      const [r] = await sql`select 1 as answered from net._http_response where id = ${sentinel}`;
      return r;
    });
    const [{ queued, answered }] = await sql`
      select (select count(*)::int from net.http_request_queue where id = ${id}) as queued,
             (select count(*)::int from net._http_response where id = ${id}) as answered`;
    assert.deepEqual({ queued, answered }, { queued: 0, answered: 0 }, "the rolled-back request was never queued nor sent");
  } finally {
    await sql.end();
  }
});

Deno.test("a pg_cron job calling net.http_post reaches an edge function and the answer is recorded", async () => {
  const sql = testDb();
  const job = `stack-test-${crypto.randomUUID().slice(0, 8)}`;
  let scheduled = false;
  try {
    const [{ before }] = await sql`select coalesce(max(id), 0) as before from net._http_response`;
    // The same shape as the project's scheduled worker call: URL and key read from vault.
    await sql`
      select cron.schedule(${job}, '* * * * *', $$
        select net.http_post(
          url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/health',
          headers := jsonb_build_object('Authorization', 'Bearer ' ||
            (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
          body := jsonb_build_object('from', 'pg_cron')
        )
      $$)`;
    scheduled = true;
    // pg_cron 1.4 runs at the next minute boundary.
    const res = await eventually("pg_cron to run the job and the relay to record the answer", async () => {
      const [r] = await sql`
        select r.status_code, r.content from cron.job_run_details d
        join cron.job j on j.jobid = d.jobid
        join net._http_response r on r.id > ${before}
        -- the health function's answer (the worker's cron tick may post to backfill-worker meanwhile)
        where j.jobname = ${job} and d.status = 'succeeded' and r.content like '%"database":%'
        order by r.id desc limit 1`;
      return r;
    }, 75_000, 500);
    assert.equal(res.status_code, 200);
    assert.equal(JSON.parse(res.content).status, "ok");
  } finally {
    if (scheduled) await sql`select cron.unschedule(${job})`;
    await sql.end();
  }
});
