// Request bodies read with a limit: a declared Content-Length over the limit is refused before
// anything is read, and a streamed body stops being read at the limit, so an unauthenticated
// caller cannot make a function hold more than `maxBytes` of it in memory.

export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number, readonly declaredBytes: number | null) {
    super(declaredBytes === null
      ? `the body exceeds the ${maxBytes}-byte limit`
      : `a body of ${declaredBytes} bytes exceeds the ${maxBytes}-byte limit`);
    this.name = "BodyTooLarge";
  }
}

/** The whole body, or BodyTooLarge once more than `maxBytes` arrive (the rest is not read). */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await req.body?.cancel().catch(() => {});
    throw new BodyTooLarge(maxBytes, Number(declared));
  }
  if (!req.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(maxBytes, null);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
