// PostgREST's query-string grammar (src/library/PostgREST/ApiRequest/QueryParams.hs), for the
// parts the local /rest/v1 stand-in implements: field names with JSON paths, filter operators
// with `not.` and quantifiers, `and`/`or` trees, `select` items (column, alias, cast) and `order`
// terms. Embedding and aggregates are recognised so they can be refused with PostgREST's codes.
import { aggregatesNotAllowed, notEmbedded as notEmbeddedError, notImplemented, queryParamError } from "./errors.ts";

export interface JsonStep {
  arrow: "->" | "->>";
  key: string | number;
}
export interface Field {
  name: string;
  path: JsonStep[];
}

export const quantOps = ["eq", "gte", "gt", "lte", "lt", "like", "ilike", "match", "imatch"] as const;
export const simpleOps = ["neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"] as const;
export const ftsOps = ["fts", "plfts", "phfts", "wfts"] as const;
export const isValues = ["null", "not_null", "true", "false", "unknown"] as const;

export type Operation =
  | { kind: "quant"; op: typeof quantOps[number]; quant?: "any" | "all"; value: string }
  | { kind: "simple"; op: typeof simpleOps[number]; value: string }
  | { kind: "in"; values: string[] }
  | { kind: "is"; value: typeof isValues[number] }
  | { kind: "isdistinct"; value: string }
  | { kind: "fts"; op: typeof ftsOps[number]; lang?: string; value: string };

export interface Filter {
  field: Field;
  negate: boolean;
  op: Operation;
}
export type Logic =
  | { kind: "filter"; filter: Filter }
  | { kind: "tree"; op: "and" | "or"; negate: boolean; children: Logic[] };

export type SelectItem = { kind: "star" } | { kind: "field"; field: Field; alias?: string; cast?: string };

export interface OrderTerm {
  field: Field;
  dir?: "asc" | "desc";
  nulls?: "first" | "last";
}

/** A cursor over one parameter value; `fail` raises PostgREST's PGRST100 for it. */
class Cursor {
  pos = 0;
  constructor(readonly text: string, readonly what: string) {}
  get rest() {
    return this.text.slice(this.pos);
  }
  peek(n = 1) {
    return this.text.slice(this.pos, this.pos + n);
  }
  done() {
    return this.pos >= this.text.length;
  }
  eat(s: string): boolean {
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }
  expect(s: string, expecting: string) {
    if (!this.eat(s)) this.fail(expecting);
  }
  skipSpaces() {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }
  fail(expecting: string): never {
    const found = this.done() ? "end of input" : JSON.stringify(this.peek());
    throw queryParamError(`"failed to parse ${this.what} (${this.text})" (line 1, column ${this.pos + 1})`,
      `unexpected ${found} expecting ${expecting}`);
  }
}

const identChar = /[\p{L}\p{N}_ $]/u;

function quoted(c: Cursor): string | null {
  if (!c.eat('"')) return null;
  let out = "";
  while (!c.done() && c.peek() !== '"') {
    if (c.peek() === "\\") c.pos++;
    out += c.peek();
    c.pos++;
  }
  c.expect('"', '"\\""');
  return out;
}

/** Characters matching `ok`, with single dashes (not `->`) joining parts, as PostgREST's sepByDash. */
function dashed(c: Cursor, ok: (ch: string) => boolean): string {
  let out = "";
  while (!c.done()) {
    const ch = c.peek();
    if (ch === "-" && c.peek(2) !== "->" && out !== "") {
      out += ch;
      c.pos++;
    } else if (ch !== "-" && ok(ch)) {
      out += ch;
      c.pos++;
    } else break;
  }
  return out.trim();
}

export function fieldName(c: Cursor): string {
  const q = quoted(c);
  if (q !== null) return q;
  const name = dashed(c, (ch) => identChar.test(ch));
  if (name === "") c.fail("field name (* or [a..z0..9_$])");
  return name;
}

function jsonPath(c: Cursor): JsonStep[] {
  const steps: JsonStep[] = [];
  while (c.peek(2) === "->") {
    const arrow = c.eat("->>") ? "->>" : (c.eat("->"), "->");
    const idx = /^-?\d+(?=->|::|\.|,|\)|$)/.exec(c.rest);
    if (idx) {
      c.pos += idx[0].length;
      steps.push({ arrow, key: Number(idx[0]) });
      continue;
    }
    const q = quoted(c);
    const key = q ?? dashed(c, (ch) => !"(-:.,>)".includes(ch));
    if (key === "") c.fail("a JSON key or index");
    steps.push({ arrow, key });
  }
  return steps;
}

