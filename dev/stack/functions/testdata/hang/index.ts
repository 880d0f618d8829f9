// Never answers; with ?stream=1 answers at once with a body that sends one chunk, then nothing.
Deno.serve((req) => {
  if (new URL(req.url).searchParams.get("stream") === "1") {
    const body = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("first chunk")) });
    return new Response(body, { headers: { "x-pid": String(Deno.pid) } });
  }
  return new Promise<Response>(() => {});
});
