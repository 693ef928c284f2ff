// Correlation ids and W3C trace context: validation, the request/message context, and Kafka header codecs.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  ROOT_CONTEXT,
  context as otelContext,
  propagation,
  trace,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/** HTTP header and Kafka header that carry the correlation id. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';
/** W3C trace context headers, the same names on HTTP and on Kafka. */
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';
/** Instrumentation scope of every span the project creates. */
export const TRACER_NAME = 'hospitality-circles';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A caller-supplied correlation id, or undefined when it is not 1 to 128 characters of
 * `[A-Za-z0-9._:-]`: it ends up in logs, Kafka headers and the event store, so nothing else is taken.
 */
export function acceptCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : undefined;
}

/** The caller's correlation id when acceptable, otherwise a new UUID. */
export function correlationIdOrNew(value: unknown): string {
  return acceptCorrelationId(value) ?? randomUUID();
}

/** What a request or a consumed message runs with; log lines and appended events read it. */
export interface CorrelationScope {
  correlationId: string;
}

const scopes = new AsyncLocalStorage<CorrelationScope>();

/** The correlation id of the request or message being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return scopes.getStore()?.correlationId;
}

/** Runs `fn` with the correlation id and, when given, the trace context as the active ones. */
export function runWithCorrelation<R>(correlationId: string, fn: () => R, traceContext?: Context): R {
  const run = () => scopes.run({ correlationId }, fn);
  return traceContext ? otelContext.with(traceContext, run) : run();
}

/** Trace and span id of the active span, for log lines; undefined outside a (valid) span. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const spanContext = trace.getSpan(otelContext.active())?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/** Fields every log line inside a request or message carries. */
export function logContextFields(): Record<string, string> {
  const correlationId = currentCorrelationId();
  const ids = activeTraceIds();
  if (!correlationId && !ids) return {};
  return { ...(correlationId ? { correlationId } : {}), ...ids };
}

/** The W3C trace headers of `traceContext` (empty when it holds no valid span). */
export function traceHeadersOf(traceContext: Context = otelContext.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(traceContext, carrier);
  return carrier;
}

/** A Kafka header value as text; kafkajs hands headers over as Buffers (or arrays of them). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

const kafkaHeaderGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => headerText(carrier, key),
};

/** The trace context a producer put in a message's headers (the root context when there is none). */
export function traceContextFromHeaders(headers: IHeaders | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, kafkaHeaderGetter) : ROOT_CONTEXT;
}

/** The trace context stored with an event (see the event store's `trace_context`). */
export function traceContextFromCarrier(carrier: Record<string, string> | null | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/** The headers that carry an event's correlation and trace context to its consumers. */
export function contextHeaders(correlationId: string, traceContext: Context): Record<string, string> {
  return { [CORRELATION_ID_HEADER]: correlationId, ...traceHeadersOf(traceContext) };
}
