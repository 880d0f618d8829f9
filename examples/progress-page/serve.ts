// A small static server for the progress page: its own files, and supabase-js's browser build
// from node_modules (the pinned @supabase/supabase-js, no CDN). Only these paths are served.
//   deno run -A examples/progress-page/serve.ts [--port 54360]
// `npm start` runs it on a terminal and prints the page's address for the demo workspace.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

const FILES: Record<string, { path: string; type: string }> = {
  "/": { path: join(here, "index.html"), type: "text/html; charset=utf-8" },
  "/index.html": { path: join(here, "index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { path: join(here, "app.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { path: join(here, "style.css"), type: "text/css; charset=utf-8" },
  "/vendor/supabase.js": {
    path: join(root, "node_modules", "@supabase", "supabase-js", "dist", "umd", "supabase.js"),
    type: "text/javascript; charset=utf-8",
  },
};

export interface ProgressPageServer {
  url: string;
  /** The page for one workspace: API and publishable/anon key in the query, the user's access
   * token in the fragment (never sent to this server or kept in its logs). */
  urlFor(workspaceId: string, accessToken: string): string;
  close(): Promise<void>;
}

export function serveProgressPage(opts: { apiUrl: string; anonKey: string; port?: number; hostname?: string }): ProgressPageServer {
  const hostname = opts.hostname ?? "127.0.0.1";
  const server = Deno.serve({ port: opts.port ?? 0, hostname, onListen: () => {} }, async (req) => {
    const file = FILES[new URL(req.url).pathname];
    if (req.method !== "GET" || !file) return new Response("not found\n", { status: 404 });
    try {
      return new Response(await Deno.readFile(file.path), {
        headers: { "content-type": file.type, "cache-control": "no-store" },
      });
    } catch (e) {
      const hint = file.path.includes("node_modules") ? " (run `bash dev/ensure-deps.sh` to install the npm packages)" : "";
      return new Response(`cannot read ${file.path}: ${(e as Error).message}${hint}\n`, { status: 500 });
    }
  });
  const url = `http://${hostname}:${(server.addr as Deno.NetAddr).port}`;
  return {
    url,
    urlFor(workspaceId, accessToken) {
      const q = new URLSearchParams({ api: opts.apiUrl, key: opts.anonKey, workspace: workspaceId });
      return `${url}/?${q}#${new URLSearchParams({ access_token: accessToken })}`;
    },
    close: () => server.shutdown(),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string", default: "54360" } } });
  const apiUrl = Deno.env.get("API_URL") ?? "http://127.0.0.1:54321";
  const anonKey = Deno.env.get("ANON_KEY") ?? "";
  const s = serveProgressPage({ apiUrl, anonKey, port: Number(values.port) });
  console.log(`progress page on ${s.url}/?api=${apiUrl}&key=<ANON_KEY>&workspace=<uuid>#access_token=<token>`);
}
