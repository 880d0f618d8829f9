import { deepEqual as assertEquals } from "node:assert/strict";
import { isTransientDbError } from "./db_errors.ts";

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
