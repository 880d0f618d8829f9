// What a /rest/v1 request asks for, read the way PostgREST reads it: query parameters split into
// select, order, limit/offset, and/or trees, filters and (for GET /rpc) function arguments; the
// `Range` header; `Prefer`; the `Accept` media type.
import { invalidRange, notEmbedded, unacceptableMediaType } from "./errors.ts";
import {
  type Filter,
  type Logic,
  type OrderTerm,
  parseFilterValue,
  parseLogic,
  parseOrder,
  parseSelect,
  type SelectItem,
} from "./grammar.ts";

export interface Range {
  offset: number;
  /** Rows at most; null = no limit. */
  limit: number | null;
}

export interface ReadQuery {
  select: SelectItem[];
  where: Logic[];
  order: OrderTerm[];
  range: Range;
  /** GET /rpc: parameters without an operator are the function's arguments. */
  args: Record<string, string>;
}

const reserved = new Set(["select", "columns", "on_conflict"]);
const lastWord = (k: string) => k.split(".").pop()!;

export function parseQuery(params: URLSearchParams, rangeHeader: string | null, rpcRead: boolean): ReadQuery {
  const q: ReadQuery = { select: [{ kind: "star" }], where: [], order: [], range: { offset: 0, limit: null }, args: {} };
  let limit: string | undefined;
  let offset: string | undefined;
  for (const [key, value] of params) {
    if (key === "apikey") continue; // the gateway's, as on Supabase
    if (key === "select") q.select = parseSelect(value);
    else if (reserved.has(key)) continue;
    else if (value === "") continue;
    else if (lastWord(key) === "order") q.order.push(...parseOrder(key, value));
    else if (key === "limit") limit = value;
    else if (key === "offset") offset = value;
    else if (lastWord(key) === "limit" || lastWord(key) === "offset") throw notEmbedded(key.split(".")[0]);
    else if (lastWord(key) === "and" || lastWord(key) === "or") q.where.push(parseLogic(key, value));
    else if (rpcRead && !looksLikeFilter(value)) q.args[key] = value;
    else q.where.push({ kind: "filter", filter: parseFilterValue(key, value) });
  }
  q.range = topLevelRange(rangeHeader, limit, offset);
  return q;
}

/** For GET /rpc a value that does not parse as `op.value` is an argument, as in PostgREST. */
function looksLikeFilter(value: string): boolean {
  try {
    parseFilterValue("x", value);
    return true;
  } catch {
    return false;
  }
}

/** The intersection of the `Range` header and limit/offset, PostgREST's top-level range. */
export function topLevelRange(header: string | null, limitParam?: string, offsetParam?: string): Range {
  let lower = 0;
  let upper = Infinity;
  const m = header ? /^(?:items=)?(\d+)-(\d*)$/.exec(header.trim()) : null;
  if (m) {
    lower = Number(m[1]);
    upper = m[2] === "" ? Infinity : Number(m[2]);
    if (upper < lower) {
      throw invalidRange("The lower boundary must be lower than or equal to the upper boundary in the Range header.");
    }
  }
  const limit = limitParam !== undefined && /^-?\d+$/.test(limitParam) ? Number(limitParam) : undefined;
  const offset = offsetParam !== undefined && /^\d+$/.test(offsetParam) ? Number(offsetParam) : 0;
  if (limit !== undefined && limit < 0) throw invalidRange("Limit should be greater than or equal to zero.");
  if (limit !== undefined || offset > 0) {
    const qUpper = limit === undefined ? Infinity : offset + limit - 1;
    lower = Math.max(lower, offset);
    upper = Math.min(upper, qUpper);
  }
  const rows = upper === Infinity ? null : Math.max(0, upper - lower + 1);
  return { offset: lower, limit: rows };
}

/** db-max-rows: no request reads more than that many rows. */
export function restrictRange(r: Range, maxRows: number | null): Range {
  if (maxRows === null) return r;
  return { offset: r.offset, limit: r.limit === null ? maxRows : Math.min(r.limit, maxRows) };
}

export interface Preferences {
  count: "exact" | "planned" | "estimated" | null;
  returnRepresentation: boolean;
  /** Upsert: `resolution=merge-duplicates` / `ignore-duplicates`. */
  resolution: "merge" | "ignore" | null;
}

export function parsePrefer(headers: Headers): Preferences {
  // Several Prefer headers arrive joined by ", " (postgrest-js appends one per preference).
  const values = (headers.get("prefer") ?? "").split(",").map((s) => s.trim());
  const count = values.find((v) => /^count=(exact|planned|estimated)$/.test(v))?.slice(6) as Preferences["count"];
  const resolution = values.includes("resolution=merge-duplicates") ? "merge"
    : values.includes("resolution=ignore-duplicates") ? "ignore"
    : null;
  return { count: count ?? null, returnRepresentation: values.includes("return=representation"), resolution };
}

export interface MediaType {
  singular: boolean;
  stripNulls: boolean;
  contentType: string;
}

/** The `Accept` header's JSON flavour: array (default) or PostgREST's single object. */
export function negotiate(accept: string | null): MediaType {
  const alternatives = (accept ?? "*/*").split(",").map((s) => s.trim()).filter(Boolean);
  for (const alt of alternatives) {
    const [type, ...params] = alt.split(";").map((s) => s.trim().toLowerCase());
    const stripNulls = params.includes("nulls=stripped");
    if (type === "application/vnd.pgrst.object+json" || type === "application/vnd.pgrst.object") {
      return { singular: true, stripNulls, contentType: "application/vnd.pgrst.object+json; charset=utf-8" };
    }
    if (type === "application/vnd.pgrst.array+json") {
      return { singular: false, stripNulls, contentType: "application/vnd.pgrst.array+json; charset=utf-8" };
    }
    if (["application/json", "*/*", "application/*"].includes(type)) {
      return { singular: false, stripNulls: false, contentType: "application/json; charset=utf-8" };
    }
  }
  throw unacceptableMediaType(accept ?? "");
}

export type { Filter, Logic, OrderTerm, SelectItem };
