// Apollo Server plugins: operation limits and the root fields an `integration` client was granted.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
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

/** A caller whose only role is `integration` may use only the root fields granted to its client id. */
export function integrationGrantsPlugin(
  grants: Record<string, string[]>,
): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ contextValue, document, operation }) => {
          const { roles, subject } = contextValue.identity;
          const integrationOnly = roles.length > 0 && roles.every((role) => role === 'integration');
          if (!integrationOnly || !operation) return Promise.resolve();
          const granted = new Set(grants[subject] ?? []);
          const refused = rootFieldsOf(operation, fragmentsOf(document)).filter(
            (field) => !granted.has(field),
          );
          if (refused.length > 0) {
            throw new GraphQLError(`Integration client "${subject}" is not granted ${refused.join(', ')}`, {
              extensions: { code: 'FORBIDDEN', fields: refused, http: { status: 403 } },
            });
          }
          return Promise.resolve();
        },
      }),
  };
}
