/**
 * Latency and fault injection, seeded so a sequential run sees the same faults every time.
 * At most one fault per request, drawn in the order listed in `FaultKind`.
 */
import { mulberry32 } from "./prng.ts";

export interface FaultOptions {
  latencyMs: number;
  jitterMs: number;
  /** Probabilities in [0, 1]. */
  p502: number;
  p504: number;
  /** Hold the connection without answering until the client gives up (or maxHangMs). */
  pHang: number;
  /** Answer with a secondary-limit 403 and retry-after. */
  pSecondary: number;
  /** 200 with a truncated JSON body. */
  pMalformed: number;
  /** GraphQL only: 200 with GitHub's query-timeout error (no `type`, `data: null`); REST
   * requests drawing it are answered normally. */
  pTimeoutError: number;
  maxHangMs: number;
  faultSeed: number;
}

export const FAULT_DEFAULTS: FaultOptions = {
  latencyMs: 0,
  jitterMs: 0,
  p502: 0,
  p504: 0,
  pHang: 0,
  pSecondary: 0,
  pMalformed: 0,
  pTimeoutError: 0,
  maxHangMs: 30_000,
  faultSeed: 7,
};

export type FaultKind = "502" | "504" | "hang" | "secondary" | "malformed" | "timeout_error";

export class Faults {
  private random: () => number;
  constructor(public options: FaultOptions) {
    this.random = mulberry32(options.faultSeed);
  }

  reseed() {
    this.random = mulberry32(this.options.faultSeed);
  }

  latency(): number {
    const { latencyMs, jitterMs } = this.options;
    return latencyMs + (jitterMs ? this.random() * jitterMs : 0);
  }

  draw(): FaultKind | null {
    const o = this.options;
    const r = this.random();
    let edge = 0;
    for (
      const [kind, p] of [["502", o.p502], ["504", o.p504], ["hang", o.pHang], [
        "secondary",
        o.pSecondary,
      ], ["malformed", o.pMalformed], ["timeout_error", o.pTimeoutError]] as [FaultKind, number][]
    ) {
      edge += p;
      if (r < edge) return kind;
    }
    return null;
  }
}

const timeoutBody = (requestId: string) => ({
  data: null,
  errors: [{
    message:
      `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${requestId}\` when reporting this issue.`,
  }],
});

/** GitHub's answer when a query times out on its side. */
export function badGateway(requestId: string): Response {
  return Response.json(timeoutBody(requestId), { status: 502 });
}

/** The same timeout as GitHub also answers it: HTTP 200, an error without a `type`. */
export function timeoutError(requestId: string, headers: Record<string, string>): Response {
  return Response.json(timeoutBody(requestId), { status: 200, headers });
}

export function gatewayTimeout(): Response {
  return new Response(
    "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>\n",
    { status: 504, headers: { "content-type": "text/html" } },
  );
}

/** A 200 whose JSON body is cut in half. */
export async function truncate(response: Response): Promise<Response> {
  const text = await response.text();
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
    status: 200,
    headers,
  });
}
