// OpenTelemetry set-up: W3C propagation, async-local context, and a tracer provider with an optional exporter.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  /**
   * Where finished spans go. Default: from `OTEL_TRACES_EXPORTER` (`console` prints them; `none`, the
   * default, keeps them only as ids in logs and headers).
   */
  exporter?: SpanExporter;
}

let installed: BasicTracerProvider | undefined;

function exporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  return env.OTEL_TRACES_EXPORTER === 'console' ? new ConsoleSpanExporter() : undefined;
}

/**
 * Registers the process-wide tracer provider, context manager and propagator once; later calls
 * return the installed provider. Spans are created even without an exporter: their ids tie log
 * lines and Kafka messages to one trace.
 */
export function setupTracing(
  options: TracingOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): BasicTracerProvider {
  if (installed) return installed;
  const exporter = options.exporter ?? exporterFromEnv(env);
  const provider = new BasicTracerProvider({
    spanProcessors: exporter ? [new SimpleSpanProcessor(exporter)] : [],
    // Without an exporter nobody reads a span's attributes or timings: spans keep their ids (logs and Kafka
    // headers carry them) but record nothing, and say so downstream (W3C sampled flag 00).
    sampler: exporter ? new AlwaysOnSampler() : new AlwaysOffSampler(),
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  installed = provider;
  return provider;
}
