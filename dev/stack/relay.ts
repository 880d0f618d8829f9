// Plays pg_net's background worker for the local pg_net stand-in (dev/pg_net): requests queued in
// net.http_request_queue by net.http_get / http_post / http_delete are taken (deleted from the
// queue) after their transaction commits, sent, and answered in net._http_response; answers older
// than pg_net's default ttl (6 hours) are deleted. net.wake() NOTIFYs net_http_request_queue,
// which Postgres delivers on commit; a poll every second catches rows queued any other way.
//
// A backlog (requests queued while no relay was listening: the services were down or restarting,
// or the connection was lost) is not sent all at once: per URL, one request per backlog spacing
// (default the engine's kick debounce, engine.worker_settings.kick_debounce_seconds), later
// requests to that URL queued behind it. So kicks of the backfill worker queued during an outage
// start workers one debounce apart, as they would have been sent, instead of together. Each
// request is still sent exactly once: a request waiting its turn stays in the queue (a relay that
// dies meanwhile leaves it to the next one).
import postgres from "npm:postgres@3.4.9";

export interface RelayOptions {
  /** Backlog requests to one URL are sent at most one per this many ms (default: the engine's
   * kick_debounce_seconds when engine.worker_settings exists, else 0 = no pacing). */
  backlogSpacingMs?: number;
}

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: Uint8Array<ArrayBuffer> | null;
  timeout_milliseconds: number;
}

export function startRelay(dbUrl: string, log: (s: string) => void, opts: RelayOptions = {}) {
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

  // Backlog pacing: URLs that had requests queued when the relay (re)connected (paced until none
  // is left in the queue) and the last send per URL.
  const paced = new Set<string>();
  const lastSent = new Map<string, number>();

  async function deliver(r: QueuedRequest) {
    const started = Date.now();
    let status: number | null = null;
    let contentType: string | null = null;
    let headers: Record<string, string> | null = null;
    let content: string | null = null;
    let timedOut = false;
    let error: string | null = null;
    try {
      const sent = r.headers === null ? {} : { "User-Agent": await userAgent(), ...r.headers };
      // The spacing of a paced URL runs from the moment its request leaves, not from its take.
      if (paced.has(r.url)) lastSent.set(r.url, Date.now());
      const res = await fetch(r.url, {
        method: r.method,
        headers: sent,
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

  let spacingMs = opts.backlogSpacingMs ?? 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let ready = false;

  async function noteBacklog() {
    if (opts.backlogSpacingMs === undefined) {
      const [s] = await sql<{ seconds: number | null }[]>`
        select case when to_regclass('engine.worker_settings') is not null
          then (select kick_debounce_seconds from engine.worker_settings limit 1) end as seconds`;
      spacingMs = (s?.seconds ?? 0) * 1000;
    }
    if (spacingMs <= 0) return;
    const urls = await sql<{ url: string }[]>`select distinct url from net.http_request_queue`;
    for (const { url } of urls) paced.add(url);
    if (urls.length > 0) log(`net relay: ${urls.length} URL(s) with requests queued meanwhile: one per ${spacingMs} ms each`);
  }

  /** Takes the requests due now (in id order); those of a paced URL one per spacing. */
  async function takeDue(): Promise<{ batch: QueuedRequest[]; full: boolean }> {
    return await sql.begin(async (tx) => {
      const queued = await tx<{ id: string; url: string }[]>`
        select id, url from net.http_request_queue order by id limit 100 for update skip locked`;
      const ids: string[] = [];
      const seen = new Set<string>();
      let wait = Infinity;
      const now = Date.now();
      for (const { id, url } of queued) {
        if (!paced.has(url)) {
          ids.push(id);
          continue;
        }
        const due = (lastSent.get(url) ?? 0) + spacingMs;
        if (!seen.has(url) && due <= now) {
          ids.push(id);
          lastSent.set(url, now);
        } else wait = Math.min(wait, seen.has(url) ? spacingMs : due - now);
        seen.add(url); // later requests to this URL wait their turn
      }
      // A paced URL with nothing left queued (in a batch that saw the whole queue) is back to normal.
      if (queued.length < 100) for (const url of [...paced]) if (!seen.has(url)) paced.delete(url);
      clearTimeout(retry);
      if (wait !== Infinity) retry = setTimeout(drain, wait);
      const batch = ids.length === 0 ? [] : await tx<QueuedRequest[]>`
        delete from net.http_request_queue where id = any(${ids}::bigint[])
        returning id, method, url, headers, body, timeout_milliseconds`;
      batch.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
      return { batch, full: queued.length === 100 && ids.length > 0 };
    });
  }

  async function drain() {
    if (!ready) return; // the backlog is read first (on connect)
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        const { batch, full } = await takeDue();
        for (const r of batch) {
          deliver(r).catch((e) => log(`net relay: could not record the answer to request ${r.id}: ${e.message}`));
        }
        if (full) again = true;
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

  // onlisten runs on the first connection and on every reconnection: what was queued while no
  // relay listened is a backlog.
  const listening = sql.listen("net_http_request_queue", () => drain(), () => {
    noteBacklog().catch((e) => log(`net relay: could not read the backlog: ${(e as Error).message}`))
      .finally(() => {
        ready = true;
        drain();
      });
  });
  const timer = setInterval(drain, 1000);
  const expiry = setInterval(expireAnswers, 60_000);

  return {
    ready: listening.then(() => true),
    async close() {
      stopped = true;
      clearTimeout(retry);
      clearInterval(timer);
      clearInterval(expiry);
      await sql.end({ timeout: 2 });
    },
  };
}
