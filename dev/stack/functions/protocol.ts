// What the gateway's function pool and a function's host process (dev/stack/function-host.ts)
// tell each other. Host → pool: one line per event on stdout, behind a marker that carries a
// per-process nonce, so a function's own console output is never read as an event. Pool → host:
// one command per line on the host's stdin; the host treats the end of stdin as the pool's death.

/** The header the pool adds to each request so the host can attribute EdgeRuntime.waitUntil work
 * to it (the function sees it too, as it sees the headers hosted's gateway adds). */
export const requestIdHeader = "x-stack-request-id";

/** Why the runtime is about to end a worker, as hosted edge-runtime names it in
 * `beforeunload`'s `event.detail.reason` (its WillTerminateReason, snake_case). */
export type UnloadReason = "cpu" | "memory" | "wall_clock" | "early_drop" | "termination";

export type HostEvent =
  | { t: "listening"; port: number }
  /** Pending EdgeRuntime.waitUntil promises registered while handling request `req` ("" = at boot). */
  | { t: "background"; req: string; pending: number }
  /** The handler of request `req` has returned (or thrown): later background events are its. */
  | { t: "responded"; req: string }
  /** V8 heap used + external memory, what hosted's supervisor measures (bytes). */
  | { t: "memory"; heap: number; external: number };

export type PoolCommand =
  /** Dispatch `beforeunload` with this reason; the host keeps running. */
  | { c: "beforeunload"; reason: UnloadReason }
  /** Dispatch `beforeunload`, then exit (Deno.exit dispatches `unload`). */
  | { c: "shutdown"; reason: UnloadReason };

const marker = "\u001e@stack-host";

export function encodeEvent(nonce: string, e: HostEvent): string {
  return `${marker}:${nonce} ${JSON.stringify(e)}\n`;
}

/** The event on a line of host output, or null for the function's own output. */
export function decodeEvent(nonce: string, line: string): HostEvent | null {
  const prefix = `${marker}:${nonce} `;
  if (!line.startsWith(prefix)) return null;
  try {
    return JSON.parse(line.slice(prefix.length)) as HostEvent;
  } catch {
    return null;
  }
}

export const encodeCommand = (c: PoolCommand) => JSON.stringify(c) + "\n";

export function decodeCommand(line: string): PoolCommand | null {
  try {
    const c = JSON.parse(line);
    return c && (c.c === "beforeunload" || c.c === "shutdown") && typeof c.reason === "string" ? c : null;
  } catch {
    return null;
  }
}
