// POST (insert, upsert), PATCH (update) and DELETE on a table or view, as PostgREST's mainWrite
// builds them: the JSON body read with json_populate_record(set) typed by the relation's own
// row type, filters from the query string, `RETURNING 1` unless `Prefer: return=representation`
// asks for the rows (so RLS SELECT policies only matter when rows are returned, as in PostgREST).
import type { Relation } from "./catalog.ts";
import { columnNotFound, invalidBody, notImplemented } from "./errors.ts";
import { parseColumns } from "./grammar.ts";
import { bodySql, type Statement } from "./read.ts";
import type { MediaType, Preferences, ReadQuery } from "./request.ts";
import { ident, Params, type Scope, selectSql, whereSql } from "./sql.ts";

export type Mutation = "insert" | "update" | "delete";

function keysOf(body: unknown, mutation: Mutation): string[] {
  const rows = Array.isArray(body) ? body : [body];
  if (rows.some((r) => r === null || typeof r !== "object" || Array.isArray(r))) {
    throw invalidBody("All object keys must match");
  }
  if (mutation === "update" && Array.isArray(body)) throw invalidBody("Bulk update with a JSON array is not supported");
  return [...new Set(rows.flatMap((r) => Object.keys(r as object)))];
}

function checked(rel: Relation, cols: string[]): string[] {
  for (const c of cols) if (!rel.columns.has(c)) throw columnNotFound(rel.name, c);
  return cols;
}

export function mutateStatement(
  rel: Relation,
  mutation: Mutation,
  body: unknown,
  q: ReadQuery,
  params: URLSearchParams,
  prefer: Preferences,
  media: MediaType,
): Statement {
  if (q.order.length > 0 || q.range.limit !== null || q.range.offset > 0) {
    throw notImplemented(`limit/offset/order on ${mutation}`);
  }
  const p = new Params();
  const table = `${ident(rel.schema)}.${ident(rel.name)}`;
  const scope: Scope = { qualifier: table, relationName: rel.name, columns: rel.columns };
  const returning = prefer.returnRepresentation ? ` returning ${table}.*` : " returning 1";
  let dml: string;
  if (mutation === "delete") {
    dml = `delete from ${table}${whereSql(q.where, scope, p)}`;
  } else {
    const given = params.get("columns");
    const cols = checked(rel, given ? parseColumns("columns", given) : keysOf(body, mutation));
    const rows = mutation === "insert" && !Array.isArray(body) ? [body] : body;
    const json = p.add(JSON.stringify(rows));
    if (mutation === "update") {
      if (cols.length === 0) {
        dml = `select from ${table} where false`;
      } else {
        const set = cols.map((c) => `${ident(c)} = pgrst_body.${ident(c)}`).join(", ");
        dml = `update ${table} set ${set} from (select * from json_populate_record(null::${table}, ${json}::text::json)) ` +
          `pgrst_body${whereSql(q.where, scope, p)}`;
      }
    } else {
      dml = cols.length === 0 ? `insert into ${table} default values`
        : `insert into ${table} (${cols.map(ident).join(", ")}) select ${cols.map(ident).join(", ")} ` +
          `from json_populate_recordset(null::${table}, ${json}::text::json)` + conflictSql(rel, cols, params, prefer);
    }
  }
  const outScope: Scope = { qualifier: "pgrst_source", relationName: rel.name, columns: rel.columns };
  const select = prefer.returnRepresentation ? selectSql(q.select, outScope, p) : "1";
  const returned = dml.startsWith("select") ? dml : dml + returning;
  const text = `with pgrst_source as (${returned}) ` +
    `select null::bigint as total, pg_catalog.count(_postgrest_t) as page_total, ` +
    `(${prefer.returnRepresentation ? bodySql(media) : "''"})::text as body ` +
    `from (select ${select} from pgrst_source) _postgrest_t`;
  return { text, params: p.values };
}

/** Upsert: `on_conflict=cols` (default: the primary key) with merge- or ignore-duplicates. */
function conflictSql(rel: Relation, cols: string[], params: URLSearchParams, prefer: Preferences): string {
  if (!prefer.resolution) return "";
  const given = params.get("on_conflict");
  const target = checked(rel, given ? parseColumns("on_conflict", given) : rel.primaryKey);
  if (target.length === 0) throw notImplemented(`an upsert on ${rel.name}, which has no primary key and no on_conflict`);
  const on = ` on conflict (${target.map(ident).join(", ")})`;
  if (prefer.resolution === "ignore") return `${on} do nothing`;
  const set = cols.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(", ");
  return set === "" ? `${on} do nothing` : `${on} do update set ${set}`;
}
