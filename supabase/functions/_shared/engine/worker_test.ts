import { deepEqual as assertEquals } from "node:assert/strict";
import { isTransientDbError, stripNul } from "./worker.ts";

function pgError(code: string): Error {
  return Object.assign(new Error(`error ${code}`), { name: "PostgresError", code });
}

Deno.test("isTransientDbError() retries serialization failures, deadlocks and lost connections only", () => {
  for (const code of ["40001", "40P01", "08006", "57P01", "53300", "CONNECTION_CLOSED", "ECONNREFUSED"]) {
    assertEquals(isTransientDbError(pgError(code)), true, code);
  }
  for (const code of ["22003", "22P05", "23505", "42883", "P0001"]) {
    assertEquals(isTransientDbError(pgError(code)), false, code);
  }
  assertEquals(isTransientDbError(new Error("no code")), false);
});

Deno.test("stripNul() removes NUL from every string of nested rows and keeps the rest", () => {
  assertEquals(
    stripNul({ pull_requests: [{ id: 1, body: "a\u0000b", labels: ["x\u0000"], merged_at: null }], n: 2 }),
    { pull_requests: [{ id: 1, body: "ab", labels: ["x"], merged_at: null }], n: 2 },
  );
});
