/** Shared helpers for the simulator's tests. */
import { createSimulator, type Simulator, type SimulatorOptions } from "./mod.ts";

/** A fixed instant so datasets are reproducible in tests. */
export const NOW = Date.parse("2026-12-01T12:00:00Z");

export function testSimulator(options: SimulatorOptions = {}): Simulator {
  return createSimulator({ now: NOW, ...options });
}

export interface GqlAnswer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

export async function gql(
  sim: Simulator,
  query: string,
  variables: Record<string, unknown> = {},
  token = "test-token",
): Promise<GqlAnswer> {
  const response = await sim.fetch("http://sim.test/graphql", {
    method: "POST",
    headers: { authorization: `bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}
