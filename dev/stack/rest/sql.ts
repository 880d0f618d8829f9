// SQL text for a parsed request, built the way PostgREST builds it: identifiers quoted (and
// checked against the catalog's columns before they are), every value from the URL a bind
// parameter of unknown type so PostgreSQL casts it to the column's type.
import { columnNotFound } from "./errors.ts";
import type { Field, Filter, Logic, OrderTerm, SelectItem } from "./grammar.ts";
import type { Range } from "./request.ts";

export class Params {
  readonly values: string[] = [];
  add(v: string): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export function ident(name: string): string {
  if (name.includes("\0")) throw new Error(`identifier ${JSON.stringify(name)} contains a NUL byte`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** The columns a request may name, and how PostgreSQL would name the relation in an error. */
export interface Scope {
  qualifier: string;
  relationName: string;
  columns: Map<string, string>;
}

function fieldSql(f: Field, s: Scope, p: Params): string {
  if (!s.columns.has(f.name)) throw columnNotFound(s.relationName, f.name);
  let out = `${s.qualifier}.${ident(f.name)}`;
  for (const step of f.path) {
    out += typeof step.key === "number" ? `${step.arrow}${p.add(String(step.key))}::int`
      : `${step.arrow}${p.add(step.key)}::text`;
  }
  return out;
}

export function selectSql(items: SelectItem[], s: Scope, p: Params): string {
  return items.map((it) => {
    if (it.kind === "star") return `${s.qualifier}.*`;
    const last = it.field.path[it.field.path.length - 1];
    const name = it.alias ?? (last ? String(last.key) : it.field.name);
    const expr = fieldSql(it.field, s, p) + (it.cast ? `::${ident(it.cast)}` : "");
    return `${expr} as ${ident(name)}`;
  }).join(", ");
}

/** PostgREST's array literal for `in.(…)`: every element double-quoted. */
export function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
}

const quantSql: Record<string, string> = {
  eq: "=", gte: ">=", gt: ">", lte: "<=", lt: "<", like: "like", ilike: "ilike", match: "~", imatch: "~*",
};
const simpleSql: Record<string, string> = {
  neq: "<>", cs: "@>", cd: "<@", ov: "&&", sl: "<<", sr: ">>", nxr: "&<", nxl: "&>", adj: "-|-",
};
const ftsSql: Record<string, string> = {
  fts: "to_tsquery", plfts: "plainto_tsquery", phfts: "phraseto_tsquery", wfts: "websearch_to_tsquery",
};
const isSql: Record<string, string> = {
  null: "is null", not_null: "is not null", true: "is true", false: "is false", unknown: "is unknown",
};

export function filterSql(f: Filter, s: Scope, p: Params): string {
  const col = fieldSql(f.field, s, p);
  const op = f.op;
  let expr: string;
  switch (op.kind) {
    case "quant": {
      const like = op.op === "like" || op.op === "ilike";
      const value = like ? op.value.replaceAll("*", "%") : op.value;
      expr = op.quant ? `${col} ${quantSql[op.op]} ${op.quant}(${p.add(value)})`
        : `${col} ${quantSql[op.op]} ${p.add(value)}`;
      break;
    }
    case "simple":
      expr = `${col} ${simpleSql[op.op]} ${p.add(op.value)}`;
      break;
    case "in":
      expr = `${col} = any(${p.add(arrayLiteral(op.values))})`;
      break;
    case "is":
      expr = `${col} ${isSql[op.value]}`;
      break;
    case "isdistinct":
      expr = `${col} is distinct from ${p.add(op.value)}`;
      break;
    case "fts":
      expr = op.lang ? `${col} @@ ${ftsSql[op.op]}(${p.add(op.lang)}::regconfig, ${p.add(op.value)})`
        : `${col} @@ ${ftsSql[op.op]}(${p.add(op.value)})`;
      break;
  }
  return f.negate ? `not (${expr})` : expr;
}

export function logicSql(l: Logic, s: Scope, p: Params): string {
  if (l.kind === "filter") return filterSql(l.filter, s, p);
  const inner = l.children.map((c) => logicSql(c, s, p)).join(` ${l.op} `);
  return l.negate ? `not (${inner})` : `(${inner})`;
}

export function whereSql(where: Logic[], s: Scope, p: Params): string {
  return where.length === 0 ? "" : ` where ${where.map((l) => logicSql(l, s, p)).join(" and ")}`;
}

export function orderSql(order: OrderTerm[], s: Scope, p: Params): string {
  if (order.length === 0) return "";
  const terms = order.map((t) =>
    fieldSql(t.field, s, p) + (t.dir ? ` ${t.dir}` : "") + (t.nulls ? ` nulls ${t.nulls}` : "")
  );
  return ` order by ${terms.join(", ")}`;
}

export function rangeSql(r: Range): string {
  return (r.limit === null ? "" : ` limit ${r.limit}`) + (r.offset > 0 ? ` offset ${r.offset}` : "");
}
