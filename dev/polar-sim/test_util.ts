/** Shared helpers for the Polar simulator's tests. */
import { createPolar } from "npm:@polar-sh/sdk@1.0.1/2026-10";
import { createPolarSimulator, DEFAULT_ACCESS_TOKEN, type PolarSimulatorOptions } from "./mod.ts";

export const WORKSPACE_ID = "7b0c2a4e-1f53-4d8e-9a61-3c2b5e8f9d10";
export const BUYER_ID = "0a9f8e7d-6c5b-4a39-8877-665544332211";
export const ADDON = "ed348547-4256-4eab-a959-5c7f1bf91eb9";

/** A simulator listening on a free port, and the real SDK pointed at it. */
export function listeningSimulator(options: PolarSimulatorOptions = {}) {
  const sim = createPolarSimulator(options);
  const server = sim.listen({ port: 0 });
  const polar = createPolar({ accessToken: DEFAULT_ACCESS_TOKEN, baseUrl: server.url });
  return {
    sim,
    server,
    polar,
    [Symbol.asyncDispose]: () => server.close(),
  };
}

export interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A webhook endpoint on a free port that records every POST and answers `status()`. */
export function webhookReceiver(status: () => number = () => 200) {
  const received: Received[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    received.push({ headers: Object.fromEntries(req.headers), body: await req.text() });
    return new Response(null, { status: status() });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/hook`,
    received,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
