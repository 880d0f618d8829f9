/**
 * Static analysis of a query before execution, by GitHub's published rules
 * (docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api):
 *
 * - every connection that returns `nodes` or `edges` needs `first` or `last`, within 1..100
 *   (0 is accepted, as GitHub does, for totalCount-only reads; a connection that selects only
 *   `totalCount`/`pageInfo` may omit them, as on GitHub);
 * - node count: for each connection, its `first`/`last` times the product of its parents';
 *   at most 500,000;
 * - cost: for each connection, the number of times it is resolved (product of its parents'
 *   `first`/`last`, top level = 1); the sum / 100, rounded, minimum 1.
 *
 * `nodes(ids: [...])`: everything under it is resolved once per id, so the list length multiplies
 * like a parent connection's `first`; it is not a connection itself, so it adds no request of its
 * own, and each id counts as a node (measured on github.com by a public client: 100 ids cost 1
 * point with nodeCount 100). More than 100 ids is refused before execution, without `data`:
 * `{"type": "ARGUMENT_LIMIT", "path": ["nodes"], "message": "You may not provide more than 100
 * node ids; you provided 101."}` (same source).
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from "npm:graphql@16.15.0";

export const MAX_NODES = 500_000;
export const MAX_PAGE = 100;
export const MAX_NODE_IDS = 100;

export interface CostError {
  type:
    | "MISSING_PAGINATION_BOUNDARIES"
    | "EXCESSIVE_PAGINATION"
    | "MAX_NODE_LIMIT_EXCEEDED"
    | "ARGUMENT_LIMIT";
  message: string;
  path?: string[];
  locations?: { line: number; column: number }[];
}

export interface CostReport {
  /** Sum over connections of the number of times each is resolved. */
  requests: number;
  /** Points: round(requests / 100), at least 1. */
  cost: number;
  nodeCount: number;
  errors: CostError[];
  /** Whether the query asks `rateLimit(dryRun: true)`. */
  dryRun: boolean;
}

function isConnection(type: GraphQLNamedType): boolean {
  return (isObjectType(type) || isInterfaceType(type)) && type.name.endsWith("Connection") &&
    "pageInfo" in type.getFields();
}

export function analyzeQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string | null,
): CostReport {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === "FragmentDefinition") fragments.set(def.name.value, def);
    if (def.kind === "OperationDefinition") operations.push(def);
  }
  const op = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations[0];
  const report: CostReport = { requests: 0, cost: 1, nodeCount: 0, errors: [], dryRun: false };
  if (!op) return report;
  const root = op.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return report;

  const argValue = (field: FieldNode, name: string): unknown => {
    const arg = field.arguments?.find((a) => a.name.value === name);
    return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
  };

  const selectsItems = (set: SelectionSetNode | undefined, seen = new Set<string>()): boolean => {
    if (!set) return false;
    return set.selections.some((sel) => {
      if (sel.kind === "Field") return sel.name.value === "nodes" || sel.name.value === "edges";
      if (sel.kind === "InlineFragment") return selectsItems(sel.selectionSet, seen);
      const frag = fragments.get(sel.name.value);
      if (!frag || seen.has(frag.name.value)) return false;
      seen.add(frag.name.value);
      return selectsItems(frag.selectionSet, seen);
    });
  };

  const walk = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType,
    multiplier: number,
    path: string[],
    depth: number,
  ) => {
    if (depth > 60) return; // fragment cycles are rejected by validation; this is a backstop
    for (const sel of set.selections) {
      if (sel.kind === "InlineFragment") {
        const type = sel.typeCondition
          ? schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType
          : parent;
        if (type) walk(sel.selectionSet, type, multiplier, path, depth + 1);
        continue;
      }
      if (sel.kind === "FragmentSpread") {
        const frag = fragments.get(sel.name.value);
        const type = frag && schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType;
        if (frag && type) walk(frag.selectionSet, type, multiplier, path, depth + 1);
        continue;
      }
      const name = sel.name.value;
      if (name === "__typename") continue;
      const fields = "getFields" in parent ? parent.getFields() : {};
      const def = (fields as Record<string, GraphQLField<unknown, unknown>>)[name];
      if (!def) continue;
      const named = getNamedType(def.type);
      const here = [...path, sel.alias?.value ?? name];
      let childMultiplier = multiplier;
      if (name === "rateLimit" && argValue(sel, "dryRun") === true) report.dryRun = true;
      if (isConnection(named)) {
        const first = argValue(sel, "first");
        const last = argValue(sel, "last");
        const location = sel.loc ? [locationOf(sel)] : undefined;
        let size = typeof first === "number" ? first : typeof last === "number" ? last : undefined;
        for (const [argName, value] of [["first", first], ["last", last]] as const) {
          if (typeof value === "number" && value > MAX_PAGE) {
            report.errors.push({
              type: "EXCESSIVE_PAGINATION",
              path: here,
              locations: location,
              message:
                `Requesting ${value} records on the \`${name}\` connection exceeds the \`${argName}\` limit of ${MAX_PAGE} records.`,
            });
          }
          if (typeof value === "number" && value < 0) {
            report.errors.push({
              type: "EXCESSIVE_PAGINATION",
              path: here,
              locations: location,
              message: `\`${argName}\` on the \`${name}\` connection cannot be less than zero.`,
            });
          }
        }
        if (size === undefined) {
          if (selectsItems(sel.selectionSet)) {
            report.errors.push({
              type: "MISSING_PAGINATION_BOUNDARIES",
              path: here,
              locations: location,
              message:
                `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
            });
          }
          size = 0;
        }
        size = Math.max(0, Math.min(size, MAX_PAGE));
        report.requests += multiplier;
        report.nodeCount += multiplier * size;
        childMultiplier = multiplier * size;
      } else if (name === "nodes" && parent === root) {
        const ids = argValue(sel, "ids");
        const count = Array.isArray(ids) ? ids.length : 1;
        if (count > MAX_NODE_IDS) {
          report.errors.push({
            type: "ARGUMENT_LIMIT",
            path: here,
            locations: sel.loc ? [locationOf(sel)] : undefined,
            message:
              `You may not provide more than ${MAX_NODE_IDS} node ids; you provided ${count}.`,
          });
        }
        report.nodeCount += multiplier * count;
        childMultiplier = multiplier * count;
      }
      if (sel.selectionSet && isCompositeType(named)) {
        walk(sel.selectionSet, named, childMultiplier, here, depth + 1);
      }
    }
  };
  walk(op.selectionSet, root, 1, [], 0);

  report.cost = Math.max(1, Math.round(report.requests / 100));
  if (report.nodeCount > MAX_NODES) {
    report.errors.push({
      type: "MAX_NODE_LIMIT_EXCEEDED",
      message: `This query requests up to ${
        report.nodeCount.toLocaleString("en-US")
      } possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString("en-US")}.`,
    });
  }
  return report;
}

function locationOf(node: FieldNode): { line: number; column: number } {
  const loc = node.loc!;
  const body = loc.source.body.slice(0, loc.start);
  const lines = body.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}
