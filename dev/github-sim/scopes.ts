/**
 * GitHub's OAuth scope check for GraphQL, for classic PATs (auth.ts `tokenScopes`): a query that
 * reads discussions without one of the required scopes answers HTTP 200 with an
 * `INSUFFICIENT_SCOPES` error per offending field, in GitHub's wording (as github.com answers it,
 * quoted by many clients):
 *
 *   "Your token has not been granted the required scopes to execute this query. The 'projectsV2'
 *   field requires one of the following scopes: ['read:project'], but your token has only been
 *   granted the: ['gist', 'read:org', 'repo'] scopes. Please modify your token's scopes at:
 *   https://github.com/settings/tokens."
 *
 * Gated fields (GUESS: GitHub does not list them): `Repository.discussion(s)` and
 * `discussionCategor(y|ies)`, and every field of a type whose name starts with "Discussion"
 * (Discussion, DiscussionComment, their connections…); the outermost one of a selection is
 * reported, its sub-selection is not walked.
 */
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "npm:graphql@16.15.0";

export interface ScopeError {
  type: "INSUFFICIENT_SCOPES";
  locations?: { line: number; column: number }[];
  message: string;
}

const REPOSITORY_FIELDS = new Set([
  "discussion",
  "discussions",
  "discussionCategory",
  "discussionCategories",
]);

const list = (scopes: string[]) => `[${scopes.map((s) => `'${s}'`).join(", ")}]`;

export function scopeMessage(field: string, required: string[], granted: string[]): string {
  return `Your token has not been granted the required scopes to execute this query. The '${field}' field requires one of the following scopes: ${
    list(required)
  }, but your token has only been granted the: ${
    list(granted)
  } scopes. Please modify your token's scopes at: https://github.com/settings/tokens.`;
}

function location(node: FieldNode) {
  if (!node.loc) return undefined;
  const before = node.loc.source.body.slice(0, node.loc.start).split("\n");
  return [{ line: before.length, column: before[before.length - 1].length + 1 }];
}

/** The INSUFFICIENT_SCOPES errors of a document for a token holding `granted`. */
export function insufficientScopes(
  schema: GraphQLSchema,
  document: DocumentNode,
  granted: string[],
  discussionScopes: string[],
): ScopeError[] {
  if (discussionScopes.some((s) => granted.includes(s))) return [];
  const typeInfo = new TypeInfo(schema);
  const errors: ScopeError[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType()?.name;
        const name = node.name.value;
        if (!parent || name.startsWith("__")) return;
        const gated = parent.startsWith("Discussion") ||
          (parent === "Repository" && REPOSITORY_FIELDS.has(name));
        if (!gated) return;
        errors.push({
          type: "INSUFFICIENT_SCOPES",
          locations: location(node),
          message: scopeMessage(name, discussionScopes, granted),
        });
        return false;
      },
    }),
  );
  return errors;
}
