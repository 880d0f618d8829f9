// GET/HEAD on a table or view, as PostgREST's mainRead builds it: the rows in a CTE, the page
// count, the total when `Prefer: count=…` asks for it, and the JSON body aggregated in SQL.
import type { Relation } from "./catalog.ts";
import type { MediaType, ReadQuery } from "./request.ts";
import { ident, orderSql, Params, rangeSql, type Scope, selectSql, whereSql } from "./sql.ts";

export interface Statement {
  text: string;
  params: string[];
}

/** The JSON body expression over `_postgrest_t`, PostgREST's asJsonF / asJsonSingleF. */
export function bodySql(media: MediaType, element = "_postgrest_t", single = false): string {
  const strip = (s: string) => (media.stripNulls ? `json_strip_nulls(${s})` : s);
  return media.singular || single
    ? `coalesce(${strip(`json_agg(${element})->0`)}, 'null')`
    : `coalesce(${strip(`json_agg(${element})`)}, '[]')`;
}

export function readStatement(rel: Relation, q: ReadQuery, media: MediaType, count: boolean): Statement {
  const p = new Params();
  const from = `${ident(rel.schema)}.${ident(rel.name)}`;
  const scope: Scope = { qualifier: from, relationName: rel.name, columns: rel.columns };
  const source = `select ${selectSql(q.select, scope, p)} from ${from}${whereSql(q.where, scope, p)}` +
    `${orderSql(q.order, scope, p)}${rangeSql(q.range)}`;
  const total = count ? `(select pg_catalog.count(*) from (select 1 from ${from}${whereSql(q.where, scope, p)}) _c)`
    : "null::bigint";
  const text = `with pgrst_source as (${source}) ` +
    `select ${total} as total, pg_catalog.count(_postgrest_t) as page_total, ` +
    `(${bodySql(media)})::text as body from (select * from pgrst_source) _postgrest_t`;
  return { text, params: p.values };
}
