// /rpc/<fn>: choosing the function PostgREST would call for the given argument names, and the
// statement that calls it with named arguments (values through json_to_record, typed by the
// catalog's parameter types) and treats its result like a table for select/filters/order/range.
import type { Routine } from "./catalog.ts";
import { notImplemented, PgrstError } from "./errors.ts";
import { bodySql, type Statement } from "./read.ts";
import type { MediaType, ReadQuery } from "./request.ts";
import { ident, orderSql, Params, rangeSql, type Scope, selectSql, whereSql } from "./sql.ts";

const isJsonType = (t: string) => t === "json" || t === "jsonb";

function singleUnnamedJson(r: Routine): boolean {
  return r.params.length === 1 && r.params[0].name === "" && isJsonType(r.params[0].type);
}

function accepts(r: Routine, keys: string[], post: boolean): boolean {
  if (post && singleUnnamedJson(r)) return true;
  const names = new Set(r.params.map((p) => p.name));
  return keys.every((k) => names.has(k)) && r.params.every((p) => !p.required || keys.includes(p.name));
}

/** PostgREST's findProc: exactly one function of that name must take these argument names. */
export function chooseRoutine(schema: string, fn: string, routines: Routine[], keys: string[], post: boolean): Routine {
  const matching = routines.filter((r) => accepts(r, keys, post));
  if (matching.length === 1) return matching[0];
  if (matching.length > 1) {
    const list = matching.map((r) =>
      `${schema}.${fn}(${r.params.map((p) => `${p.name} => ${p.type}`).join(", ")})`
    ).join(", ");
    throw new PgrstError(300, "PGRST203", `Could not choose the best candidate function between: ${list}`, null,
      "Try renaming the parameters or the function itself in the database so function overloading can be resolved");
  }
  const sorted = [...keys].sort();
  const func = `${schema}.${fn}`;
  const params = sorted.length === 0 ? " without parameters" : `(${sorted.join(", ")})`;
  const searched = sorted.length === 0 ? " without parameters"
    : ` with parameter${sorted.length > 1 ? "s" : ""} ${sorted.join(", ")}`;
  const details = `Searched for the function ${func}${searched}${post ? " or with a single unnamed json/jsonb parameter" : ""}` +
    ", but no matches were found in the schema cache.";
  const overloads = routines.map((r) => `(${r.params.map((p) => p.name).sort().join(", ")})`);
  const hint = overloads.length > 0 ? `Perhaps you meant to call the function ${func}${overloads[0]}` : null;
  throw new PgrstError(404, "PGRST202", `Could not find the function ${func}${params} in the schema cache`, details, hint);
}

function callSql(r: Routine, args: Record<string, unknown>, post: boolean, p: Params): string {
  const fn = `${ident(r.schema)}.${ident(r.name)}`;
  const scalar = r.returns === "scalar" || r.returns === "setof_scalar";
  const wrap = (call: string) => (scalar ? `(select ${call} as pgrst_scalar) pgrst_call` : `${call} pgrst_call`);
  if (post && singleUnnamedJson(r)) {
    return `from ${wrap(`${fn}(${p.add(JSON.stringify(args))}::text::${r.params[0].type})`)}`;
  }
  const given = r.params.filter((prm) => prm.name in args);
  if (given.length === 0) return `from ${wrap(`${fn}()`)}`;
  const record = given.map((prm) => `${ident(prm.name)} ${prm.type}`).join(", ");
  const named = given.map((prm) =>
    `${prm.variadic ? "variadic " : ""}${ident(prm.name)} := pgrst_body.${ident(prm.name)}`
  ).join(", ");
  const values = Object.fromEntries(given.map((prm) => [prm.name, args[prm.name]]));
  return `from json_to_record(${p.add(JSON.stringify(values))}::text::json) as pgrst_body(${record}), ` +
    `lateral ${wrap(`${fn}(${named})`)}`;
}

export function callStatement(
  r: Routine,
  args: Record<string, unknown>,
  q: ReadQuery,
  media: MediaType,
  count: boolean,
  post: boolean,
): Statement {
  const scalar = r.returns === "scalar" || r.returns === "setof_scalar";
  if (scalar && (q.select.some((s) => s.kind !== "star") || q.order.length > 0 || q.where.length > 0)) {
    throw notImplemented(`select, filters or order on the scalar result of ${r.schema}.${r.name}`);
  }
  const p = new Params();
  const scope: Scope = { qualifier: "pgrst_call", relationName: "pgrst_call", columns: r.columns };
  const from = callSql(r, args, post, p);
  const columns = r.returns === "void" ? "1" : scalar ? "pgrst_call.pgrst_scalar" : selectSql(q.select, scope, p);
  const filtered = `${from}${whereSql(q.where, scope, p)}`;
  const source = `select ${columns} ${filtered}${orderSql(q.order, scope, p)}${rangeSql(q.range)}`;
  const single = r.returns === "composite" || r.returns === "scalar";
  const element = scalar ? "_postgrest_t.pgrst_scalar" : "_postgrest_t";
  const body = r.returns === "void" ? "''" : bodySql(media, element, single);
  // The count re-runs the call: acceptable for the functions a client counts (set-returning reads).
  const total = count ? `(select pg_catalog.count(*) from (select 1 ${rebuild(r, args, post, q, scope, p)}) _c)`
    : "null::bigint";
  const text = `with pgrst_source as (${source}) ` +
    `select ${total} as total, ${single ? "1" : "pg_catalog.count(_postgrest_t)"} as page_total, ` +
    `(${body})::text as body from (select * from pgrst_source) _postgrest_t`;
  return { text, params: p.values };
}

function rebuild(r: Routine, args: Record<string, unknown>, post: boolean, q: ReadQuery, s: Scope, p: Params) {
  return `${callSql(r, args, post, p)}${whereSql(q.where, s, p)}`;
}
