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
import type { Logger } from './logger.js';
import { isPlainDataAnswer, takeReplayedOutcome, type SubgraphOutcome } from './single-subgraph.js';
import { subgraphFetcher, type SubgraphResponse } from './subgraph-fetcher.js';

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

/** The client's operation, sent on as it arrived. */
export interface ForwardedOperation {
  query: string;
  operationName?: unknown;
  variables?: unknown;
}

/** A forwarded operation's answer: the subgraph's body as it is, or what Apollo must make an answer of. */
export type ForwardResult = { kind: 'answered'; body: string } | { kind: 'replay'; outcome: SubgraphOutcome };

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly send: ReturnType<typeof subgraphFetcher>;

  constructor(private readonly options: SubgraphOptions) {
    const send = subgraphFetcher(options.timeoutMs);
    super({
      url: options.url,
      // Inside a replay (see single-subgraph.ts) the answer already received stands in for the fetch.
      fetcher: (url, init) => {
        const replay = takeReplayedOutcome();
        if (!replay) return send(url, init);
        return replay.kind === 'error' ? Promise.reject(replay.error) : Promise.resolve(replay.response);
      },
    });
    this.send = send;
  }

  /** The headers that speak for the caller: the signed identity, the correlation id and the trace context. */
  private callerHeaders(context: Partial<GatewayContext>, set: (name: string, value: string) => void): void {
    const { identity, correlationId } = context;
    if (identity) {
      for (const [name, value] of Object.entries(encodeIdentity(identity, this.options.identitySecret)))
        set(name, value);
    }
    if (correlationId) set(CORRELATION_HEADER, correlationId);
    // The subgraph's span continues this request's trace.
    propagation.inject(otelContext.active(), undefined, { set: (_carrier, key, value) => set(key, value) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // Only the gateway speaks for the caller: whatever arrived under these names is dropped first.
    headers.delete(IDENTITY_HEADER);
    headers.delete(IDENTITY_SIGNATURE_HEADER);
    this.callerHeaders(context as Partial<GatewayContext>, (name, value) => headers.set(name, value));
  }

  /** Sends the client's operation as it is (its route says this subgraph answers it whole). */
  async forward(operation: ForwardedOperation, context: GatewayContext): Promise<ForwardResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    this.callerHeaders(context, (name, value) => (headers[name] = value));
    let response: SubgraphResponse;
    try {
      response = await this.send(this.options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(operation),
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      return { kind: 'replay', outcome: { kind: 'error', error: failure } };
    }
    const body = await response.text();
    if (isPlainDataAnswer(response, body)) return { kind: 'answered', body };
    return { kind: 'replay', outcome: { kind: 'response', response } };
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
