// Realtime Authorization for private channels, as Supabase Realtime does it
// (lib/realtime/tenants/authorization.ex): in a transaction that is always rolled back, insert a
// probe row into realtime.messages for the topic and extension 'broadcast' (as the privileged
// connection), then switch to the token's role with realtime.topic, request.jwt.claims,
// request.jwt.claim.sub/role and request.headers set, and see whether RLS lets that role select
// the probe (read) or insert a row of its own (write).
import type postgres from "npm:postgres@3.4.9";
import type { Claims } from "../keys.ts";

export interface AuthorizationContext {
  topic: string;
  claims: Claims;
  headers: Record<string, string>;
}

class Rollback extends Error {
  constructor(readonly value: boolean) {
    super("rollback");
  }
}

async function setConnConfig(tx: postgres.TransactionSql, ctx: AuthorizationContext) {
  const role = String(ctx.claims.role ?? "");
  const sub = ctx.claims.sub === undefined ? "" : String(ctx.claims.sub);
  await tx`select set_config('role', ${role}, true), set_config('realtime.topic', ${ctx.topic}, true),
    set_config('request.jwt.claims', ${JSON.stringify(ctx.claims)}, true),
    set_config('request.jwt.claim.sub', ${sub}, true), set_config('request.jwt.claim.role', ${role}, true),
    set_config('request.headers', ${JSON.stringify(ctx.headers)}, true)`;
}

/** Runs `check` in a transaction that never commits and returns what it found. */
async function probe(sql: postgres.Sql, check: (tx: postgres.TransactionSql) => Promise<boolean>): Promise<boolean> {
  try {
    await sql.begin(async (tx) => {
      throw new Rollback(await check(tx));
    });
  } catch (e) {
    if (e instanceof Rollback) return e.value;
    throw e;
  }
  return false;
}

/** True when RLS on realtime.messages lets the token's role read broadcasts of the topic. */
export async function canRead(sql: postgres.Sql, ctx: AuthorizationContext): Promise<boolean> {
  return await probe(sql, async (tx) => {
    const id = crypto.randomUUID();
    await tx`insert into realtime.messages (id, topic, extension) values (${id}, ${ctx.topic}, 'broadcast')`;
    await setConnConfig(tx, ctx);
    const rows = await tx`select id from realtime.messages where id = ${id}`;
    return rows.length === 1;
  });
}

/** True when RLS lets the token's role insert a broadcast message for the topic. */
export async function canWrite(sql: postgres.Sql, ctx: AuthorizationContext): Promise<boolean> {
  return await probe(sql, async (tx) => {
    await setConnConfig(tx, ctx);
    try {
      await tx.savepoint(async (sp) => {
        await sp`insert into realtime.messages (topic, extension) values (${ctx.topic}, 'broadcast')`;
      });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === "42501") return false;
      throw e;
    }
  });
}
