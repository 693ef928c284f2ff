import {
  Catch,
  Module,
  createParamDecorator,
  type ArgumentsHost,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_FILTER, BaseExceptionFilter } from '@nestjs/core';
import { GqlExecutionContext, GraphQLModule, type GqlContextType } from '@nestjs/graphql';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import type { DynamicModule } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { CORRELATION_HEADER, decodeIdentity, type Identity } from './identity.js';

export interface RequestContext {
  identity: Identity | null;
  correlationId: string;
}

interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
}

export interface SubgraphOptions {
  /** Where the generated SDL is written (committed; the gateway composes from it). */
  schemaFile: string | false;
  identitySecret: string;
  production?: boolean;
}

const EXPOSED_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'UNAUTHENTICATED',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
]);

/**
 * Errors thrown by resolvers are GraphQL errors for the response (expected ones carry their code;
 * unexpected ones are logged once, in formatError), not HTTP exceptions for Nest to log again.
 */
@Catch()
class GraphQLErrorsPassThrough extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    return super.catch(exception, host);
  }
}

@Module({})
class SubgraphModule {}

/** A federation 2 subgraph whose resolvers see the caller's verified identity and correlation id. */
export function subgraphModule(options: SubgraphOptions): DynamicModule {
  return {
    module: SubgraphModule,
    imports: [graphQLModule(options)],
    providers: [{ provide: APP_FILTER, useClass: GraphQLErrorsPassThrough }],
  };
}

function graphQLModule(options: SubgraphOptions): DynamicModule {
  return GraphQLModule.forRoot<ApolloFederationDriverConfig>({
    driver: ApolloFederationDriver,
    autoSchemaFile:
      options.schemaFile === false ? { federation: 2 } : { path: options.schemaFile, federation: 2 },
    sortSchema: true,
    introspection: !options.production,
    playground: false,
    context: ({ req }: { req: HttpRequestLike }): RequestContext => {
      const correlation = req.headers[CORRELATION_HEADER];
      return {
        identity: decodeIdentity(req.headers, options.identitySecret),
        correlationId:
          typeof correlation === 'string' && correlation.length <= 100 ? correlation : randomUUID(),
      };
    },
    formatError: (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && EXPOSED_CODES.has(code)) return formatted;
      // Unexpected failures keep their details in the logs, not in the response.
      const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
      console.error(
        JSON.stringify({ level: 'error', message: 'unexpected resolver error', err: String(original) }),
      );
      return {
        message: 'Internal server error',
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    },
  });
}

function requestContext(context: ExecutionContext): RequestContext {
  return GqlExecutionContext.create(context).getContext<RequestContext>();
}

/** The verified caller (null when the request carried no valid forwarded identity). */
export const CurrentIdentity = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => requestContext(context).identity,
);

export const CorrelationId = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => requestContext(context).correlationId,
);
