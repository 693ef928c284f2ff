// How the gateway calls a subgraph: configured URL, a timeout, and the verified identity signed in headers.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { context as otelContext, propagation } from '@opentelemetry/api';
import {
  CORRELATION_HEADER,
  encodeIdentity,
  IDENTITY_HEADER,
  IDENTITY_SIGNATURE_HEADER,
  type Identity,
} from '@hc/service-kit';
import { SUBGRAPH_NAMES, type SubgraphName } from './config.js';
import type { Logger } from './logger.js';
import { subgraphFetcher } from './subgraph-fetcher.js';

/** Per-request values the gateway computed from the HTTP request. */
export interface GatewayContext {
  identity: Identity;
  correlationId: string;
}

export interface SubgraphOptions {
  name: string;
  url: string;
  identitySecret: string;
  timeoutMs: number;
  logger: Logger;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphOptions) {
    super({ url: options.url, fetcher: subgraphFetcher(options.timeoutMs) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // Only the gateway speaks for the caller: whatever arrived under these names is dropped first.
    headers.delete(IDENTITY_HEADER);
    headers.delete(IDENTITY_SIGNATURE_HEADER);
    const { identity, correlationId } = context as Partial<GatewayContext>;
    if (identity) {
      for (const [name, value] of Object.entries(encodeIdentity(identity, this.options.identitySecret)))
        headers.set(name, value);
    }
    if (correlationId) headers.set(CORRELATION_HEADER, correlationId);
    // The subgraph's span continues this request's trace.
    propagation.inject(otelContext.active(), headers, {
      set: (carrier, key, value) => carrier.set(key, value),
    });
  }

  override didEncounterError(error: Error): void {
    this.options.logger.warn('subgraph request failed', { subgraph: this.options.name, err: String(error) });
    if (error.name === 'TimeoutError' || error.name === 'AbortError') {
      throw new GraphQLError(
        `The ${this.options.name} service did not answer within ${this.options.timeoutMs} ms`,
        {
          extensions: { code: 'SUBGRAPH_TIMEOUT', service: this.options.name },
        },
      );
    }
    if (error instanceof GraphQLError) throw error;
    throw new GraphQLError(`The ${this.options.name} service is unavailable`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', service: this.options.name },
      originalError: error,
    });
  }
}

export function isSubgraphName(name: string): name is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(name);
}
