// Cases from PostgREST's own doctests (src/library/PostgREST/ApiRequest/QueryParams.hs), so the
// stand-in reads query strings as PostgREST does.
import assert from "node:assert/strict";
import { PgrstError } from "./errors.ts";
import { parseFilterValue, parseLogic, parseOrder, parseSelect, parseTreePath } from "./grammar.ts";

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as PgrstError).code;
  }
  return "no error";
};

Deno.test("field names: spaces trimmed, dashes joined, quotes for anything else", () => {
  for (const [input, name] of [
    ["identifier with spaces", "identifier with spaces"], ["identifier-with-dashes", "identifier-with-dashes"],
    ["123", "123"], ["_", "_"], ["$", "$"], ['":"', ":"], [" no leading or trailing spaces ", "no leading or trailing spaces"],
    ['" leading and trailing spaces "', " leading and trailing spaces "],
  ]) {
    assert.equal(parseTreePath(input).field.name, name, input);
  }
  assert.equal(code(() => parseTreePath(":")), "PGRST100");
});

Deno.test("JSON paths: keys, indexes and the end of a path", () => {
  assert.deepEqual(parseTreePath("c->text").field.path, [{ arrow: "->", key: "text" }]);
  assert.deepEqual(parseTreePath("c->!@#$%^&*_a").field.path, [{ arrow: "->", key: "!@#$%^&*_a" }]);
  assert.deepEqual(parseTreePath("c->>1").field.path, [{ arrow: "->>", key: 1 }]);
  assert.deepEqual(parseOrder("order", "c->0.desc")[0].field.path, [{ arrow: "->", key: 0 }]);
});

Deno.test("select items: alias, JSON path, cast; embedding and aggregates are refused", () => {
  assert.deepEqual(parseSelect("alias:name->jsonpath::cast"), [
    { kind: "field", field: { name: "name", path: [{ arrow: "->", key: "jsonpath" }] }, alias: "alias", cast: "cast" },
  ]);
  assert.deepEqual(parseSelect("*"), [{ kind: "star" }]);
  assert.deepEqual(parseSelect(""), [{ kind: "star" }]);
  assert.equal(code(() => parseSelect("*,client(*,nested(*))")), "PGRST127");
  assert.equal(code(() => parseSelect("*,...client(*)")), "PGRST127");
  assert.equal(code(() => parseSelect("amount.sum()")), "PGRST123");
  assert.equal(code(() => parseSelect("name::")), "PGRST100");
});

Deno.test("order terms: direction and nulls; bad words are parse errors", () => {
  assert.deepEqual(parseOrder("order", "name.desc.nullsfirst"), [
    { field: { name: "name", path: [] }, dir: "desc", nulls: "first" },
  ]);
  assert.deepEqual(parseOrder("order", "json_col->key.asc.nullslast"), [
    { field: { name: "json_col", path: [{ arrow: "->", key: "key" }] }, dir: "asc", nulls: "last" },
  ]);
  for (const bad of ["id.ac", "id.descc", "id.nulsfist", "id.nullslasttt", "id.asc.nlsfst"]) {
    assert.equal(code(() => parseOrder("order", bad)), "PGRST100", bad);
  }
  assert.equal(code(() => parseOrder("order", "clients(name)")), "PGRST127");
});

Deno.test("filters: operators, not, quantifiers, lists, is, full-text search", () => {
  assert.deepEqual(parseFilterValue("id", "eq.1").op, { kind: "quant", op: "eq", quant: undefined, value: "1" });
  assert.deepEqual(parseFilterValue("id", "not.in.(1,\"a,b\")"), {
    field: { name: "id", path: [] }, negate: true, op: { kind: "in", values: ["1", "a,b"] },
  });
  assert.deepEqual(parseFilterValue("t", "like(any).{a*,b*}").op, { kind: "quant", op: "like", quant: "any", value: "{a*,b*}" });
  assert.deepEqual(parseFilterValue("t", "is.NULL").op, { kind: "is", value: "null" });
  assert.deepEqual(parseFilterValue("t", "fts(english).cat & dog").op, { kind: "fts", op: "fts", lang: "english", value: "cat & dog" });
  assert.equal(code(() => parseFilterValue("id", "noop.0")), "PGRST100");
  assert.equal(code(() => parseFilterValue("id", "val")), "PGRST100");
  assert.equal(code(() => parseFilterValue("clients.id", "eq.1")), "PGRST108");
});

Deno.test("and/or trees nest and keep quoted commas", () => {
  assert.deepEqual(parseLogic("or", '(a.eq.1,and(b.gt.2,c.not.eq."x,y"))'), {
    kind: "tree", op: "or", negate: false, children: [
      { kind: "filter", filter: { field: { name: "a", path: [] }, negate: false, op: { kind: "quant", op: "eq", quant: undefined, value: "1" } } },
      { kind: "tree", op: "and", negate: false, children: [
        { kind: "filter", filter: { field: { name: "b", path: [] }, negate: false, op: { kind: "quant", op: "gt", quant: undefined, value: "2" } } },
        { kind: "filter", filter: { field: { name: "c", path: [] }, negate: true, op: { kind: "quant", op: "eq", quant: undefined, value: "x,y" } } },
      ] },
    ],
  });
  assert.deepEqual(parseLogic("not.and", "(a.eq.1)"), { ...parseLogic("and", "(a.eq.1)"), negate: true });
  assert.equal(code(() => parseLogic("or", "()")), "PGRST100");
  assert.equal(code(() => parseLogic("or", "(id.in.1,2,id.eq.3)")), "PGRST100");
});
