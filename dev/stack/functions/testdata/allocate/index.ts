// ?mode=sync: fills the V8 heap in one synchronous loop. ?mode=async: holds 8 MB ArrayBuffers
// (external memory), one per event-loop turn, until the process is ended.
const kept: unknown[] = [];
Deno.serve(async (req) => {
  if (new URL(req.url).searchParams.get("mode") === "sync") {
    while (true) kept.push(new Array(100_000).fill(0).map((_, i) => `item ${i}`));
  }
  while (true) {
    kept.push(new Uint8Array(8 << 20).fill(1));
    await new Promise((r) => setTimeout(r, 5));
  }
});