function field(c: Cursor): Field {
  c.skipSpaces();
  const name = fieldName(c);
  const path = jsonPath(c);
  c.skipSpaces();
  return { name, path };
}

/** `rel.col->x` as a filter key: the embed path (before the last dot) and the field. */
export function parseTreePath(key: string): { embed: string[]; field: Field } {
  const c = new Cursor(key, "tree path");
  const names = [fieldName(c)];
  while (c.eat(".")) names.push(fieldName(c));
  const path = jsonPath(c);
  if (!c.done()) c.fail('".", "->" or end of input');
  return { embed: names.slice(0, -1), field: { name: names[names.length - 1], path } };
}

function listValue(c: Cursor): string[] {
  c.skipSpaces();
  c.expect("(", '"("');
  const out: string[] = [];
  do {
    const start = c.pos;
    const q = quoted(c);
    if (q !== null && (c.peek() === "," || c.peek() === ")")) out.push(q);
    else {
      c.pos = start;
      let v = "";
      while (!c.done() && c.peek() !== "," && c.peek() !== ")") v += c.text[c.pos++];
      out.push(v);
    }
  } while (c.eat(","));
  c.expect(")", '")"');
  c.skipSpaces();
  return out;
}

/** A value up to the end (top-level filter) or up to `,`/`)` inside an and/or tree. */
function singleValue(c: Cursor, inTree: boolean): string {
  if (!inTree) {
    const v = c.rest;
    c.pos = c.text.length;
    return v;
  }
  const start = c.pos;
  const q = quoted(c);
  if (q !== null && (c.done() || c.peek() === "," || c.peek() === ")")) return q;
  c.pos = start;
  if (c.peek() === "{") {
    const end = c.text.indexOf("}", c.pos);
    if (end < 0) c.fail('"}"');
    const v = c.text.slice(c.pos, end + 1);
    c.pos = end + 1;
    return v;
  }
  let v = "";
  while (!c.done() && c.peek() !== "," && c.peek() !== ")") v += c.text[c.pos++];
  return v;
}

function operation(c: Cursor, inTree: boolean): Operation {
  const word = /^[a-z_]+/.exec(c.rest)?.[0] ?? "";
  const expecting = "operator (eq, gt, ...)";
  if (word === "in" && c.eat("in.")) return { kind: "in", values: listValue(c) };
  if (word === "is" && c.eat("is.")) {
    const v = singleValue(c, inTree).toLowerCase();
    if (!(isValues as readonly string[]).includes(v)) c.fail("isVal: (null, not_null, true, false, unknown)");
    return { kind: "is", value: v as typeof isValues[number] };
  }
  if (word === "isdistinct" && c.eat("isdistinct.")) return { kind: "isdistinct", value: singleValue(c, inTree) };
  const fts = ftsOps.find((o) => word === o);
  if (fts) {
    c.pos += fts.length;
    let lang: string | undefined;
    if (c.eat("(")) {
      lang = /^[\p{L}\p{N}_]+/u.exec(c.rest)?.[0];
      if (!lang) c.fail("a text search configuration");
      c.pos += lang.length;
      c.expect(")", '")"');
    }
    c.expect(".", "delimiter (.)");
    return { kind: "fts", op: fts, lang, value: singleValue(c, inTree) };
  }
  const simple = simpleOps.find((o) => word === o);
  if (simple) {
    c.pos += simple.length;
    c.expect(".", "delimiter (.)");
    return { kind: "simple", op: simple, value: singleValue(c, inTree) };
  }
  const quant = quantOps.find((o) => word === o);
  if (!quant) c.fail(`"not" or ${expecting}`);
  c.pos += quant.length;
  let q: "any" | "all" | undefined;
  if (c.eat("(any)")) q = "any";
  else if (c.eat("(all)")) q = "all";
  c.expect(".", "delimiter (.)");
  return { kind: "quant", op: quant, quant: q, value: singleValue(c, inTree) };
}

function opExpr(c: Cursor, inTree: boolean): { negate: boolean; op: Operation } {
  const negate = c.eat("not.");
  return { negate, op: operation(c, inTree) };
}

/** The value of a filter parameter (`eq.5`, `not.in.(1,2)`, `fts(english).cat`). */
export function parseFilterValue(key: string, value: string): Filter {
  const { embed, field } = parseTreePath(key);
  if (embed.length > 0) throw notEmbeddedError(embed[0]);
  const c = new Cursor(value, "filter");
  return { field, ...opExpr(c, false) };
}

