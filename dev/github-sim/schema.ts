/**
 * GitHub's real GraphQL schema (npm @octokit/graphql-schema), built once per process from the
 * package's introspection JSON (faster than the IDL, which also repeats some definitions).
 */
import {
  buildClientSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "npm:graphql@16.15.0";
import { schema as github } from "npm:@octokit/graphql-schema@15.26.1";

let built: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (!built) {
    const json = github.json as { data?: IntrospectionQuery } & IntrospectionQuery;
    built = buildClientSchema(json.data ?? json);
  }
  return built;
}
