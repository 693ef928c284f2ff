// The gateway's request context (correlation id, server span), its Prometheus registry and request latency.
import type { NextFunction, Request, Response } from 'express';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { Counter, type Histogram, type Registry } from 'prom-client';
import {
  CORRELATION_HEADER,
  METRICS_PREFIX,
  TRACER_NAME,
  correlationIdOrNew,
  createRegistry,
  endServerSpan,
  graphqlDurationHistogram,
  runWithCorrelation,
  type PinoLogger,
} from '@hc/service-kit';
import type { OperationInfo } from './operation.js';

export class GatewayMetrics {
  readonly registry: Registry;
  readonly graphqlDuration: Histogram<'operation' | 'type' | 'outcome'>;
  readonly rejections: Counter<'code'>;
  readonly forwardedOperations: Counter<'subgraph' | 'outcome'>;

  constructor() {
    this.registry = createRegistry('gateway');
    this.graphqlDuration = graphqlDurationHistogram(this.registry);
    this.rejections = new Counter({
      name: `${METRICS_PREFIX}gateway_rejections_total`,
      help: 'Requests the gateway refused before executing them, by error code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.forwardedOperations = new Counter({
      name: `${METRICS_PREFIX}gateway_forwarded_operations_total`,
      help:
        'Operations sent whole to the one subgraph that answers them, by subgraph and outcome ' +
        '(answered: its answer returned as it is; replay: Apollo made the answer from it)',
      labelNames: ['subgraph', 'outcome'],
      registers: [this.registry],
    });
  }
}

interface RequestLocals {
  correlationId?: string;
  /** Set once the operations are known; requests refused earlier are counted as `unknown`. */
  operation?: { operation: string; type: string };
}

function localsOf(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/**
 * The request's correlation id: the client's `x-correlation-id` when it is 1 to 128 characters of
 * `[A-Za-z0-9._:-]`, otherwise a new UUID; returned as a response header even when the body is refused.
 */
export function assignCorrelationId(req: Request, res: Response, next: NextFunction): void {
  const correlationId = correlationIdOrNew(req.get(CORRELATION_HEADER));
  localsOf(res).correlationId = correlationId;
  res.setHeader(CORRELATION_HEADER, correlationId);
  next();
}

/** The correlation id `assignCorrelationId` gave this request. */
export function correlationIdOfResponse(res: Response): string {
  return localsOf(res).correlationId ?? correlationIdOrNew(undefined);
}

/** Labels the request's latency by its first operation, when the supergraph knows that root field. */
export function labelOperation(
  res: Response,
  info: OperationInfo | undefined,
  rootFields: ReadonlySet<string>,
): void {
  const field = info?.rootFields[0];
  localsOf(res).operation = {
    // `Mutation.upsertDepartments` → `upsertDepartments`, the label the subgraphs use.
    operation: field !== undefined && rootFields.has(field) ? field.slice(field.indexOf('.') + 1) : 'unknown',
    type: info?.kind ?? 'unknown',
  };
}

/**
 * Runs the rest of the request in its context: the correlation id and a server span that starts a new
 * trace (a client's `traceparent` is not trusted at the edge). Mounted after the body parser, whose
 * stream callbacks would leave the async context behind.
 */
export function requestContext(metrics: GatewayMetrics, logger: PinoLogger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const correlationId = correlationIdOfResponse(res);
    const span = trace
      .getTracer(TRACER_NAME)
      .startSpan(
        'gateway graphql',
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
        ROOT_CONTEXT,
      );
    const started = performance.now();
    res.once('finish', () => {
      const { operation = 'unknown', type = 'unknown' } = localsOf(res).operation ?? {};
      const seconds = (performance.now() - started) / 1000;
      const outcome = res.statusCode < 400 ? 'ok' : 'error';
      metrics.graphqlDuration.observe({ operation, type, outcome }, seconds);
      span.updateName(`${type} ${operation}`);
      endServerSpan(span, res.statusCode, logger, {
        correlationId,
        operation,
        durationMs: Math.round(seconds * 1000),
      });
    });
    runWithCorrelation(correlationId, next, trace.setSpan(ROOT_CONTEXT, span));
  };
}
