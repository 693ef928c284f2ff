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
import type { GraphQLFormattedError } from 'graphql';
import { correlationIdOrNew, currentCorrelationId } from '@hc/messaging';
import { CORRELATION_HEADER, decodeIdentity, type Identity } from './identity.js';
import { isExposedErrorCode } from './observability/http.js';
import { SERVICE_RUNTIME } from './runtime.token.js';
import type { ServiceRuntime } from './runtime.js';

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
  return GraphQLModule.forRootAsync<ApolloFederationDriverConfig>({
    driver: ApolloFederationDriver,
    // Apollo's own messages go to the service's pino logger when a RuntimeModule provides one.
    inject: [{ token: SERVICE_RUNTIME, optional: true }],
    useFactory: (runtime?: ServiceRuntime) => ({
      ...graphQLConfig(options),
      ...(runtime ? { logger: runtime.rootLogger } : {}),
    }),
  });
}

function graphQLConfig(options: SubgraphOptions): Omit<ApolloFederationDriverConfig, 'driver'> {
  return {
    autoSchemaFile:
      options.schemaFile === false ? { federation: 2 } : { path: options.schemaFile, federation: 2 },
    sortSchema: true,
    introspection: !options.production,
    playground: false,
    context: ({ req }: { req: HttpRequestLike }): RequestContext => ({
      identity: decodeIdentity(req.headers, options.identitySecret),
      // The request context's id (RuntimeModule's middleware), so resolvers, logs and events agree.
      correlationId: currentCorrelationId() ?? correlationIdOrNew(req.headers[CORRELATION_HEADER]),
    }),
    formatError: (formatted: GraphQLFormattedError): GraphQLFormattedError => {
      if (isExposedErrorCode(formatted.extensions?.code)) return formatted;
      // Unexpected failures keep their details in the logs (GraphQLObservabilityPlugin), not in the response.
      return {
        message: 'Internal server error',
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    },
  };
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
