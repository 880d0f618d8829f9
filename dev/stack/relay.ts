// Delivers what pg_net would: requests queued in net.http_request_queue by net.http_post /
// net.http_get are sent after their transaction commits (we LISTEN for the queue's NOTIFY, which
// Postgres delivers only on commit, and poll as a fallback), and each answer is recorded in
// net._http_response, as pg_net's background worker does.
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
        headers: r.headers ?? {},
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

  const listening = sql.listen("net_http_request_queue", () => drain());
  const timer = setInterval(drain, 1000);
  drain();

  return {
    ready: listening.then(() => true),
    async close() {
      stopped = true;
      clearInterval(timer);
      await sql.end({ timeout: 2 });
    },
  };
}
