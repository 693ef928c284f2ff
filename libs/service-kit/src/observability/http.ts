// A subgraph's request context, GraphQL latency and /metrics: the HTTP side of observability.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Header, Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Span } from '@opentelemetry/api';
import { prometheusContentType } from 'prom-client';
import { CORRELATION_ID_HEADER, TRACER_NAME, correlationIdOrNew, runWithCorrelation } from '@hc/messaging';
import { ERROR_CODES } from '../errors.js';
import { SERVICE_RUNTIME } from '../runtime.token.js';
import type { ServiceRuntime } from '../runtime.js';
import type { PinoLogger } from './logging.js';

/** The first root field of an operation: a label the schema bounds. */
export function firstRootField(operation: OperationDefinitionNode | undefined): string | undefined {
  const field = operation?.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
  return field?.kind === Kind.FIELD ? field.name.value : undefined;
}

/**
 * Runs each GraphQL request inside its context: the gateway's correlation id (validated, else a new
 * one) and a server span continuing the gateway's `traceparent`. Mounted after Nest's body parser,
 * whose stream callbacks would otherwise leave the async context behind.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const correlationId = correlationIdOrNew(req.headers[CORRELATION_ID_HEADER]);
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = trace
      .getTracer(TRACER_NAME)
      .startSpan(
        `${this.runtime.options.config.service} graphql`,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'POST' } },
        parent,
      );
    const started = performance.now();
    res.setHeader(CORRELATION_ID_HEADER, correlationId);
    res.once('finish', () =>
      endServerSpan(span, res.statusCode, this.runtime.rootLogger, {
        correlationId,
        durationMs: Math.round(performance.now() - started),
      }),
    );
    runWithCorrelation(correlationId, next, trace.setSpan(parent, span));
  }
}

/**
 * Ends a request's server span with its status and, at debug level, logs the request under the span's
 * trace: the subgraphs' and the gateway's requests alike.
 */
export function endServerSpan(
  span: Span,
  status: number,
  logger: Pick<PinoLogger, 'isLevelEnabled' | 'debug'>,
  fields: { correlationId: string; durationMs: number; operation?: string },
): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
  if (logger.isLevelEnabled('debug')) {
    const { traceId, spanId } = span.spanContext();
    const { correlationId, operation, durationMs } = fields;
    logger.debug(
      { correlationId, traceId, spanId, ...(operation ? { operation } : {}), status, durationMs },
      'request completed',
    );
  }
}

const EXPOSED_CODES = new Set<string>([
  ...ERROR_CODES,
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
]);

/** Codes a client may see; anything else is an unexpected failure, logged and answered as internal. */
export function isExposedErrorCode(code: unknown): boolean {
  return typeof code === 'string' && EXPOSED_CODES.has(code);
}

/** Latency per operation, the span named after it, and unexpected resolver errors in the log. */
@Plugin()
@Injectable()
export class GraphQLObservabilityPlugin implements ApolloServerPlugin {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  requestDidStart(): Promise<GraphQLRequestListener<BaseContext>> {
    const { metrics, logger } = this.runtime;
    const started = performance.now();
    let operation = 'unknown';
    let type = 'unknown';
    return Promise.resolve({
      didResolveOperation(requestContext) {
        type = requestContext.operation?.operation ?? 'unknown';
        operation = firstRootField(requestContext.operation) ?? 'unknown';
        trace.getActiveSpan()?.updateName(`${type} ${operation}`);
        return Promise.resolve();
      },
      didEncounterErrors(requestContext) {
        for (const error of requestContext.errors) {
          if (isExposedErrorCode(error.extensions?.code)) continue;
          logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected resolver error');
        }
        return Promise.resolve();
      },
      willSendResponse(requestContext) {
        const outcome = requestContext.errors?.length ? 'error' : 'ok';
        metrics.graphqlDuration.observe({ operation, type, outcome }, (performance.now() - started) / 1000);
        return Promise.resolve();
      },
    });
  }
}

/** Prometheus text format, unauthenticated like /health (serve it on an internal port or network). */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Get()
  @Header('Content-Type', prometheusContentType)
  metrics(): Promise<string> {
    return this.runtime.metrics.registry.metrics();
  }
}
