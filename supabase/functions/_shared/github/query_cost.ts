// GitHub's GraphQL cost formula, computed from the document actually sent and its variables: for
// each connection, the number of times it is resolved (the product of its parents' first/last;
// top level 1), summed, divided by 100, rounded, at least 1. A child's own `first` does not
// multiply its cost, only its children's. `nodes(ids: [...])` is no connection (it adds no request)
// but resolves what it selects once per id, so its list length multiplies like a parent's `first`. Without the schema, a connection is a field that takes
// `first`/`last` or selects `nodes`/`edges`/`pageInfo`/`totalCount` — true of every document
// the worker sends (supabase/tests/e2e/engine_query_cost.test.ts checks each against the
// simulator's schema-aware count).
import { type DocumentNode, type FieldNode, parse, type SelectionSetNode, valueFromASTUntyped } from "npm:graphql@16.15.0";

export interface QueryCost {
  /** Sum over connections of the times each is resolved. */
  requests: number;
  /** Points: round(requests / 100), at least 1. */
  points: number;
}

const parsed = new Map<string, DocumentNode>();
const CONNECTION_FIELDS = new Set(["nodes", "edges", "pageInfo", "totalCount"]);

function documentOf(text: string): DocumentNode {
  let doc = parsed.get(text);
  if (!doc) {
    doc = parse(text, { noLocation: true });
    // Documents are module constants; the cap only guards against unbounded generated text.
    if (parsed.size > 200) parsed.clear();
    parsed.set(text, doc);
  }
  return doc;
}

/** The cost GitHub will charge for `document` with `variables` (its first operation). */
export function queryCost(document: string, variables: Record<string, unknown> = {}): QueryCost {
  const doc = documentOf(document);
  const fragments = new Map<string, SelectionSetNode>();
  let operation: SelectionSetNode | null = null;
  for (const def of doc.definitions) {
    if (def.kind === "FragmentDefinition") fragments.set(def.name.value, def.selectionSet);
    else if (def.kind === "OperationDefinition" && !operation) operation = def.selectionSet;
  }
  if (!operation) throw new Error("queryCost: the document has no operation");

  const size = (field: FieldNode): number | undefined => {
    for (const name of ["first", "last"]) {
      const arg = field.arguments?.find((a) => a.name.value === name);
      const v = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
      if (typeof v === "number") return Math.max(0, Math.min(100, v));
    }
    return undefined;
  };
  const idsCount = (field: FieldNode): number | undefined => {
    if (field.name.value !== "nodes") return undefined;
    const arg = field.arguments?.find((a) => a.name.value === "ids");
    const v = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
    return Array.isArray(v) ? v.length : undefined;
  };
  const isConnection = (field: FieldNode): boolean =>
    size(field) !== undefined ||
    (field.selectionSet?.selections.some((s) => s.kind === "Field" && CONNECTION_FIELDS.has(s.name.value)) ?? false);

  let requests = 0;
  const walk = (set: SelectionSetNode, multiplier: number, depth: number) => {
    if (depth > 50) throw new Error("queryCost: selections nested deeper than 50 (fragment cycle?)");
    for (const sel of set.selections) {
      if (sel.kind === "InlineFragment") walk(sel.selectionSet, multiplier, depth + 1);
      else if (sel.kind === "FragmentSpread") {
        const frag = fragments.get(sel.name.value);
        if (frag) walk(frag, multiplier, depth + 1);
      } else if (sel.selectionSet) {
        const ids = idsCount(sel);
        if (ids !== undefined) {
          walk(sel.selectionSet, multiplier * ids, depth + 1);
        } else if (isConnection(sel)) {
          requests += multiplier;
          walk(sel.selectionSet, multiplier * (size(sel) ?? 0), depth + 1);
        } else {
          walk(sel.selectionSet, multiplier, depth + 1);
        }
      }
    }
  };
  walk(operation, 1, 0);
  return { requests, points: Math.max(1, Math.round(requests / 100)) };
}

/** The operation's name, for logs ("anonymous" when it has none). */
export function operationName(document: string): string {
  for (const def of documentOf(document).definitions) {
    if (def.kind === "OperationDefinition") return def.name?.value ?? "anonymous";
  }
  return "anonymous";
}
