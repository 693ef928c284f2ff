import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  CORRELATION_ID_HEADER,
  TRACER_NAME,
  contextHeaders,
  runWithCorrelation,
  traceContextFromCarrier,
  traceContextFromHeaders,
  traceHeadersOf,
} from '@hc/messaging';
import { createLogger } from './logging.js';
import { setupTracing } from './tracing.js';

const exporter = new InMemorySpanExporter();
setupTracing({ exporter });
const tracer = trace.getTracer(TRACER_NAME);

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('trace context in Kafka headers', () => {
  it('encodes the correlation id and a W3C traceparent that decodes to the same trace', () => {
    const span = tracer.startSpan('producer', { kind: SpanKind.PRODUCER });
    const headers = contextHeaders('corr-1', trace.setSpan(traceContextFromCarrier(null), span));
    span.end();
    const { traceId, spanId, traceFlags } = span.spanContext();
    expect(headers[CORRELATION_ID_HEADER]).toBe('corr-1');
    // Sampled (01) only when spans are exported; the ids travel either way.
    expect(headers.traceparent).toBe(`00-${traceId}-${spanId}-0${traceFlags}`);

    // kafkajs delivers header values as Buffers.
    const received = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, Buffer.from(value)]),
    );
    const parent = trace.getSpanContext(traceContextFromHeaders(received));
    expect(parent).toMatchObject({ traceId, spanId, isRemote: true });

    const child = tracer.startSpan(
      'consumer',
      { kind: SpanKind.CONSUMER },
      traceContextFromHeaders(received),
    );
    child.end();
    expect(child.spanContext().traceId).toBe(traceId);
    const exported = exporter.getFinishedSpans().find((finished) => finished.name === 'consumer');
    expect(exported?.parentSpanContext?.spanId).toBe(spanId);
  });

  it('ignores a malformed traceparent: the consumer starts a new trace', () => {
    const context = traceContextFromHeaders({ traceparent: Buffer.from('00-not-a-trace-01') });
    expect(trace.getSpanContext(context)).toBeUndefined();
    expect(traceHeadersOf(context)).toEqual({});
  });

  it('round-trips the carrier stored with an event', () => {
    const span = tracer.startSpan('command');
    const carrier = traceHeadersOf(trace.setSpan(traceContextFromCarrier(undefined), span));
    span.end();
    expect(trace.getSpanContext(traceContextFromCarrier(carrier))?.traceId).toBe(span.spanContext().traceId);
  });
});

describe('pino logs', () => {
  it('write one JSON line per event with service, level name, message and the active context', () => {
    const { stream, lines } = capture();
    const logger = createLogger('ideas', { level: 'debug', destination: stream });
    logger.info({ port: 1 }, 'outside');
    const span = tracer.startSpan('work');
    runWithCorrelation(
      'corr-7',
      () => logger.debug({ offset: '3' }, 'inside'),
      trace.setSpan(traceContextFromCarrier(null), span),
    );
    span.end();
    const [outside, inside] = lines();
    expect(outside).toMatchObject({ level: 'info', service: 'ideas', message: 'outside', port: 1 });
    expect(outside).not.toHaveProperty('correlationId');
    expect(outside).not.toHaveProperty('traceId');
    expect(typeof outside?.time).toBe('string');
    expect(inside).toMatchObject({
      level: 'debug',
      service: 'ideas',
      message: 'inside',
      offset: '3',
      correlationId: 'corr-7',
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
    });
  });

  it('drop lines below the level', () => {
    const { stream, lines } = capture();
    const logger = createLogger('metrics', { level: 'info', destination: stream });
    logger.debug({}, 'hidden');
    logger.warn({ err: new Error('boom') }, 'shown');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'shown',
        err: expect.objectContaining({ message: 'boom' }),
      }),
    ]);
  });
});
