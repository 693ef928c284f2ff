// Apollo Server plugins: operation limits and the root fields an `integration` client was granted.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { Identity } from '@hc/service-kit';
import type { LimitsConfig } from './config.js';
import { measureOperation } from './limits.js';
import { fragmentsOf, rootFieldsOf } from './operation.js';
import type { GatewayContext } from './subgraphs.js';

export function limitsPlugin(limits: LimitsConfig): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ schema, document, operation, request }) => {
          if (operation)
            measureOperation(schema, operation, fragmentsOf(document), request.variables ?? {}, limits);
          return Promise.resolve();
        },
      }),
  };
}

/** The root fields of `operation` an `integration`-only caller was not granted; none for other callers. */
export function ungrantedRootFields(
  grants: Record<string, string[]>,
  identity: Identity,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): string[] {
  const { roles, subject } = identity;
  const integrationOnly = roles.length > 0 && roles.every((role) => role === 'integration');
  if (!integrationOnly) return [];
  const granted = new Set(grants[subject] ?? []);
  return rootFieldsOf(operation, fragments).filter((field) => !granted.has(field));
}

/** A caller whose only role is `integration` may use only the root fields granted to its client id. */
export function integrationGrantsPlugin(
  grants: Record<string, string[]>,
): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ contextValue, document, operation }) => {
          if (!operation) return Promise.resolve();
          const { identity } = contextValue;
          const refused = ungrantedRootFields(grants, identity, operation, fragmentsOf(document));
          if (refused.length > 0) {
            throw new GraphQLError(
              `Integration client "${identity.subject}" is not granted ${refused.join(', ')}`,
              {
                extensions: { code: 'FORBIDDEN', fields: refused, http: { status: 403 } },
              },
            );
          }
          return Promise.resolve();
        },
      }),
  };
}
