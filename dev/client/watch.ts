// Following a backfill the way an app does, with supabase-js only: the private Realtime topic
// `workspace:<id>:backfill` (joined before the job exists, so its first broadcasts are not
// missed), the three status views read once and re-read when broadcasts say something changed
// (at most once a second; and after 5 s without any, for what broadcasts do not carry:
// failures, ETA, a job end while the connection was down), and a final read when it ends.
import { createClient, type RealtimeChannel, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.0";
import type { Database } from "../../types/database.ts";
import {
  BackfillProgress,
  type FinishedPayload,
  type JobStatusRow,
  type JobView,
  type ProgressPayload,
} from "./progress.ts";

export type Client = SupabaseClient<Database>;

/** supabase-js for a signed-in user whose access token comes from elsewhere (the local stack
 * mints it: dev/stack/users.ts), typed with the generated types/database.ts. */
export function clientFor(apiUrl: string, anonKey: string, accessToken: string): Client {
  return createClient<Database>(apiUrl, anonKey, { accessToken: () => Promise.resolve(accessToken) });
}

export type BackfillEvent =
  | { event: "backfill_progress"; payload: ProgressPayload }
  | { event: "backfill_finished"; payload: FinishedPayload };

/** The workspace's broadcasts from the moment of joining: kept, and handed to listeners. */
export interface BackfillFeed {
  channel: RealtimeChannel;
  events: BackfillEvent[];
  listen(fn: (e: BackfillEvent) => void): () => void;
  close(): Promise<void>;
}

/** Joins the private topic; rejects with the reason when Realtime refuses the join. */
export async function openBackfillFeed(client: Client, workspaceId: string): Promise<BackfillFeed> {
  const topic = `workspace:${workspaceId}:backfill`;
  const events: BackfillEvent[] = [];
  const listeners = new Set<(e: BackfillEvent) => void>();
  const push = (e: BackfillEvent) => {
    events.push(e);
    for (const fn of listeners) fn(e);
  };
  // The access token must reach Realtime before the join, or the join is anon's.
  await client.realtime.setAuth();
  const channel = client.channel(topic, { config: { private: true } })
    .on("broadcast", { event: "backfill_progress" }, ({ payload }) =>
      push({ event: "backfill_progress", payload: payload as ProgressPayload }))
    .on("broadcast", { event: "backfill_finished" }, ({ payload }) =>
      push({ event: "backfill_finished", payload: payload as FinishedPayload }));
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, err) => {
      if (status === "SUBSCRIBED") resolve();
      else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") {
        reject(new Error(`joining ${topic} failed (${status}): ${err?.message ?? "no reason given"}`));
      }
    });
  });
  return {
    channel,
    events,
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close: async () => {
      await client.removeChannel(channel);
    },
  };
}

function failed(what: string, error: { message: string; code?: string }): never {
  throw new Error(`reading ${what} failed: ${error.message}${error.code ? ` (${error.code})` : ""}`);
}

/** The three status views of one job, as the signed-in user may read them (RLS). */
export async function readJobStatus(client: Client, jobId: string) {
  const [job, repos, types] = await Promise.all([
    client.from("backfill_job_status").select("*").eq("job_id", jobId).maybeSingle(),
    client.from("backfill_repository_status").select("*").eq("job_id", jobId).order("task_id"),
    client.from("backfill_data_type_status").select("*").eq("job_id", jobId).order("task_id"),
  ]);
  if (job.error) failed(`backfill_job_status of job ${jobId}`, job.error);
  if (repos.error) failed(`backfill_repository_status of job ${jobId}`, repos.error);
  if (types.error) failed(`backfill_data_type_status of job ${jobId}`, types.error);
  return { job: job.data, repos: repos.data, types: types.data };
}

/** The workspace's newest job of `kind` (created at or after `since`); null when there is none yet. */
export async function newestJob(client: Client, workspaceId: string, kind: string, since?: string): Promise<JobStatusRow | null> {
  let q = client.from("backfill_job_status").select("*").eq("workspace_id", workspaceId).eq("kind", kind);
  if (since) q = q.gte("created_at", since);
  const { data, error } = await q.order("created_at", { ascending: false }).limit(1).maybeSingle();
  if (error) failed(`backfill_job_status of workspace ${workspaceId}`, error);
  return data;
}

export interface FollowOptions {
  onChange?: (view: JobView) => void;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Least time between two reads of the views that broadcasts prompt. */
  refreshMs?: number;
  /** A read after this long without a broadcast. */
  quietMs?: number;
}

/** Follows job `jobId` on `feed` until it ends (its final state read from the views), the
 * timeout passes or `signal` aborts; returns what is known then (`.finished` tells which). */
export async function followJob(client: Client, feed: BackfillFeed, jobId: string, opts: FollowOptions): Promise<BackfillProgress> {
  const model = new BackfillProgress(jobId);
  const refreshMs = opts.refreshMs ?? 1000;
  const quietMs = opts.quietMs ?? 5000;
  let lastRead = 0;
  let lastEvent = Date.now();
  let wake: () => void = () => {};
  const apply = (e: BackfillEvent) => {
    const mine = e.event === "backfill_progress" ? model.applyProgress(e.payload) : model.applyFinished(e.payload);
    if (!mine) return;
    lastEvent = Date.now();
    opts.onChange?.(model.view());
    wake();
  };
  const read = async () => {
    lastRead = Date.now();
    const s = await readJobStatus(client, jobId);
    model.load(s.job, s.repos, s.types);
    opts.onChange?.(model.view());
  };
  // Broadcasts are applied once the first read named the job's repositories and types: before it,
  // a lone broadcast would make a one-repository job of it (100% after its first type).
  let early: BackfillEvent[] | null = [...feed.events];
  const stop = feed.listen((e) => early ? early.push(e) : apply(e));
  const deadline = Date.now() + opts.timeoutMs;
  const onAbort = () => wake();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await read();
    for (const e of early) apply(e);
    early = null;
    while (!model.finished && Date.now() < deadline && !opts.signal?.aborted) {
      // Sleep until a broadcast, the next allowed read, or the quiet read; whichever is due.
      const dueQuiet = lastEvent + quietMs;
      const dueEvent = lastEvent > lastRead ? lastRead + refreshMs : Infinity;
      const wait = Math.max(0, Math.min(dueQuiet, dueEvent, deadline) - Date.now());
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = () => {};
      if (model.finished) break;
      const now = Date.now();
      if (now >= lastEvent + quietMs || (lastEvent > lastRead && now >= lastRead + refreshMs)) {
        await read();
        if (now >= lastEvent + quietMs) lastEvent = now;
      }
    }
    if (model.finished) await read(); // the final state, as the views hold it
    return model;
  } finally {
    stop();
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
