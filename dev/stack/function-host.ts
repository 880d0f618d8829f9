// Hosts ONE edge function in its own Deno process, the way Supabase's edge runtime gives each
// function its own isolate: the function's index.ts calls `Deno.serve(handler)` as usual; here
// that call is pointed at an ephemeral loopback port, which is printed for the gateway.
// usage: deno run -A dev/stack/function-host.ts <function-name>
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { projectRoot } from "./config.ts";

const name = Deno.args[0];
if (!name || !/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
  console.error(`function-host: bad function name ${JSON.stringify(name)}`);
  Deno.exit(2);
}

type Handler = (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>;
const realServe = Deno.serve.bind(Deno);
let served = false;

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
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(`LISTENING ${port}`),
  }, handler);
};

await import(pathToFileURL(join(projectRoot, "supabase", "functions", name, "index.ts")).href);
if (!served) {
  console.error(`function ${name} did not call Deno.serve when loaded`);
  Deno.exit(1);
}
