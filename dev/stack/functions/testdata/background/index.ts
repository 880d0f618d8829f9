// Answers 202 at once and leaves its work to EdgeRuntime.waitUntil: it asks ?callback= for a go
// (GET <callback>/go, answered when the test releases it), then POSTs "done" to <callback>/done.
// beforeunload reasons are POSTed to <callback>/beforeunload.
declare const EdgeRuntime: { waitUntil<T>(p: Promise<T>): Promise<T> };
let callback = "";
addEventListener("beforeunload", (e) => {
  const reason = (e as CustomEvent).detail?.reason;
  if (callback) fetch(`${callback}/beforeunload`, { method: "POST", body: String(reason) }).catch(() => {});
});
Deno.serve((req) => {
  callback = new URL(req.url).searchParams.get("callback") ?? "";
  EdgeRuntime.waitUntil((async () => {
    await (await fetch(`${callback}/go`)).text();
    await (await fetch(`${callback}/done`, { method: "POST", body: "done" })).text();
  })());
  return new Response("accepted", { status: 202, headers: { "x-pid": String(Deno.pid) } });
});
