// Plays pg_net's background worker for the local pg_net stand-in (dev/pg_net): requests queued in
// net.http_request_queue by net.http_get / http_post / http_delete are taken (deleted from the
// queue) after their transaction commits, sent, and answered in net._http_response; answers older
// than pg_net's default ttl (6 hours) are deleted. net.wake() NOTIFYs net_http_request_queue,
// which Postgres delivers on commit; a poll every second catches rows queued any other way.
import postgres from "npm:postgres@3.4.9";

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: Uint8Array<ArrayBuffer> | null;
  timeout_milliseconds: number;
}

export function startRelay(dbUrl: string, log: (s: string) => void) {
  const sql = postgres(dbUrl, { max: 4, onnotice: () => {}, connection: { application_name: "net-relay" } });
  let stopped = false;
  let draining = false;
  let again = false;

  // pg_net adds "User-Agent: pg_net/<version>" to requests that have headers.
  let agent: Promise<string> | undefined;
  function userAgent(): Promise<string> {
    agent ??= sql<{ ua: string }[]>`
      select 'pg_net/' || extversion as ua from pg_extension where extname = 'pg_net'`
      .then((rows) => rows[0]?.ua ?? "pg_net");
    return agent;
  }

  async function deliver(r: QueuedRequest) {
    const started = Date.now();
    let status: number | null = null;
    let contentType: string | null = null;
    let headers: Record<string, string> | null = null;
    let content: string | null = null;
    let timedOut = false;
    let error: string | null = null;
    try {
      const res = await fetch(r.url, {
        method: r.method,
        headers: r.headers === null ? {} : { "User-Agent": await userAgent(), ...r.headers },
        body: r.method === "GET" || r.method === "HEAD" ? undefined : r.body ?? undefined,
        signal: AbortSignal.timeout(r.timeout_milliseconds),
      });
      status = res.status;
      contentType = res.headers.get("content-type");
      headers = Object.fromEntries(res.headers);
      content = await res.text();
    } catch (e) {
      timedOut = (e as Error).name === "TimeoutError";
      error = timedOut
        ? `Timeout of ${r.timeout_milliseconds} ms reached. Total time: ${Date.now() - started} ms`
        : (e as Error).message;
    }
    await sql`
      insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg)
      values (${r.id}, ${status}, ${contentType}, ${headers === null ? null : sql.json(headers)}, ${content}, ${timedOut}, ${error})`;
  }

  async function drain() {
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        const batch = await sql<QueuedRequest[]>`
          delete from net.http_request_queue
          where id in (select id from net.http_request_queue order by id limit 100 for update skip locked)
          returning id, method, url, headers, body, timeout_milliseconds`;
        for (const r of batch) {
          deliver(r).catch((e) => log(`net relay: could not record the answer to request ${r.id}: ${e.message}`));
        }
        if (batch.length === 100) again = true;
      } while (again && !stopped);
    } catch (e) {
      if (!stopped) log(`net relay: ${(e as Error).message}`);
    } finally {
      draining = false;
    }
  }

  // pg_net.ttl defaults to 6 hours; the worker deletes older answers.
  async function expireAnswers() {
    try {
      await sql`delete from net._http_response where created < now() - interval '6 hours'`;
    } catch (e) {
      if (!stopped) log(`net relay: could not delete expired answers: ${(e as Error).message}`);
    }
  }

  const listening = sql.listen("net_http_request_queue", () => drain());
  const timer = setInterval(drain, 1000);
  const expiry = setInterval(expireAnswers, 60_000);
  drain();

  return {
    ready: listening.then(() => true),
    async close() {
      stopped = true;
      clearInterval(timer);
      clearInterval(expiry);
      await sql.end({ timeout: 2 });
    },
  };
}
