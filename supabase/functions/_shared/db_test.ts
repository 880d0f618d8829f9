// The guard connect() installs: a lost-connection rejection nobody awaits (postgres.js's dropped
// array-type lookup) is logged instead of ending the process; any other unhandled rejection still
// ends it.
import assert from "node:assert/strict";
import { connect } from "./db.ts";

function unhandled(reason: unknown): PromiseRejectionEvent {
  const event = new PromiseRejectionEvent("unhandledrejection", { promise: Promise.resolve(), reason, cancelable: true });
  globalThis.dispatchEvent(event);
  return event;
}

Deno.test("after connect(), only lost-connection rejections nobody handles are kept from ending the process", async () => {
  const sql = connect("postgres://nobody@127.0.0.1:1/none", 1); // postgres.js connects on first query
  const warn = console.warn;
  const logged: string[] = [];
  console.warn = (line: string) => logged.push(line);
  try {
    const lost = unhandled(Object.assign(new Error("write CONNECTION_DESTROYED 127.0.0.1:6543"), { code: "CONNECTION_DESTROYED" }));
    assert.equal(lost.defaultPrevented, true);
    assert.match(logged[0], /"event":"db.connection_lost_unhandled","code":"CONNECTION_DESTROYED"/);
    assert.equal(unhandled(Object.assign(new Error("syntax error"), { code: "42601" })).defaultPrevented, false);
    assert.equal(unhandled(new Error("a bug")).defaultPrevented, false);
    assert.equal(logged.length, 1);
  } finally {
    console.warn = warn;
    await sql.end();
  }
});
