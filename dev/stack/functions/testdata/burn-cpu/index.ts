// Keeps the CPU busy for ?ms= milliseconds of wall time in one synchronous stretch, then answers;
// with ?background=1 it answers first and burns in EdgeRuntime.waitUntil work.
declare const EdgeRuntime: { waitUntil<T>(p: Promise<T>): Promise<T> };

function burn(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

Deno.serve((req) => {
  const params = new URL(req.url).searchParams;
  const ms = Number(params.get("ms") ?? "0");
  const headers = { "x-pid": String(Deno.pid) };
  if (params.get("background") === "1") {
    EdgeRuntime.waitUntil(new Promise((r) => setTimeout(r, 50)).then(() => burn(ms)));
    return new Response("accepted", { status: 202, headers });
  }
  return new Response(String(burn(ms)), { headers });
});
