// Hosts ONE edge function in its own Deno process, the way Supabase's edge runtime gives each
// function its own isolate: the function's index.ts calls `Deno.serve(handler)` as usual; here
// that call is pointed at an ephemeral loopback port, reported to the gateway's function pool
// (dev/stack/functions/pool.ts) together with what the pool needs to apply hosted limits:
// pending `EdgeRuntime.waitUntil` work per request and V8 memory use. The host also dispatches
// `beforeunload` (with hosted's `event.detail.reason`) before the runtime ends the process.
// usage: deno run -A dev/stack/function-host.ts <function-name> <entry file> <nonce>
import { AsyncLocalStorage } from "node:async_hooks";
import { pathToFileURL } from "node:url";
import {
  decodeCommand,
  encodeEvent,
  type HostEvent,
  requestIdHeader,
  type UnloadReason,
} from "./functions/protocol.ts";

const [name, entry, nonce] = Deno.args;
if (!name || !/^[a-z0-9][a-z0-9_-]*$/.test(name) || !entry || !nonce) {
  console.error(`function-host: usage: function-host.ts <function-name> <entry file> <nonce>, not ${JSON.stringify(Deno.args)}`);
  Deno.exit(2);
}

const encoder = new TextEncoder();
const emit = (e: HostEvent) => Deno.stdout.writeSync(encoder.encode(encodeEvent(nonce, e)));

// --- EdgeRuntime.waitUntil: background work attributed to the request that started it ---------
const requestContext = new AsyncLocalStorage<string>();
const pending = new Map<string, number>();

function track(req: string, delta: number) {
  const n = (pending.get(req) ?? 0) + delta;
  if (n > 0) pending.set(req, n);
  else pending.delete(req);
  emit({ t: "background", req, pending: n });
}

function waitUntil<T>(work: T): T {
  if (!(work instanceof Promise)) return work; // hosted tracks promises only, and returns its argument
  const req = requestContext.getStore() ?? "";
  track(req, +1);
  work.then(() => track(req, -1), (e) => {
    console.error(`EdgeRuntime.waitUntil: a background task of function ${name} failed:`, e);
    track(req, -1);
  });
  return work;
}

Object.defineProperty(globalThis, "EdgeRuntime", {
  value: Object.freeze({ waitUntil }),
  enumerable: false,
  configurable: false,
  writable: false,
});

// --- memory: V8 heap used + external, reported when it moves or every second ------------------
let lastReported = { at: 0, total: -Infinity };
function reportMemory() {
  const { heapUsed, external } = Deno.memoryUsage();
  const now = Date.now();
  if (Math.abs(heapUsed + external - lastReported.total) < 1 << 20 && now - lastReported.at < 1000) return;
  lastReported = { at: now, total: heapUsed + external };
  emit({ t: "memory", heap: heapUsed, external });
}
Deno.unrefTimer(setInterval(reportMemory, 100));

// --- shutdown: beforeunload (hosted's reasons), then exit; Deno.exit dispatches `unload` ------
function dispatchBeforeUnload(reason: UnloadReason) {
  globalThis.dispatchEvent(new CustomEvent("beforeunload", { cancelable: true, detail: { reason } }));
}

let exiting = false;
function shutdown(reason: UnloadReason) {
  if (exiting) return;
  exiting = true;
  try {
    dispatchBeforeUnload(reason);
  } finally {
    setTimeout(() => Deno.exit(0), 0); // let the handlers' synchronous work and microtasks finish
  }
}

Deno.addSignalListener("SIGTERM", () => shutdown("termination"));

// Commands from the pool; the end of stdin means the gateway is gone: do not outlive it.
(async () => {
  let buf = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    buf += chunk;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const command = decodeCommand(buf.slice(0, i));
      buf = buf.slice(i + 1);
      if (command?.c === "beforeunload") dispatchBeforeUnload(command.reason);
      if (command?.c === "shutdown") shutdown(command.reason);
    }
  }
  shutdown("termination");
})();

// --- Deno.serve, pointed at a loopback port, each request run in its own context -------------
type Handler = (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>;
const realServe = Deno.serve.bind(Deno);
let served = false;

function inRequestContext(handler: Handler): Handler {
  return (req, info) => {
    // Left in the headers: a copy of the request without it would lose its connection's signal.
    const id = req.headers.get(requestIdHeader) ?? "";
    if (!id) return handler(req, info);
    return requestContext.run(id, async () => {
      try {
        return await handler(req, info);
      } finally {
        emit({ t: "responded", req: id });
      }
    });
  };
}

// deno-lint-ignore no-explicit-any
(Deno as any).serve = (...args: any[]) => {
  if (served) throw new Error(`function ${name} called Deno.serve twice`);
  served = true;
  let handler: Handler | undefined;
  // deno-lint-ignore no-explicit-any
  let opts: any = {};
  if (typeof args[0] === "function") handler = args[0];
  else if (typeof args[1] === "function") [opts, handler] = args;
  else {
    opts = args[0] ?? {};
    handler = opts.handler;
  }
  if (!handler) throw new Error(`function ${name} called Deno.serve without a handler`);
  return realServe({
    ...opts,
    handler: undefined,
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => {
      reportMemory();
      emit({ t: "listening", port });
    },
  }, inRequestContext(handler));
};

await import(pathToFileURL(entry).href);
if (!served) {
  console.error(`function ${name} did not call Deno.serve when loaded`);
  Deno.exit(1);
}