function logicItems(c: Cursor): Logic[] {
  c.expect("(", '"("');
  const items: Logic[] = [];
  do {
    c.skipSpaces();
    const negate = c.peek(4) === "not." && /^not\.(and|or)\(/.test(c.rest) ? c.eat("not.") : false;
    const tree = /^(and|or)\(/.exec(c.rest);
    if (tree) {
      c.pos += tree[1].length;
      items.push({ kind: "tree", op: tree[1] as "and" | "or", negate, children: logicItems(c) });
      continue;
    }
    const names = [fieldName(c)];
    const path = jsonPath(c);
    c.expect(".", "delimiter (.)");
    items.push({ kind: "filter", filter: { field: { name: names[0], path }, ...opExpr(c, true) } });
  } while (c.eat(","));
  c.skipSpaces();
  c.expect(")", '")" or ","');
  return items;
}

/** `or=(a.eq.1,and(b.gt.2,c.lt.3))`, `not.and=(…)`. */
export function parseLogic(key: string, value: string): Logic {
  const parts = key.split(".");
  const op = parts[parts.length - 1] as "and" | "or";
  const negate = parts[parts.length - 2] === "not";
  const embed = parts.slice(0, parts.length - (negate ? 2 : 1));
  if (embed.length > 0) throw notEmbeddedError(embed[0]);
  const c = new Cursor(value, "logic tree");
  const children = logicItems(c);
  if (!c.done()) c.fail("end of input");
  return { kind: "tree", op, negate, children };
}

export function parseSelect(value: string): SelectItem[] {
  const c = new Cursor(value, "select parameter");
  const items: SelectItem[] = [];
  if (value.trim() === "") return [{ kind: "star" }];
  do {
    c.skipSpaces();
    if (c.eat("*")) {
      c.skipSpaces();
      items.push({ kind: "star" });
      continue;
    }
    if (c.peek(3) === "...") throw notImplemented("Spread embedding (...relation(...) in select)");
    const start = c.pos;
    let alias: string | undefined;
    const first = fieldName(c);
    if (c.peek() === ":" && c.peek(2) !== "::") {
      c.pos++;
      alias = first;
    } else c.pos = start;
    if (/^count\(\)/.test(c.rest)) throw aggregatesNotAllowed();
    const f = field(c);
    if (c.peek() === "(" || c.peek() === "!") {
      throw notImplemented(`Resource embedding ('${f.name}(...)' in select)`);
    }
    let cast: string | undefined;
    if (c.eat("::")) {
      const m = /^[\p{L}\p{N}_ ]+/u.exec(c.rest)?.[0];
      if (m === undefined || m.trim() === "") return c.fail("a type name");
      c.pos += m.length;
      cast = m.trim();
    }
    if (/^\.(sum|avg|count|max|min)\(\)/.test(c.rest)) throw aggregatesNotAllowed();
    c.skipSpaces();
    items.push({ kind: "field", field: f, alias, cast });
  } while (c.eat(","));
  if (!c.done()) c.fail('",", "->", "::" or end of input');
  return items;
}

export function parseOrder(key: string, value: string): OrderTerm[] {
  if (key !== "order") throw notEmbeddedError(key.split(".")[0]);
  const c = new Cursor(value, "order");
  const terms: OrderTerm[] = [];
  do {
    const f = field(c);
    if (c.peek() === "(") throw notImplemented(`Ordering by a related table ('${f.name}(...)' in order)`);
    const term: OrderTerm = { field: f };
    if (c.eat(".asc")) term.dir = "asc";
    else if (c.eat(".desc")) term.dir = "desc";
    if (c.eat(".nullsfirst")) term.nulls = "first";
    else if (c.eat(".nullslast")) term.nulls = "last";
    c.skipSpaces();
    if (!c.done() && c.peek() !== ",") c.fail('"asc", "desc", "nullsfirst", "nullslast", "," or end of input');
    terms.push(term);
  } while (c.eat(","));
  return terms;
}

/** `columns=` and `on_conflict=`: field names, quoted or not, separated by commas. */
export function parseColumns(what: string, value: string): string[] {
  const c = new Cursor(value, `${what} parameter`);
  const out: string[] = [];
  do {
    c.skipSpaces();
    out.push(fieldName(c));
    c.skipSpaces();
  } while (c.eat(","));
  if (!c.done()) c.fail('"," or end of input');
  return out;
}
