// ?mode=sync: fills the V8 heap in one synchronous loop. ?mode=async: holds 8 MB ArrayBuffers
// (external memory), one every 50 ms (so the host's 100 ms reports see it pass half of a 64 MB
// limit before the whole of it), until the process is ended. ?mode=limits: answers
// V8's heap statistics and allocates nothing.
import v8 from "node:v8";

const kept: unknown[] = [];
Deno.serve(async (req) => {
  const mode = new URL(req.url).searchParams.get("mode");
  if (mode === "limits") return Response.json(v8.getHeapStatistics());
  if (mode === "sync") {
    while (true) kept.push(new Array(100_000).fill(0).map((_, i) => `item ${i}`));
  }
  while (true) {
    kept.push(new Uint8Array(8 << 20).fill(1));
    await new Promise((r) => setTimeout(r, 50));
  }
});
